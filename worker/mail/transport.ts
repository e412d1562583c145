// Every way mail leaves the Worker, behind one interface chosen by MAIL_TRANSPORT:
//   smtp   — an organisation's relay or the local mail catcher, over cloudflare:sockets (TLS/STARTTLS, AUTH)
//   cloudflare — the `send_email` binding (Cloudflare Email Routing / Email Service)
//   http   — a JSON mail API at MAIL_API_URL that honours an Idempotency-Key header
// The MIME text is built once by worker-mailer's Email class (mime.ts) for all three.
import { EmailMessage } from "cloudflare:email";
import { isDev, smtpSecurity, type Env } from "../env";
import { hmacHex } from "../lib/crypto";
import { buildMime } from "./mime";
import { SmtpError, SmtpSession } from "./smtp";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** defaults to the Message-ID */
  idempotencyKey?: string;
  /** display name of the sender (a pilot's configured sender name); defaults to MAIL_FROM_NAME */
  fromName?: string;
  /** the MIME text, when the caller built it already (deliverOutbox builds before it marks the send as started) */
  mime?: ReturnType<typeof buildMime>;
};
/**
 * `unknown`: the transport may or may not have taken the message (connection lost after it was handed
 * over). Only a transport with `idempotent: true` may resend such a message.
 */
export type SendResult = { accepted: true } | { accepted: false; permanent: boolean; unknown?: boolean; error: string };

