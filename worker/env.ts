export type Env = {
  DB: D1Database;
  MAIL_QUEUE: Queue<MailQueueMessage>;
  MAIL_TRANSPORT: string;
  SMTP_HOST: string;
  SMTP_PORT: string;
  SMTP_USER?: string;
  SMTP_PASS?: string;
  /** "tls" for implicit TLS (port 465); otherwise STARTTLS when offered, unless SMTP_STARTTLS=0 */
  SMTP_SECURE?: string;
  SMTP_STARTTLS?: string;
  /** "1": refuse to send without TLS */
  SMTP_REQUIRE_TLS?: string;
  SMTP_HELO?: string;
  /** MAIL_TRANSPORT=http: base URL and key of a JSON mail API that honours Idempotency-Key */
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  MAIL_MAX_ATTEMPTS?: string;
  /** MAIL_TRANSPORT=cloudflare: the send_email binding */
  EMAIL?: SendEmail;
  MAIL_FROM: string;
  MAIL_FROM_NAME: string;
  PUBLIC_URL: string;
  /** HMAC key from which personal link tokens are derived (only their hashes are stored). */
  LINK_SECRET: string;
  /** base64 AES-256-GCM key for contact data at rest. */
  CONTACT_KEY: string;
  SESSION_SECRET: string;
  /** Workers Rate Limiting binding for the staff sign-in form (per client IP) */
  SIGNIN_LIMITER?: RateLimit;
  DEV_MODE?: string;
  /** "1": check every /api/v1 answer against its OpenAPI description; a mismatch is a 500 (the workerd tests) */
  VALIDATE_RESPONSES?: string;
  DEV_ADMIN_TOKEN?: string;
  /** Optional Cloudflare Access in front of the staff pages (worker/staff/access.ts) */
  CF_ACCESS_TEAM_DOMAIN?: string;
  CF_ACCESS_AUD?: string;
  /** a JWKS as JSON, where the Worker cannot fetch the team's key set (tests) */
  CF_ACCESS_JWKS?: string;
};

/** One queue message: outbox rows to deliver, and the run's clock (tests advance it). */
export type MailQueueMessage = { outboxIds: number[]; now?: number };

const REQUIRED_SECRETS = ["LINK_SECRET", "CONTACT_KEY", "SESSION_SECRET"] as const;

/** Fails loudly at the boundary instead of deep inside a request. */
export function checkEnv(env: Env): void {
  const missing = REQUIRED_SECRETS.filter((k) => !env[k] || env[k].length < 16);
  if (missing.length) throw new Error(`Missing or too short secrets: ${missing.join(", ")} (run npm start to generate .dev.vars)`);
}

export const isDev = (env: Env) => env.DEV_MODE === "1";
