import type { ComponentChildren } from "preact";
import { APP_CSS, ISLANDS_JS_PATH } from "../generated/assets";
import { t, type Lang } from "../../core/i18n/messages";
import { Head } from "./Head";

/**
 * The youth page shell: neutral title, quick exit, no third-party anything. `quickExitUrl` replaces the
 * page in history (see web/islands/client.tsx) so the back button does not return here.
 */
export function YouthLayout({
  lang,
  quickExitUrl,
  children,
  islands = false,
}: {
  lang: Lang;
  quickExitUrl: string;
  children: ComponentChildren;
  islands?: boolean;
}) {
  return (
    <html lang={lang}>
      <Head title={t("youth.title", lang)} css={APP_CSS} referrer="no-referrer">
        {islands && <script type="module" src={ISLANDS_JS_PATH} />}
      </Head>
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
