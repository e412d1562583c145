// What every deployed environment (wrangler.toml [env.staging], [env.production]) must give the Worker:
// bindings, plain settings ([vars]) and secrets. Plain data with no imports but a type, so that
// `npm run deploy:check` / `npm run deploy` (scripts/lib/deploy-config.mjs, in Node) read this very
// module; the Worker's start-up guard takes its REQUIRED_SECRETS from here (worker/env.ts), and the type
// checks at the bottom keep every name here a key of the Worker's Env.
import type { Env } from "./env";

export const DEPLOY_REQUIREMENTS = {
  /** [[d1_databases]]: the binding, and migrations_dir (applied with `wrangler d1 migrations apply DB --remote`). */
  d1: [{ binding: "DB", migrations: true }],
  /** [[queues.producers]]: each queue must also be consumed by this Worker ([[queues.consumers]]). */
  queueProducers: [{ binding: "MAIL_QUEUE", consumed: true }],
  /** [triggers] crons: the scheduled job (open → close → plan → send → recompute). */
  cron: true,
  /** [[ratelimits]] */
  ratelimits: ["SIGNIN_LIMITER"],
  /** [[send_email]] (MAIL_TRANSPORT = "cloudflare" sends through it; bound in every environment). */
  sendEmail: ["EMAIL"],
  /** [vars] every environment sets. PUBLIC_URL must be https:// outside local development. */
  vars: ["MAIL_TRANSPORT", "MAIL_FROM", "MAIL_FROM_NAME", "PUBLIC_URL"],
  /** [vars] per MAIL_TRANSPORT; URL-valued ones must be https://. */
  transportVars: {
    smtp: ["SMTP_HOST", "SMTP_PORT"],
    http: ["MAIL_API_URL"],
    cloudflare: [],
  },
  /** Secrets (`wrangler secret put <NAME> --env <env>`), never in wrangler.toml. */
  secrets: ["LINK_SECRET", "CONTACT_KEY", "SESSION_SECRET"],
  /**
   * Secrets set only while a key is being rotated (README "Sleutels en gegevens / Keys and data"): the
   * previous contact keys, still able to decrypt, and the previous LINK_SECRET, for pause links already mailed.
   */
  rotationSecrets: ["CONTACT_KEYS_PREVIOUS", "LINK_SECRET_PREVIOUS"],
  /** Secrets per MAIL_TRANSPORT: required ones, and ones needed only if the relay asks for them. */
  transportSecrets: {
    smtp: { required: [], optional: ["SMTP_USER", "SMTP_PASS"] },
    http: { required: ["MAIL_API_KEY"], optional: [] },
    cloudflare: { required: [], optional: [] },
  },
} as const;

type R = typeof DEPLOY_REQUIREMENTS;
/** Every name above. */
export type RequiredName =
  | R["d1"][number]["binding"]
  | R["queueProducers"][number]["binding"]
  | R["ratelimits"][number]
  | R["sendEmail"][number]
  | R["vars"][number]
  | R["transportVars"][keyof R["transportVars"]][number]
  | R["secrets"][number]
  | R["rotationSecrets"][number]
  | R["transportSecrets"][keyof R["transportSecrets"]][keyof R["transportSecrets"]["smtp"]][number];

// Compile-time: a name here that the Worker's Env does not declare is a type error (npm run typecheck).
type MustBeEnvKeys<T extends keyof Env> = T;
export type CheckedNames = MustBeEnvKeys<RequiredName>;
