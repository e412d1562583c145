// Staff pages answer errors with this page (the status as the API's); a 401 links to the sign-in.
import { StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { t, type Lang } from "../../../../core/i18n/messages";

export function StaffErrorPage({
  user,
  title,
  body,
  status,
  lang = "nl",
}: {
  user: StaffUser;
  title: string;
  body: string;
  status: number;
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={title} user={user}>
      <h1 id="error-title" data-status={status}>
        {title}
      </h1>
      <p>{body}</p>
      {status === 401 && (
        <p>
          <a href="/staff/sign-in" id="to-sign-in">
            {t("staff.signIn.title", lang)}
          </a>
        </p>
      )}
    </StaffLayout>
  );
}
