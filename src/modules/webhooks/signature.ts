import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// Standard Webhooks (https://www.standardwebhooks.com), signed and verified by its reference library: the receiver
// checks `v1,` base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)) with the key decoded from `whsec_<base64>`.

const SECRET = /^whsec_([A-Za-z0-9+/]{32,}={0,2})$/;

export function generateSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

export function isValidSecret(secret: string): boolean {
  const m = SECRET.exec(secret);
  return !!m && Buffer.from(m[1], 'base64').length >= 24;
}

export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), body),
  };
}

/** What a receiver does (also used by the tests): a matching signature and a recent timestamp (no replay later). */
export function verify(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
