// Named errors of the console's server side. Each maps to one HTTP status in
// lib/server/http/error-response.ts; nothing else decides statuses.
import type { Finding } from '@/lib/files/types.d.mts';
import type { Entry } from '@/lib/pipes/entry';
import type { FieldIssue } from '@/lib/pipes/schema';

const KINDS = Symbol.for('pipes-console.error-kinds');

/**
 * Base of the console's errors. Next evaluates a server module once per bundle (instrumentation,
 * each route), so an error thrown by the hub can meet another copy of its own class in a route:
 * `instanceof` here compares the `kind`s, written out so minification cannot rename them.
 */
export class ConsoleError extends Error {
  static readonly kind: string = 'ConsoleError';
  readonly [KINDS]: string[];

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    const kinds: string[] = [];
    for (let c = new.target; c !== ConsoleError; c = Object.getPrototypeOf(c)) kinds.push(c.kind);
    this[KINDS] = [...kinds, ConsoleError.kind];
    this.name = new.target.kind;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    const kinds = typeof value === 'object' && value !== null ? (value as { [KINDS]?: unknown })[KINDS] : undefined;
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** 400: the request is malformed; `issues` point at the fields. */
export class BadRequestError extends ConsoleError {
  static override readonly kind = 'BadRequestError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** 400: files sent to import are refused as a whole; each finding names the file, the pipe and why. */
export class FilesRefusedError extends ConsoleError {
  static override readonly kind = 'FilesRefusedError';
  constructor(
    message: string,
    readonly findings: Finding[],
  ) {
    super(message);
  }
}

/** 404 */
export class NotFoundError extends ConsoleError {
  static override readonly kind = 'NotFoundError';
}

/** 428: a write without If-Match / If-None-Match. */
export class PreconditionRequiredError extends ConsoleError {
  static override readonly kind = 'PreconditionRequiredError';
}

/** 412: the key is not at the revision the writer started from. */
export class PreconditionFailedError extends ConsoleError {
  static override readonly kind = 'PreconditionFailedError';
  constructor(
    message: string,
    readonly current: Entry | null,
  ) {
    super(message);
  }
}

/** 413 */
export class PayloadTooLargeError extends ConsoleError {
  static override readonly kind = 'PayloadTooLargeError';
}

/** 415 */
export class UnsupportedMediaTypeError extends ConsoleError {
  static override readonly kind = 'UnsupportedMediaTypeError';
}

/** 503: NATS (or the watched cache) cannot answer now; the request wrote nothing or may be retried. */
export class UnavailableError extends ConsoleError {
  // Widened: JetStreamUnavailableError refines it.
  static override readonly kind: string = 'UnavailableError';
}

/** 401 */
export class UnauthorizedError extends ConsoleError {
  static override readonly kind = 'UnauthorizedError';
}

/** 403 */
export class ForbiddenError extends ConsoleError {
  static override readonly kind = 'ForbiddenError';
}

/** 429; `retryAfterMs` becomes Retry-After. */
export class TooManyRequestsError extends ConsoleError {
  static override readonly kind = 'TooManyRequestsError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
