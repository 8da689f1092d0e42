import { createSigner } from 'fast-jwt';
import { loadConfig } from '../config.js';
import { resolveJwtKeys } from '../auth/keys.js';
import { cliArgs, fail } from './args.js';

const USAGE = 'npm run token -- --sub <subject> --role <role> [--role <role> …] [--expires 8h]\n' +
  '  roles: admin, auditor, integration, approver:<code>, editor:<code>, viewer:<code> (<code> may be *)';

const args = cliArgs(
  {
    sub: { type: 'string' },
    role: { type: 'string', multiple: true },
    expires: { type: 'string', default: '8h' },
  },
  USAGE,
);

if (!args.sub) fail(`--sub is required\n\nUsage: ${USAGE}`, 2);
const config = loadConfig();
const keys = resolveJwtKeys(config);
if (keys.mode !== 'secret') {
  fail('This service verifies tokens from an identity provider (public key or JWKS): get a token from it instead.');
}
const m = /^(\d+)([smhd])$/.exec(args.expires!);
if (!m) fail('--expires takes a number and a unit, e.g. 30m, 8h, 7d', 2);
const ms = Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];

const sign = createSigner({
  key: keys.secret,
  algorithm: 'HS256',
  expiresIn: ms,
  iss: config.JWT_ISSUER,
  aud: config.JWT_AUDIENCE,
});
process.stdout.write(sign({ sub: args.sub, [config.JWT_ROLES_CLAIM]: args.role ?? [] }) + '\n');
