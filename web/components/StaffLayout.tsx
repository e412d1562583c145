import type { ComponentChildren } from "preact";
import { t, type Lang } from "../../core/i18n/messages";
import { Head } from "./Head";
import { STAFF_CSS } from "./staff-css";

export type StaffUser = { email?: string; csrf?: string } | null;

/**
 * The staff workspace shell: who is signed in, sign-out (CSRF-protected form), no third-party assets.
 * `css` is the page's one inline stylesheet; the renderer pins the same text in its CSP.
 */
export function StaffLayout({
  lang = "nl",
  title,
  user,
  css = STAFF_CSS,
  children,
}: {
  lang?: Lang;
  title: string;
  user: StaffUser;
  css?: string;
  children: ComponentChildren;
}) {
  return (
    <html lang={lang}>
      {/* same-origin, not no-referrer: Chromium sends "Origin: null" on form posts under no-referrer */}
      <Head title={`${title} · ${t("staff.app", lang)}`} css={css} referrer="same-origin" />
      <body>
        <header class="staff">
          <a href="/staff" id="nav-home">
            {t("staff.app", lang)}
          </a>
          {user?.email && (
            <form method="post" action="/staff/sign-out" id="sign-out-form">
              <span class="muted" id="signed-in-as">
                {user.email}
              </span>{" "}
              <input type="hidden" name="_csrf" value={user.csrf ?? ""} />
              <button type="submit" class="link" id="sign-out">
                {t("staff.signOut", lang)}
              </button>
            </form>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

/** CSRF field for every form of a signed-in page. */
export const CsrfField = ({ token }: { token?: string }) => <input type="hidden" name="_csrf" value={token ?? ""} />;
