import type { ComponentChildren } from "preact";
import { APP_CSS, ISLANDS_JS_PATH } from "../generated/assets";
import { t, type Lang } from "../i18n/messages";

/**
 * The youth page shell: neutral title, quick exit, no third-party anything. `quickExitUrl` replaces the
 * page in history (see web/islands/client.tsx) so the back button does not return here.
 */
export function YouthLayout({ lang, quickExitUrl, children, islands = false }: { lang: Lang; quickExitUrl: string; children: ComponentChildren; islands?: boolean }) {
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <title>{t("youth.title", lang)}</title>
        <style dangerouslySetInnerHTML={{ __html: APP_CSS }} />
        {islands && <script type="module" src={ISLANDS_JS_PATH} />}
      </head>
      <body>
        <a class="quick-exit" id="quick-exit" href={quickExitUrl} rel="noreferrer" data-exit={quickExitUrl}>
          {t("youth.quickExit", lang)}
        </a>
        <main>{children}</main>
        <p class="hint">{t("youth.quickExitHint", lang)}</p>
      </body>
    </html>
  );
}