export interface MailTransport {
  readonly name: "smtp" | "cloudflare" | "http";
  /** true when resending the same message with the same key cannot produce a second copy */
  readonly idempotent: boolean;
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

/**
 * An opaque Message-ID for a message key (an outbox row's key, a sign-in link's hash): HMAC(LINK_SECRET,
 * key), so it names no occasion, kind or count and cannot be guessed or reversed without the secret;
 * unique per key and stable, so a resend of the same outbox row carries the same id.
 */
export async function messageIdFor(env: Env, key: string): Promise<string> {
  const domain = env.MAIL_FROM.split("@")[1] ?? "localhost";
  return `<${(await hmacHex(env.LINK_SECRET, `message-id:${key}`)).slice(0, 40)}@${domain}>`;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300);

/** The mail's MIME text; one that cannot be built is a permanent failure of that mail, never a throw. */
function mimeOf(env: Env, mail: OutgoingMail): { mime: ReturnType<typeof buildMime> } | { failed: SendResult } {
  if (mail.mime) return { mime: mail.mime };
  try {
    return { mime: buildMime(env, mail) };
  } catch (e) {
    return { failed: { accepted: false, permanent: true, error: `build_failed: ${errorText(e)}` } };
  }
}

/** A transport whose `deliver` gets each mail with its MIME text; a mail whose MIME cannot be built fails first. */
function mimeTransport(
  env: Env,
  name: MailTransport["name"],
  idempotent: boolean,
  deliver: (mail: OutgoingMail, raw: ReturnType<typeof buildMime>) => Promise<SendResult>,
  close: () => Promise<void> = async () => {},
): MailTransport {
  return {
    name,
    idempotent,
    async send(mail) {
      const built = mimeOf(env, mail);
      if ("failed" in built) return built.failed;
      return deliver(mail, built.mime);
    },
    close,
  };
}

/**
 * SMTP over cloudflare:sockets; one session is reused for a whole batch and reopened after a failure.
 * With credentials (SMTP_USER) the session must be encrypted — implicit TLS or STARTTLS — before AUTH:
 * a relay that does not offer STARTTLS (or a man in the middle who strips it) gets no password and no
 * message (smtp.ts). Without credentials STARTTLS is used when offered, and insisted on with SMTP_REQUIRE_TLS=1.
 */
export function smtpTransport(env: Env): MailTransport {
  let session: SmtpSession | null = null;
  const options = {
    host: env.SMTP_HOST,
    port: Number(env.SMTP_PORT),
    security: smtpSecurity(env),
    requireTls: env.SMTP_REQUIRE_TLS === "1" || !!env.SMTP_USER,
    user: env.SMTP_USER || undefined,
    pass: env.SMTP_PASS,
    heloName: env.SMTP_HELO ?? env.MAIL_FROM.split("@")[1] ?? "localhost",
    timeoutMs: 15_000,
  };
  return mimeTransport(
    env,
    "smtp",
    false,
    async (mail, raw) => {
      try {
        session ??= await SmtpSession.open(options);
        await session.send(env.MAIL_FROM, mail.to, raw.dotStuffed);
        return { accepted: true };
      } catch (e) {
        const err = e instanceof SmtpError ? e : new SmtpError(errorText(e), null, false);
        // Reuse the session after a clean refusal; anything else gets a fresh connection next time.
        if (err.code !== null && session) {
          try {
            await session.reset();
          } catch {
            await session.close();
            session = null;
          }
        } else {
          await session?.close();
          session = null;
        }
        if (err.afterData) return { accepted: false, permanent: false, unknown: true, error: err.message };
        return {
          accepted: false,
          permanent: err.permanent || (err.code !== null && err.code >= 500),
          error: err.message,
        };
      }
    },
    async () => {
      await session?.close();
      session = null;
    },
  );
}

/** The `send_email` binding. It takes no idempotency key, so a thrown send is treated as outcome unknown. */
export function cloudflareTransport(env: Env): MailTransport {
  const binding = env.EMAIL;
  if (!binding) throw new Error("MAIL_TRANSPORT=cloudflare needs a [[send_email]] binding named EMAIL");
  return mimeTransport(env, "cloudflare", false, async (mail, raw) => {
    try {
      await binding.send(new EmailMessage(env.MAIL_FROM, mail.to, raw.raw));
      return { accepted: true };
    } catch (e) {
      return { accepted: false, permanent: false, unknown: true, error: `cloudflare_email: ${errorText(e)}` };
    }
  });
}

/**
 * A JSON mail API: `POST {MAIL_API_URL}/messages` with `Idempotency-Key: <outbox key>`. A lost response is
 * harmless because a resend with the same key is recognised by the API, so unknown outcomes are retried.
 * The API must be `https://` (addresses, links and the API key travel in the request); `http://` only in
 * dev mode (the local sink). configProblems refuses it at start-up too; this is the transport's own check.
 */
export function httpTransport(env: Env): MailTransport {
  const base = (env.MAIL_API_URL ?? "").replace(/\/$/, "");
  if (!/^https?:\/\//.test(base)) throw new Error("MAIL_TRANSPORT=http needs MAIL_API_URL");
  if (!/^https:\/\//i.test(base) && !isDev(env))
    throw new Error("MAIL_TRANSPORT=http needs an https:// MAIL_API_URL outside dev mode");
  return mimeTransport(env, "http", true, async (mail, raw) => {
    let res: Response;
    try {
      res = await fetch(`${base}/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "idempotency-key": mail.idempotencyKey ?? mail.messageId,
          ...(env.MAIL_API_KEY ? { authorization: `Bearer ${env.MAIL_API_KEY}` } : {}),
        },
        body: JSON.stringify({
          from: { email: env.MAIL_FROM, name: mail.fromName ?? env.MAIL_FROM_NAME },
          to: [mail.to],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: { "Message-ID": mail.messageId },
          mime: raw.raw,
        }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      return { accepted: false, permanent: false, unknown: true, error: `http_no_response: ${errorText(e)}` };
    }
    const body = (await res.text().catch(() => "")).slice(0, 200);
    if (res.ok) return { accepted: true };
    // 409: the same idempotency key is still being processed by the API; asking again later is safe.
    const retryable = res.status >= 500 || res.status === 408 || res.status === 409 || res.status === 429;
    return { accepted: false, permanent: !retryable, error: `http_${res.status}: ${body}` };
  });
}

export async function createTransport(env: Env): Promise<MailTransport> {
  const e = env;
  switch (env.MAIL_TRANSPORT) {
    case "smtp":
      return smtpTransport(e);
    case "cloudflare":
      return cloudflareTransport(e);
    case "http":
      return httpTransport(e);
    default:
      throw new Error(`Unknown MAIL_TRANSPORT ${env.MAIL_TRANSPORT} (smtp, cloudflare or http)`);
  }
}

export const isIdempotentTransport = (env: Env) => env.MAIL_TRANSPORT === "http";
