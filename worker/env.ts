export type Env = {
  DB: D1Database;
  MAIL_QUEUE: Queue<MailQueueMessage>;
  MAIL_TRANSPORT: string;
  SMTP_HOST: string;
  SMTP_PORT: string;
  SMTP_USER?: string;
  SMTP_PASS?: string;
  SMTP_STARTTLS?: string;
  MAIL_FROM: string;
  MAIL_FROM_NAME: string;
  PUBLIC_URL: string;
  /** HMAC key from which personal link tokens are derived (only their hashes are stored). */
  LINK_SECRET: string;
  /** base64 AES-256-GCM key for contact data at rest. */
  CONTACT_KEY: string;
  SESSION_SECRET: string;
  DEV_MODE?: string;
  DEV_ADMIN_TOKEN?: string;
};

export type MailQueueMessage = { outboxIds: number[] };

const REQUIRED_SECRETS = ["LINK_SECRET", "CONTACT_KEY", "SESSION_SECRET"] as const;

/** Fails loudly at the boundary instead of deep inside a request. */
export function checkEnv(env: Env): void {
  const missing = REQUIRED_SECRETS.filter((k) => !env[k] || env[k].length < 16);
  if (missing.length) throw new Error(`Missing or too short secrets: ${missing.join(", ")} (run npm start to generate .dev.vars)`);
}

export const isDev = (env: Env) => env.DEV_MODE === "1";
