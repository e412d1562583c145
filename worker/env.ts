import { DEPLOY_REQUIREMENTS } from "./bindings";
import { contactKeyProblems } from "./lib/contact-keys";

export type Env = {
  DB: D1Database;
  MAIL_QUEUE: Queue<MailQueueMessage>;
  MAIL_TRANSPORT: string;
  SMTP_HOST: string;
  SMTP_PORT: string;
  SMTP_USER?: string;
  SMTP_PASS?: string;
  /**
   * "tls" for implicit TLS (port 465); otherwise STARTTLS when offered, unless SMTP_STARTTLS=0. With
   * SMTP_USER set, TLS is required (STARTTLS or implicit) and SMTP_STARTTLS=0 is refused at start-up.
   */
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
  /**
   * The LINK_SECRET before the last change, only while it is being rotated: pause links made with it
   * still verify. (Questionnaire links resolve by their stored hash whichever secret made them.)
   */
  LINK_SECRET_PREVIOUS?: string;
  /** base64 AES-256-GCM key for contact data at rest: the current key, which every new ciphertext uses. */
  CONTACT_KEY: string;
  /**
   * Earlier contact keys (base64, separated by commas or white space), only while addresses are being
   * re-encrypted to CONTACT_KEY (worker/lib/contact-keys.ts; README "Keys and data"). They only decrypt.
   */
  CONTACT_KEYS_PREVIOUS?: string;
  SESSION_SECRET: string;
  /** Workers Rate Limiting binding for the staff sign-in form (per client IP) */
  SIGNIN_LIMITER?: RateLimit;
  DEV_MODE?: string;
  /** "1": check every /api/v1 answer against its OpenAPI description; a mismatch is a 500 (the workerd tests) */
  VALIDATE_RESPONSES?: string;
  DEV_ADMIN_TOKEN?: string;
  /** Optional Cloudflare Access in front of the staff pages (worker/http/cf-access.ts) */
  CF_ACCESS_TEAM_DOMAIN?: string;
  CF_ACCESS_AUD?: string;
  /** a JWKS as JSON, where the Worker cannot fetch the team's key set (tests) */
  CF_ACCESS_JWKS?: string;
};

/** One queue message: outbox rows to deliver, and the run's clock (tests advance it). */
export type MailQueueMessage = { outboxIds: number[]; now?: number };

/** Secrets the Worker cannot run without (`wrangler secret put`; locally generated into .dev.vars). */
export const REQUIRED_SECRETS = DEPLOY_REQUIREMENTS.secrets;
/** Shortest accepted secret: 32 random bytes in base64url are 43 characters. */
export const MIN_SECRET_LENGTH = 32;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** Loopback hosts (RFC 6761: every *.localhost name is one too). */
export function isLocalUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return LOCAL_HOSTS.has(host) || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/**
 * DEV_MODE switches on the dev routes and the dev admin token. It is honoured only together with a
 * loopback PUBLIC_URL, so a .dev.vars copied into production can never switch them on.
 */
export const isDev = (env: Env) => env.DEV_MODE === "1" && isLocalUrl(env.PUBLIC_URL);

/** SMTP_SECURE=tls|1|true|ssl: implicit TLS (465). Otherwise STARTTLS, unless SMTP_STARTTLS=0 ("off"). */
export const smtpSecurity = (env: Pick<Env, "SMTP_SECURE" | "SMTP_STARTTLS">) =>
  ["tls", "1", "true", "ssl"].includes((env.SMTP_SECURE ?? "").toLowerCase())
    ? ("tls" as const)
    : env.SMTP_STARTTLS === "0"
      ? ("off" as const)
      : ("starttls" as const);

const httpsUrl = (s: string | undefined) => {
  try {
    return !!s && new URL(s).protocol === "https:";
  } catch {
    return false;
  }
};

/**
 * What keeps this Worker from serving safely, as short English lines for the log (never values). Empty
 * when it may serve. In dev mode only the secrets are checked; everywhere else also an https PUBLIC_URL
 * and a configured mail transport.
 */
export function configProblems(env: Env): string[] {
  const problems: string[] = [];
  for (const k of REQUIRED_SECRETS) {
    const v = env[k];
    if (!v) problems.push(`secret ${k} is missing (wrangler secret put ${k})`);
    else if (v.length < MIN_SECRET_LENGTH) problems.push(`secret ${k} is shorter than ${MIN_SECRET_LENGTH} characters`);
  }
  // Key ids are derived from the keys; messages name keys by position, never by value.
  const keyProblems = contactKeyProblems({
    ...env,
    CONTACT_KEY: env.CONTACT_KEY && env.CONTACT_KEY.length >= MIN_SECRET_LENGTH ? env.CONTACT_KEY : "",
  });
  problems.push(...keyProblems);
  if (env.LINK_SECRET_PREVIOUS && env.LINK_SECRET_PREVIOUS.length < MIN_SECRET_LENGTH) {
    problems.push(
      `secret LINK_SECRET_PREVIOUS is shorter than ${MIN_SECRET_LENGTH} ` +
        `characters (delete it when no rotation is under way)`,
    );
  }
  if (!env.DB) problems.push("D1 binding DB is missing");
  if (isDev(env)) return problems;
  if (!httpsUrl(env.PUBLIC_URL))
    problems.push("PUBLIC_URL must be an https:// address (the links in every mail point there)");
  else if (new URL(env.PUBLIC_URL).pathname !== "/") problems.push("PUBLIC_URL must be an origin without a path");
  if (!env.MAIL_QUEUE) problems.push("Queue binding MAIL_QUEUE is missing");
  if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(env.MAIL_FROM ?? ""))
    problems.push("MAIL_FROM must be an e-mail address");
  const transport = env.MAIL_TRANSPORT ?? "";
  if (transport === "smtp") {
    if (!env.SMTP_HOST) problems.push("MAIL_TRANSPORT=smtp needs SMTP_HOST");
    const port = Number(env.SMTP_PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      problems.push("MAIL_TRANSPORT=smtp needs SMTP_PORT (587 or 465)");
    if (env.SMTP_USER && smtpSecurity(env) === "off") {
      problems.push(
        "SMTP_USER is set but SMTP_STARTTLS=0: the relay password would " +
          "travel in plain text (STARTTLS on 587, or SMTP_SECURE=tls on 465)",
      );
    }
  } else if (transport === "cloudflare") {
    if (!env.EMAIL) problems.push("MAIL_TRANSPORT=cloudflare needs the send_email binding EMAIL");
  } else if (transport === "http") {
    if (!httpsUrl(env.MAIL_API_URL)) problems.push("MAIL_TRANSPORT=http needs an https:// MAIL_API_URL");
    if (!env.MAIL_API_KEY) problems.push("MAIL_TRANSPORT=http needs the secret MAIL_API_KEY");
  } else {
    problems.push("no mail transport configured: MAIL_TRANSPORT must be smtp, cloudflare or http");
  }
  return problems;
}

const checked = new WeakMap<object, string[]>();
/**
 * configProblems, computed once per env object (one per isolate) and logged once: a clear line in
 * Workers Logs / `wrangler tail` saying why the Worker refuses to serve.
 */
export function startupProblems(env: Env): string[] {
  let problems = checked.get(env);
  if (!problems) {
    problems = configProblems(env);
    checked.set(env, problems);
    if (problems.length) console.error(JSON.stringify({ event: "config_refused", problems }));
    else if (env.DEV_MODE === "1" && !isDev(env))
      console.warn(JSON.stringify({ event: "dev_mode_ignored", reason: "PUBLIC_URL is not a loopback address" }));
  }
  return problems;
}
