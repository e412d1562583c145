import type { MessageKey } from "../core/i18n/messages";

export const ERROR_STATUS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  internal: 500,
  /** D1 (or another platform service) failed for a moment: nothing half-stored, try again (Retry-After). */
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error model: every failure answers `{ error: { code, message, requestId, details? } }`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? code);
  }
  get status() {
    return ERROR_STATUS[this.code];
  }
  get messageKey(): MessageKey {
    return this.code === "unavailable" ? "unavailable.title" : `error.${this.code}`;
  }
}

/** Seconds a client is asked to wait before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

// What D1 says when a retry may well succeed: the connection dropped, the database object was reset or
// restarted, it is overloaded or busy, or the call timed out. Constraint violations and SQL errors are bugs
// or real conflicts and stay what they are.
const TRANSIENT_RE = new RegExp(
  [
    "network connection lost",
    "object to be reset",
    "reset because its code was updated",
    "transient issue",
    "overloaded",
    "queued for too long",
    "D1_ERROR: Internal error",
    "timed? ?out",
    "SQLITE_BUSY",
    "database is locked",
  ].join("|"),
  "i",
);

/** A D1 failure worth a retry, found in the error or its causes (drizzle wraps D1's error as `cause`). */
export function isTransientError(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++) {
    if (TRANSIENT_RE.test(x.message)) return true;
  }
  return false;
}
