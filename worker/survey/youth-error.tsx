// Errors on the youth's paths (/q/…, /p/…, the kiosk's /k/…) are always the youth's own page: neutral text, Dutch or
// English by ?lang, and the quick-exit control — never the JSON envelope, whatever went wrong (an
// unknown path, a body too large, a server error). createApp's notFound and onError send them here.
import type { Context } from "hono";
import { pickLang, t } from "../../web/i18n/messages";
import { MessagePage } from "../../web/pages/Questionnaire";
import { RETRY_AFTER_SECONDS } from "../errors";
import { renderPage } from "../lib/render";
import { DEFAULT_QUICK_EXIT } from "../studies/config";

/** Paths a youth opens from her mail: everything below them answers errors with the youth page. */
export const isYouthPath = (path: string) => /^\/(q|p|k)(\/|$)/.test(path);

export function youthErrorPage(c: Context, status: number) {
  const lang = pickLang(c.req.query("lang"));
  const [title, body] =
    status === 413
      ? [t("youth.error.fix", lang), t("youth.error.tooLarge", lang)]
      : status === 503
        ? [t("youth.retry.title", lang), t("youth.retry.body", lang)]
        : status >= 500
          ? [t("unavailable.title", lang), t("unavailable.body", lang)]
          : [t("youth.invalid.title", lang), t("youth.invalid.body", lang)];
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
  return renderPage(
    c,
    <MessagePage lang={lang} quickExitUrl={DEFAULT_QUICK_EXIT} title={title} body={body} />,
    shown as 404,
  );
}
