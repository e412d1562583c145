// MIME text for every transport, built by worker-mailer's Email class: encoded UTF-8 headers,
// multipart/alternative with quoted-printable text and HTML parts, explicit Message-ID and Date.
import { Email } from "worker-mailer";
import type { Env } from "../env";

/** RFC 5322 date with a numeric zone ("GMT" is obsolete syntax that some filters score). */
export const rfc5322Date = (ms: number) => new Date(ms).toUTCString().replace(/GMT$/, "+0000");

/**
 * One plain address, nothing a header could be smuggled in with (line breaks, spaces, angle brackets, quotes, commas).
 */
const PLAIN_ADDRESS = /^[^\s@<>"(),;:\\\x00-\x1f\x7f]+@[^\s@<>"(),;:\\\x00-\x1f\x7f]+$/;

/**
 * Throws (with a message that names no address) when a header value could break the message open: the
 * outbox records that as `build_failed` for this one message.
 */
export function buildMime(
  env: Env,
  mail: { to: string; subject: string; text: string; html: string; messageId: string; fromName?: string },
  now = Date.now(),
) {
  if (!PLAIN_ADDRESS.test(mail.to)) throw new Error("recipient is not one plain e-mail address");
  if (
    /[\r\n]/.test(mail.subject) ||
    /[\r\n"<>]/.test(mail.fromName ?? env.MAIL_FROM_NAME ?? "") ||
    /[\r\n]/.test(mail.messageId)
  )
    throw new Error("a header contains a line break or quote");
  const email = new Email({
    from: { name: mail.fromName ?? env.MAIL_FROM_NAME, email: env.MAIL_FROM },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { "Message-ID": mail.messageId, Date: rfc5322Date(now) },
  });
  // getEmailData() returns the DATA payload: dot-stuffed and terminated by CRLF.CRLF.
  const dotStuffed = email.getEmailData();
  const raw = dotStuffed
    .slice(0, -".\r\n".length)
    .replace(/\r\n\.\./g, "\r\n.")
    .replace(/^\.\./, ".");
  return { dotStuffed, raw };
}
