// Typed errors with stable codes; mapped to HTTP status and GraphQL extensions in one place (src/http/errors.ts).
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly statusCode = 400,
    public readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[]) {
    super('VALIDATION_FAILED', message, 400, { fields: issues });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'A valid bearer token is required') {
    super('UNAUTHENTICATED', message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this') {
    super('FORBIDDEN', message, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, key: string) {
    super('NOT_FOUND', `${entity} ${key} was not found`, 404, { entity, key });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super('CONFLICT', message, 409, details);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The database is unavailable; try again shortly') {
    super('SERVICE_UNAVAILABLE', message, 503);
  }
}
