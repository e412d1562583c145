// How long an API token works: the rule the Bearer check (worker/http/sessions.ts) and the token list
// (worker/staff/admin-service.ts) share.
import { TOKEN_DEFAULT_DAYS } from "../../core/api-tokens";
import { DAY_MS } from "../../core/time";

/** When a token stops working: its expires_at, or 90 days after its creation for tokens made before expiry existed. */
export const tokenExpiry = (t: { expiresAt: number | null; createdAt: number }) =>
  t.expiresAt ?? t.createdAt + TOKEN_DEFAULT_DAYS * DAY_MS;
/** The same rule in SQL, for the Bearer check. */
export const TOKEN_EXPIRY_SQL = `COALESCE(expires_at, created_at + ${TOKEN_DEFAULT_DAYS * DAY_MS})`;
