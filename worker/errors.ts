import type { MessageKey } from "../web/i18n/messages";

export const ERROR_STATUS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  internal: 500,
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
    return `error.${this.code}`;
  }
}
