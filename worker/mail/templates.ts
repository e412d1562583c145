// Discreet messages (DESIGN.md §4): neutral subject and sender, Dutch first then English, the link
// and nothing else about the youth, the study or the organisation.
import { t } from "../../web/i18n/messages";

export type MailKind = "invitation" | "reminder" | "mentor";
export type Rendered = { subject: string; text: string; html: string };

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function renderMail(kind: MailKind, link: string, pauseLink: string | null): Rendered {
  const subjectKey = kind === "invitation" ? "mail.invitation.subject" : kind === "reminder" ? "mail.reminder.subject" : "mail.mentor.subject";
  const bodyKey = kind === "invitation" ? "mail.invitation.body" : kind === "reminder" ? "mail.reminder.body" : "mail.mentor.body";
  const block = (lang: "nl" | "en") => ({
    text: [t("mail.greeting", lang), "", t(bodyKey, lang), "", `${t("mail.open", lang)}: ${link}`, ...(pauseLink ? ["", `${t("mail.pause", lang)} ${pauseLink}`] : []), "", t("mail.closing", lang)].join("\r\n"),
    html: `<p>${esc(t("mail.greeting", lang))}</p><p>${esc(t(bodyKey, lang))}</p><p><a href="${esc(link)}">${esc(t("mail.open", lang))}</a></p>${
      pauseLink ? `<p style="font-size:13px;color:#555">${esc(t("mail.pause", lang))} <a href="${esc(pauseLink)}">${esc(pauseLink)}</a></p>` : ""
    }<p>${esc(t("mail.closing", lang))}</p>`,
  });
  const nl = block("nl");
  const en = block("en");
  return {
    subject: t(subjectKey, "nl"),
    text: `${nl.text}\r\n\r\n---\r\n\r\n${en.text}\r\n`,
    html: `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>${esc(t(subjectKey, "nl"))}</title></head><body style="font-family:sans-serif;font-size:15px;line-height:1.5;color:#222">${nl.html}<hr style="border:0;border-top:1px solid #ddd"><div lang="en">${en.html}</div></body></html>`,
  };
}
