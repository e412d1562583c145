// The researcher's home page: her pilots, and for admins the admin and audit links.
import { StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { t, type Lang, type MessageKey } from "../../../../core/i18n/messages";
import type { PilotCard } from "./shared";

export function HomePage({
  user,
  pilots,
  isAdmin = false,
  lang = "nl",
}: {
  user: StaffUser;
  pilots: PilotCard[];
  isAdmin?: boolean;
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={t("staff.home.title", lang)} user={user}>
      <h1>{t("staff.home.title", lang)}</h1>
      {isAdmin && (
        <p>
          <a href="/staff/admin" id="admin-link">
            {t("staff.admin.title", lang)}
          </a>{" "}
          ·{" "}
          <a href="/staff/audit" id="audit-link">
            {t("staff.audit.title", lang)}
          </a>
        </p>
      )}
      {pilots.length === 0 ? (
        <p id="no-pilots">{t("staff.home.none", lang)}</p>
      ) : (
        <ul id="pilot-list">
          {pilots.map((p) => (
            <li data-pilot={p.key}>
              <a href={`/staff/pilots/${p.key}`}>{p.name}</a>{" "}
              <span class="muted">
                ({p.organisation} · {p.roles.map((r) => t(`staff.role.${r}` as MessageKey, lang)).join(", ")})
              </span>
            </li>
          ))}
        </ul>
      )}
    </StaffLayout>
  );
}
