import crypto from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com): the receiver verifies
// base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)) with the key decoded from `whsec_<base64>`.

const SECRET = /^whsec_([A-Za-z0-9+/]{32,}={0,2})$/;

export function generateSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

export function isValidSecret(secret: string): boolean {
  const m = SECRET.exec(secret);
  return !!m && Buffer.from(m[1], 'base64').length >= 24;
}

function key(secret: string): Buffer {
  const m = SECRET.exec(secret);
  if (!m) throw new Error('not a whsec_ secret');
  return Buffer.from(m[1], 'base64');
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const mac = crypto.createHmac('sha256', key(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': sign(secret, id, timestamp, body),
  };
}

/**
 * What a receiver does (also used by the tests): any of the space-separated `v1,` signatures must match, in
 * constant time, and the timestamp must be recent so that a captured request cannot be replayed later.
 */
export function verify(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigs !== 'string') return false;
  const timestamp = Number(ts);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, id, timestamp, body).slice(3), 'base64');
  return sigs.split(' ').some((s) => {
    if (!s.startsWith('v1,')) return false;
    const given = Buffer.from(s.slice(3), 'base64');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
