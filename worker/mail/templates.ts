// Discreet messages (DESIGN.md §4): neutral subject and sender, Dutch first then English, the link
// and nothing else about the youth, the study or the organisation.
import { t } from "../../core/i18n/messages";
import { lengthText } from "../../core/questionnaire-length";

/** `resend`: a researcher re-sent her current link (worded as a neutral "here is your link once more"). */
export type MailKind = "invitation" | "reminder" | "mentor" | "resend";
export type Rendered = { subject: string; text: string; html: string };
/**
 * What the link leads through: how many questionnaires (one link, one after the other, shortest first)
 * and how many minutes they take together, from their items (core/questionnaire-length.ts).
 */
export type MailLength = { count: number; minutes: number };

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function renderMail(kind: MailKind, link: string, pauseLink: string | null, length?: MailLength): Rendered {
  const subjectKey =
    kind === "reminder"
      ? "mail.reminder.subject"
      : kind === "mentor"
        ? "mail.mentor.subject"
        : "mail.invitation.subject";
  const many = kind !== "mentor" && length !== undefined && length.count > 1;
  const body = (lang: "nl" | "en") => {
    if (kind === "mentor") return t("mail.mentor.body", lang);
    const first = many
      ? t(
          kind === "invitation"
            ? "mail.invitation.bodyMany"
            : kind === "resend"
              ? "mail.resend.bodyMany"
              : "mail.reminder.bodyMany",
          lang,
        ).replace("{n}", String(length!.count))
      : t(
          kind === "invitation"
            ? "mail.invitation.body"
            : kind === "resend"
              ? "mail.resend.body"
              : "mail.reminder.body",
          lang,
        );
    if (!length) return first;
    const minutes = many
      ? t("mail.length.together", lang).replace("{n}", String(length.minutes))
      : lengthText(length.minutes, lang);
    return `${first} ${minutes}`;
  };
  const pauseHtml = (lang: "nl" | "en") =>
    pauseLink
      ? `<p style="font-size:13px;color:#555">${esc(t("mail.pause", lang))} ` +
        `<a href="${esc(pauseLink)}">${esc(pauseLink)}</a></p>`
      : "";
  const block = (lang: "nl" | "en") => ({
    text: [
      t("mail.greeting", lang),
      "",
      body(lang),
      "",
      `${t("mail.open", lang)}: ${link}`,
      ...(pauseLink ? ["", `${t("mail.pause", lang)} ${pauseLink}`] : []),
      "",
      t("mail.closing", lang),
    ].join("\r\n"),
    html:
      `<p>${esc(t("mail.greeting", lang))}</p><p>${esc(body(lang))}</p><p><a ` +
      `href="${esc(link)}">${esc(t("mail.open", lang))}</a>` +
      `</p>${pauseHtml(lang)}<p>${esc(t("mail.closing", lang))}</p>`,
  });
  const nl = block("nl");
  const en = block("en");
  return {
    subject: t(subjectKey, "nl"),
    text: `${nl.text}\r\n\r\n---\r\n\r\n${en.text}\r\n`,
    html:
      `<!doctype html><html lang="nl"><head><meta ` +
      `charset="utf-8"><title>${esc(t(subjectKey, "nl"))}</title></head><body ` +
      `style="font-family:sans-serif;font-size:15px;line-height:1.5;color:#222">${nl.html}<hr ` +
      `style="border:0;border-top:1px solid #ddd"><div lang="en">${en.html}</div></body></html>`,
  };
}
