// The audit log page for admins.
import { formatDateTime, PLATFORM_ZONE } from "../../../../core/format";
import { StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { t, type Lang } from "../../../../core/i18n/messages";

export type AuditRow = {
  id: number;
  at: number;
  actorType: string;
  actorId: string;
  action: string;
  pilot: string | null;
  target: string | null;
  details: unknown;
};

/** The audit log for admins: sign-ins, exports, reminder runs, imports, erasures; newest first. */
export function AuditPage({
  user,
  rows,
  pilots,
  filter,
  next,
  lang = "nl",
}: {
  user: StaffUser;
  rows: AuditRow[];
  pilots: string[];
  filter: { pilot?: string; action?: string };
  next: number | null;
  lang?: Lang;
}) {
  const qs = (extra: Record<string, string>) =>
    new URLSearchParams({
      ...(filter.pilot ? { pilot: filter.pilot } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...extra,
    }).toString();
  return (
    <StaffLayout lang={lang} title={t("staff.audit.title", lang)} user={user}>
      <h1>{t("staff.audit.title", lang)}</h1>
      <form method="get" action="/staff/audit" class="stack" id="audit-filter">
        <label for="pilot">{t("staff.audit.pilot", lang)}</label>
        <select id="pilot" name="pilot">
          <option value="">—</option>
          {pilots.map((p) => (
            <option value={p} selected={filter.pilot === p}>
              {p}
            </option>
          ))}
        </select>
        <label for="action">{t("staff.audit.action", lang)}</label>
        <input id="action" name="action" value={filter.action ?? ""} maxLength={80} />
        <p>
          <button type="submit">{t("staff.audit.filter", lang)}</button>
        </p>
      </form>
      <table id="audit-table">
        <thead>
          <tr>
            <th scope="col">{t("staff.audit.at", lang)}</th>
            <th scope="col">{t("staff.audit.actor", lang)}</th>
            <th scope="col">{t("staff.audit.action", lang)}</th>
            <th scope="col">{t("staff.audit.pilot", lang)}</th>
            <th scope="col">{t("staff.audit.target", lang)}</th>
            <th scope="col">{t("staff.audit.details", lang)}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-action={r.action}>
              <td>
                {formatDateTime(r.at, PLATFORM_ZONE, lang, { seconds: true })} ({PLATFORM_ZONE})
              </td>
              <td>{r.actorId}</td>
              <td>{r.action}</td>
              <td>{r.pilot ?? ""}</td>
              <td>{r.target ?? ""}</td>
              <td>
                <code>{r.details ? JSON.stringify(r.details) : ""}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next !== null && (
        <p>
          <a href={`/staff/audit?${qs({ before: String(next) })}`} id="audit-older">
            {t("staff.audit.older", lang)}
          </a>
        </p>
      )}
    </StaffLayout>
  );
}
