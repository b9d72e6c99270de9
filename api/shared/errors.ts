/**
 * Herald's one error family. Domain and data code throw these; one `onError` handler maps each
 * `code` to an HTTP status and answers `{ error: { code, message, requestId, fields? } }`.
 * No server imports here: the pure rules throw them too.
 */

export type FieldIssue = { path: string; message: string };

export class HeraldError extends Error {
  readonly code: string = 'internal_error';
  readonly status: number = 500;
  readonly fields: FieldIssue[] | undefined;

  constructor(message: string, fields?: FieldIssue[]) {
    super(message);
    this.name = new.target.name;
    this.fields = fields;
  }
}

export class ValidationError extends HeraldError {
  override readonly code = 'validation_failed';
  override readonly status = 400;
}

export class UnauthorizedError extends HeraldError {
  override readonly code = 'unauthorized';
  override readonly status = 401;
}

export class ForbiddenError extends HeraldError {
  override readonly code = 'forbidden';
  override readonly status = 403;
}

export class NotFoundError extends HeraldError {
  override readonly code = 'not_found';
  override readonly status = 404;
}

export class ConflictError extends HeraldError {
  override readonly code = 'conflict';
  override readonly status = 409;
}

/**
 * A public message holds what customers must not read (api/shared/leaks.ts); `fields` names
 * each finding. Sent again with `acknowledgeWarnings: true`, it is published as it is.
 */
export class LeaksInternalsError extends HeraldError {
  override readonly code = 'leaks_internals';
  override readonly status = 422;
}

/**
 * A maintenance window that would already be over when it is written: well-formed, but
 * customers would be told of work that has already ended. `fields` names the field.
 */
export class WindowInPastError extends HeraldError {
  override readonly code = 'window_in_past';
  override readonly status = 422;
}

/**
 * An event older than the window in which it may be taken (a captured delivery replayed, or
 * one that arrives far too late), or dated far ahead of the clock: well-formed and signed,
 * but refused. `fields` names the field.
 */
export class StaleEventError extends HeraldError {
  override readonly code = 'stale_event';
  override readonly status = 422;
}

export class UnsupportedMediaTypeError extends HeraldError {
  override readonly code = 'unsupported_media_type';
  override readonly status = 415;
}

export class TooManyRequestsError extends HeraldError {
  override readonly code = 'too_many_requests';
  override readonly status = 429;
}

export class PayloadTooLargeError extends HeraldError {
  override readonly code = 'payload_too_large';
  override readonly status = 413;
}

/** The database cannot be reached or stays busy; the public site is still served from the snapshot. */
export class UnavailableError extends HeraldError {
  override readonly code = 'database_unavailable';
  override readonly status = 503;
}

/** Herald is taking as much of this kind of request as it shares out; try again shortly (Retry-After says when). */
export class BusyError extends HeraldError {
  override readonly code = 'busy';
  override readonly status = 503;
}

/** A feature the operator has not configured (e.g. PAGERDUTY_WEBHOOK_SECRET): refused, never run half-configured. */
export class NotConfiguredError extends HeraldError {
  override readonly code = 'not_configured';
  override readonly status = 503;
}

/** Configuration that cannot work; thrown at start, before anything listens. */
export class ConfigError extends HeraldError {
  override readonly code = 'config_invalid';
}
