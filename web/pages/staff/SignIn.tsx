import { StaffLayout } from "../../components/StaffLayout";
import { t, type Lang } from "../../../core/i18n/messages";

/** E-mail form; after a post the same neutral notice whether or not the address is known. */
export function SignInPage({ lang = "nl", sent = false, error }: { lang?: Lang; sent?: boolean; error?: string }) {
  return (
    <StaffLayout lang={lang} title={t("staff.signIn.title", lang)} user={null}>
      <h1>{t("staff.signIn.title", lang)}</h1>
      {sent && (
        <p class="notice" id="sign-in-sent" role="status">
          {t("staff.signIn.sent", lang)}
        </p>
      )}
      {error && (
        <p class="error" id="sign-in-error" role="alert">
          {error}
        </p>
      )}
      <p>{t("staff.signIn.intro", lang)}</p>
      <form method="post" action="/staff/sign-in" class="stack" id="sign-in-form">
        <label for="email">{t("staff.signIn.email", lang)}</label>
        <input id="email" name="email" type="email" autocomplete="email" required maxLength={254} />
        <p>
          <button type="submit" id="sign-in-submit">
            {t("staff.signIn.submit", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}

export function StaffMessagePage({
  lang = "nl",
  title,
  body,
  linkHref,
  linkText,
  id,
}: {
  lang?: Lang;
  title: string;
  body: string;
  linkHref?: string;
  linkText?: string;
  id?: string;
}) {
  return (
    <StaffLayout lang={lang} title={title} user={null}>
      <h1 id={id}>{title}</h1>
      <p>{body}</p>
      {linkHref && (
        <p>
          <a href={linkHref}>{linkText}</a>
        </p>
      )}
    </StaffLayout>
  );
}

/**
 * Step between the mailed link and the session: a GET only shows this button, the POST it sends signs
 * in. Mail security scanners (e.g. Safe Links) open every link in a mail; they must not use it up.
 */
export function ConfirmSignInPage({ lang = "nl", action }: { lang?: Lang; action: string }) {
  return (
    <StaffLayout lang={lang} title={t("staff.auth.confirm.title", lang)} user={null}>
      <h1 id="auth-confirm-title">{t("staff.auth.confirm.title", lang)}</h1>
      <p>{t("staff.auth.confirm.body", lang)}</p>
      <form method="post" action={action} id="auth-confirm-form">
        <button type="submit" id="auth-confirm">
          {t("staff.signIn.title", lang)}
        </button>
      </form>
    </StaffLayout>
  );
}
