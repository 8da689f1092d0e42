import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

// Where a webhook may send events (SSRF defence): public unicast addresses only, unless an operator lists an internal
// range in WEBHOOK_ALLOW_CIDRS. Checked twice: the URL at registration, the resolved address at every connection.

export interface DestinationPolicy {
  /** Plain http is for development and tests; in production events travel over https only. */
  allowHttp: boolean;
  /** Internal ranges webhooks may reach anyway. */
  allowCidrs: readonly string[];
}

/** Stable code of a destination refused at registration. */
export const DESTINATION_REFUSED = 'WEBHOOK_DESTINATION_REFUSED';

export class DestinationRefusedError extends Error {
  readonly code = DESTINATION_REFUSED;
  constructor() {
    // Never names the address or port: lastError must not map the internal network.
    super('destination not allowed');
  }
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function createDestinationCheck(policy: DestinationPolicy) {
  const allowed: Cidr[] = policy.allowCidrs.map((c) => (c.includes('/') ? ipaddr.parseCIDR(c) : toCidr(ipaddr.parse(c))));

  /** Public unicast, or inside an allowed range; IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 it is. */
  function addressAllowed(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    const ip = ipaddr.process(address);
    if (ip.range() === 'unicast') return true;
    return allowed.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  }

  /** A URL of an allowed scheme, or why not (VALIDATION_FAILED). */
  function schemeProblem(raw: string): string | null {
    if (!URL.canParse(raw)) return 'must be an absolute URL';
    const u = new URL(raw);
    if (u.protocol === 'https:' || (policy.allowHttp && u.protocol === 'http:')) return null;
    return policy.allowHttp ? 'must be an http(s) URL' : 'must be an https URL';
  }

  /**
   * Why this destination is refused (WEBHOOK_DESTINATION_REFUSED), or null. The WHATWG parser has already
   * normalised `2130706433`, `0x7f000001`, `127.1` and octal parts to dotted IPv4, and IPv6 to its canonical form.
   */
  function targetProblem(raw: string): string | null {
    const u = new URL(raw);
    if (u.username || u.password) return 'must not contain credentials (user:password@): they would be stored and audited';
    const host = hostOf(u);
    if (host === 'localhost' || host.endsWith('.localhost')) return 'must not name this machine (localhost)';
    if (ipaddr.isValid(host) && !addressAllowed(host)) {
      return 'must not name a loopback, private, link-local, unique-local, multicast or unspecified address';
    }
    return null;
  }

  /** The resolver for outgoing connections: every address a name resolves to must be allowed, or none is used. */
  const lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      if (!list.length || !list.every((a) => addressAllowed(a.address))) return callback(new DestinationRefusedError() as NodeJS.ErrnoException, '', 0);
      // LookupFunction types only the single-address callback; with options.all the caller expects the list.
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };

  /** At connection time: an address literal skips DNS (so the lookup), hence checked here. */
  function literalAllowed(u: URL): boolean {
    const host = hostOf(u);
    return !ipaddr.isValid(host) || addressAllowed(host);
  }

  return { schemeProblem, targetProblem, lookup, literalAllowed, addressAllowed };
}

export type DestinationCheck = ReturnType<typeof createDestinationCheck>;

/** The host without IPv6 brackets, lower case, without a trailing dot. */
function hostOf(u: URL): string {
  return u.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

function toCidr(ip: ipaddr.IPv4 | ipaddr.IPv6): Cidr {
  return [ip, ip.kind() === 'ipv4' ? 32 : 128];
}
