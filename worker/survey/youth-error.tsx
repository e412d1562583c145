// Errors on the youth's paths (/q/…, /p/…, the kiosk's /k/…) are always the youth's own page: neutral text, Dutch or
// English by ?lang, and the quick-exit control — never the JSON envelope, whatever went wrong (an
// unknown path, a body too large, a server error). createApp's notFound and onError send them here.
import type { Context } from "hono";
import { type Lang, type MessageKey, pickLang, t } from "../../core/i18n/messages";
import { MessagePage } from "../../web/pages/Questionnaire";
import { RETRY_AFTER_SECONDS } from "../errors";
import { renderPage } from "../lib/render";
import { DEFAULT_QUICK_EXIT } from "../studies/settings";

/** Paths a youth opens from her mail: everything below them answers errors with the youth page. */
export const isYouthPath = (path: string) => /^\/(q|p|k)(\/|$)/.test(path);

/** A youth's message page: a title and a text from the catalogue, and the quick exit (her pilot's, or the default). */
export function youthMessage(
  c: Context,
  lang: Lang,
  title: MessageKey,
  body: MessageKey,
  status: Parameters<typeof renderPage>[2] = 200,
  quickExitUrl = DEFAULT_QUICK_EXIT,
) {
  return renderPage(
    c,
    <MessagePage lang={lang} quickExitUrl={quickExitUrl} title={t(title, lang)} body={t(body, lang)} />,
    status,
  );
}

export function youthErrorPage(c: Context, status: number) {
  const lang = pickLang(c.req.query("lang"));
  const [title, body]: [MessageKey, MessageKey] =
    status === 413
      ? ["youth.error.fix", "youth.error.tooLarge"]
      : status === 503
        ? ["youth.retry.title", "youth.retry.body"]
        : status >= 500
          ? ["unavailable.title", "unavailable.body"]
          : ["youth.invalid.title", "youth.invalid.body"];
  // Statuses the youth page renderer knows; any other client error is shown as "this link does not work".
  // 503: D1 failed for a moment (createApp's onError); her send may simply be repeated.
  const shown =
    status === 503
      ? 503
      : status >= 500
        ? 500
        : status === 413
          ? 413
          : status === 409
            ? 409
            : status === 400
              ? 400
              : 404;
  if (shown === 503) c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  else if (shown === 500) c.header("Retry-After", "60");
  return youthMessage(c, lang, title, body, shown as 404);
}
