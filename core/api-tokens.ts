// How long an API token lives: 90 days unless chosen otherwise at creation, at most a year. Shared by the
// token schema (worker/studies/validators.ts), the token service and the admin page. Pure; no imports.
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;
