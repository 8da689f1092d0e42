import { AppError, ConflictError, ServiceUnavailableError } from '../errors.js';

// Database errors arrive wrapped by drizzle (DrizzleQueryError, whose message holds the SQL): unwrap to the driver's.
function driverError(err: unknown): { code?: string; message?: string; constraint?: string } | null {
  let e = err as { cause?: unknown; code?: unknown } | undefined;
  for (let i = 0; i < 4 && e; i++) {
    if (typeof e.code === 'string') return e as { code: string };
    e = e.cause as typeof e;
  }
  return null;
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

const CLIENT_CODES: Record<number, string> = {
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's and its plugins' own errors (body too large, bad JSON, …) carry a status: give them a stable code. */
function frameworkError(err: unknown): AppError | null {
  const e = err as { code?: unknown; statusCode?: unknown; message?: string; validation?: unknown };
  if (typeof e?.code !== 'string' || !/^(FST_|MER_ERR_)/.test(e.code) || e.validation) return null;
  const status = Number(e.statusCode);
  if (!(status >= 400 && status < 500) && status !== 503) return null;
  return new AppError(CLIENT_CODES[status] ?? 'BAD_REQUEST', e.message ?? 'Bad request', status);
}

/** Maps anything thrown to a client-safe AppError, or null for a genuine internal error. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const framework = frameworkError(err);
  if (framework) return framework;
  const d = driverError(err);
  const message = (err as Error)?.message ?? '';
  if (d?.code) {
    if (d.code === '23505') return new ConflictError('This conflicts with an existing record', { constraint: d.constraint });
    if (d.code === '23503') return new ConflictError('This refers to, or is referred to by, another record', { constraint: d.constraint });
    if (d.code === '40001' || d.code === '40P01') return new ConflictError('A concurrent change won; read again and retry');
    if (d.code.startsWith('08') || UNAVAILABLE_CODES.has(d.code)) return new ServiceUnavailableError();
  }
  if (/timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message)) {
    return new ServiceUnavailableError();
  }
  return null;
}
