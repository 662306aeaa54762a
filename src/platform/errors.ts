/**
 * Domain errors: typed here, mapped once to GraphQL at the edge (src/platform/graphql/error-formatter.ts).
 * Every error a client may see has one of these literal codes.
 */
export type ErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'DUPLICATE' | 'ILLEGAL_TRANSITION' | 'CONFLICT' | 'TOO_MANY_ATTEMPTS';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, client-safe facts that become `extensions` beside `code`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'You must be signed in') {
    super('UNAUTHENTICATED', message);
  }
}

/** Issue 15: sign-in is throttled for this username or client address; `retryAfter` is in whole seconds. */
export class TooManyAttemptsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', `Too many failed sign-ins: try again in ${retryAfterSeconds} s`, { retryAfter: retryAfterSeconds });
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this', details: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, details);
  }
}

/** Map from input path (e.g. `input.contacts.0.mobile`) to a human message. */
export type FieldErrors = Record<string, string>;

export class ValidationError extends DomainError {
  constructor(
    readonly fields: FieldErrors,
    message = 'Invalid input',
    details: Record<string, unknown> = {},
  ) {
    super('BAD_USER_INPUT', message, { ...details, fields });
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${id} not found`, { entity, id });
  }
}

export class DuplicateError extends DomainError {
  constructor(message: string, matches: readonly unknown[]) {
    super('DUPLICATE', message, { matches });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

export class IllegalTransitionError extends DomainError {
  constructor(message: string, details: { state: string; event: string; allowedEvents: string[]; rule?: string }) {
    super('ILLEGAL_TRANSITION', message, details);
  }
}

/** Collects per-field problems and throws one ValidationError with all of them. */
export class FieldErrorCollector {
  readonly fields: FieldErrors = {};

  add(path: string, message: string): void {
    if (!(path in this.fields)) this.fields[path] = message;
  }

  check(condition: boolean, path: string, message: string): void {
    if (!condition) this.add(path, message);
  }

  get ok(): boolean {
    return Object.keys(this.fields).length === 0;
  }

  throwIfAny(message = 'Invalid input'): void {
    if (!this.ok) throw new ValidationError(this.fields, message);
  }
}
