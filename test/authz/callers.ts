import { createSigner } from 'fast-jwt';
import { TEST_SECRET } from '../helper.js';

// Every kind of caller the authorization matrix tries. "The nämnd" is SUBJECT_NAMND; "another" is OTHER_NAMND.
export const ISSUER = 'https://login.stockholm.test';
export const SUBJECT_NAMND = 'SN';
export const OTHER_NAMND = 'KS';

export const CALLERS = [
  'admin',
  'approver',
  'editor',
  'viewer',
  'approverOther',
  'editorOther',
  'viewerOther',
  'approverAll',
  'editorAll',
  'viewerAll',
  'auditor',
  'integration',
  'noToken',
  'expiredToken',
  'wrongSignature',
  'algNone',
  'otherIssuer',
] as const;
export type Caller = (typeof CALLERS)[number];

/** Callers whose token the service must refuse, whatever the operation. */
export const BAD_TOKENS: readonly Caller[] = ['noToken', 'expiredToken', 'wrongSignature', 'algNone', 'otherIssuer'];
export const VALID_TOKENS: readonly Caller[] = CALLERS.filter((c) => !BAD_TOKENS.includes(c));

const ROLES: Partial<Record<Caller, string[]>> = {
  admin: ['admin'],
  approver: [`approver:${SUBJECT_NAMND}`],
  editor: [`editor:${SUBJECT_NAMND}`],
  viewer: [`viewer:${SUBJECT_NAMND}`],
  approverOther: [`approver:${OTHER_NAMND}`],
  editorOther: [`editor:${OTHER_NAMND}`],
  viewerOther: [`viewer:${OTHER_NAMND}`],
  approverAll: ['approver:*'],
  editorAll: ['editor:*'],
  viewerAll: ['viewer:*'],
  auditor: ['auditor'],
  integration: ['integration'],
};

const sign = (opts: Record<string, unknown> = {}) =>
  createSigner({ key: TEST_SECRET, algorithm: 'HS256', iss: ISSUER, expiresIn: 3_600_000, ...opts });
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The Authorization header a caller sends, or undefined for none. */
export function authorization(caller: Caller): string | undefined {
  const payload = { sub: `matrix-${caller}`, roles: ROLES[caller] ?? ['admin'] };
  switch (caller) {
    case 'noToken':
      return undefined;
    case 'expiredToken':
      return `Bearer ${sign({ clockTimestamp: Date.now() - 7_200_000, expiresIn: 60_000 })(payload)}`;
    case 'wrongSignature':
      return `Bearer ${sign({ key: 'another-secret-that-is-long-enough-for-hs256' })(payload)}`;
    case 'algNone':
      return `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...payload, iss: ISSUER, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    case 'otherIssuer':
      return `Bearer ${sign({ iss: 'https://login.evil.example' })(payload)}`;
    default:
      return `Bearer ${sign()(payload)}`;
  }
}
