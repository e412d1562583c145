import { LogLevel, WorkerMailer } from "worker-mailer";
import type { Env } from "../env";

export type OutgoingMail = { to: string; subject: string; text: string; html: string; messageId: string };
export type SendResult = { accepted: true } | { accepted: false; permanent: boolean; error: string };

/** One interface for every way mail leaves the Worker; chosen by MAIL_TRANSPORT. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

export function messageIdFor(env: Env, key: string): string {
  const domain = env.MAIL_FROM.split("@")[1] ?? "localhost";
  return `<${key.replace(/[^a-zA-Z0-9.-]/g, ".")}@${domain}>`;
}

/** SMTP over cloudflare:sockets (worker-mailer): the organisation's relay, or the local mail catcher. */
export async function smtpTransport(env: Env): Promise<MailTransport> {
  let mailer: WorkerMailer | null = null;
  const connect = async () =>
    (mailer ??= await WorkerMailer.connect({
      host: env.SMTP_HOST,
      port: Number(env.SMTP_PORT),
      secure: false,
      startTls: env.SMTP_STARTTLS !== "0",
      ...(env.SMTP_USER ? { credentials: { username: env.SMTP_USER, password: env.SMTP_PASS ?? "" }, authType: ["plain", "login"] as ("plain" | "login")[] } : {}),
      socketTimeoutMs: 10_000,
      responseTimeoutMs: 10_000,
      logLevel: LogLevel.NONE, // its logs would carry addresses; failures are reported by us
    }));
  return {
    async send(mail) {
      try {
        const m = await connect();
        await m.send({
          from: { name: env.MAIL_FROM_NAME, email: env.MAIL_FROM },
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: { "Message-ID": mail.messageId, Date: new Date().toUTCString().replace("GMT", "+0000") },
        });
        return { accepted: true };
      } catch (e) {
        // A broken session cannot be reused for the next message.
        const old = mailer;
        mailer = null;
        await old?.close().catch(() => {});
        const error = e instanceof Error ? e.message : String(e);
        return { accepted: false, permanent: /^5\d\d/.test(error.trim()) || /\b5\d\d\b/.test(error), error };
      }
    },
    async close() {
      await mailer?.close().catch(() => {});
      mailer = null;
    },
  };
}

export async function createTransport(env: Env): Promise<MailTransport> {
  switch (env.MAIL_TRANSPORT) {
    case "smtp":
      return smtpTransport(env);
    default:
      throw new Error(`Unknown MAIL_TRANSPORT ${env.MAIL_TRANSPORT}`);
  }
}
