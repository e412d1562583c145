// A pilot's youths × occasions (stable ids for the browser test: #youths-table, row[data-code]), with filters and
// the researchers' links.
import { StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { t, type Lang, type MessageKey } from "../../../../core/i18n/messages";
import { type OccasionCell, type PilotCard, stateKey, statusKey } from "./shared";

export type YouthRow = {
  code: string;
  status: string;
  pilotStartDate: string;
  leftCareAt: string | null;
  occasions: OccasionCell[];
  lastContactAt: number | null;
  nextReminderAt: number | null;
  overdue: boolean /** open staff signals (researchers only) */;
  signals?: number;
};

const fmt = (ms: number | null, tz: string) =>
  ms === null
    ? t("staff.none")
    : new Intl.DateTimeFormat("nl-NL", { timeZone: tz, dateStyle: "short", timeStyle: "short" }).format(ms);
const occLabel = (o: OccasionCell) => (o.kind === "wave" ? (o.wave ?? "W") : String(o.seq));

export function PilotPage({
  user,
  pilot,
  rows,
  filter,
  canWrite,
  timezone,
  missingInstruments = [],
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  rows: YouthRow[];
  filter: "all" | "overdue" | "left_care";
  canWrite: boolean;
  timezone: string;
  missingInstruments?: string[];
  lang?: Lang;
}) {
  const f = (key: typeof filter, label: MessageKey) => (
    <a
      href={`/staff/pilots/${pilot.key}${key === "all" ? "" : `?filter=${key}`}`}
      id={`filter-${key}`}
      aria-current={filter === key ? "page" : undefined}
    >
      {t(label, lang)}
    </a>
  );
  return (
    <StaffLayout lang={lang} title={pilot.name} user={user}>
      <h1 id="pilot-title">{pilot.name}</h1>
      {missingInstruments.length > 0 && (
        <p class="error" id="missing-instruments" role="alert">
          {t("staff.pilot.missingInstruments", lang).replace("{instruments}", missingInstruments.join(", "))}
        </p>
      )}
      <p>
        {canWrite && (
          <>
            <a href={`/staff/pilots/${pilot.key}/enrol`} id="enrol-link">
              {t("staff.pilot.enrol", lang)}
            </a>{" "}
            ·{" "}
            <a href={`/staff/pilots/${pilot.key}/import`} id="import-link">
              {t("staff.import.title", lang)}
            </a>{" "}
            ·{" "}
            <a href={`/staff/pilots/${pilot.key}/reminders`} id="reminders-link">
              {t("reminders.title", lang)}
            </a>{" "}
            ·{" "}
            <a href={`/staff/pilots/${pilot.key}/signals`} id="signals-link">
              {t("signals.title", lang)}
            </a>{" "}
            ·{" "}
            <a href={`/staff/pilots/${pilot.key}/codebook`} id="codebook-link">
              {t("staff.codes.link", lang)}
            </a>{" "}
            ·{" "}
          </>
        )}
        <a href={`/reports/pilots/${pilot.key}`} id="summary-link">
          {t("report.title", lang)}
        </a>{" "}
        ·{" "}
        <a href={`/staff/pilots/${pilot.key}/settings`} id="settings-link">
          {t("staff.pilot.settings", lang)}
        </a>
      </p>
      <h2>{t("staff.pilot.youths", lang)}</h2>
      <p class="filters">
        {f("all", "staff.filter.all")}
        {f("overdue", "staff.filter.overdue")}
        {f("left_care", "staff.filter.leftCare")}
      </p>
      {rows.length === 0 ? (
        <p id="no-youths">{t("staff.noYouths", lang)}</p>
      ) : (
        <table id="youths-table">
          <thead>
            <tr>
              <th scope="col">{t("staff.col.code", lang)}</th>
              <th scope="col">{t("staff.col.status", lang)}</th>
              <th scope="col">{t("staff.col.start", lang)}</th>
              <th scope="col">{t("staff.col.occasions", lang)}</th>
              <th scope="col">{t("staff.col.lastContact", lang)}</th>
              <th scope="col">{t("staff.col.nextReminder", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-code={r.code}>
                <th scope="row">
                  <a href={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(r.code)}`}>{r.code}</a>
                  {!!r.signals && (
                    <span class="signal-mark" data-signals={r.signals} title={t("signals.mark", lang)}>
                      <span aria-hidden="true"> ⚑{r.signals}</span>
                      <span class="visually-hidden">{` ${t("signals.mark", lang)}: ${r.signals}`}</span>
                    </span>
                  )}
                </th>
                <td>{t(statusKey(r.status), lang)}</td>
                <td>{r.pilotStartDate}</td>
                <td>
                  {r.occasions.map((o) => (
                    <span
                      class={`occ st-${o.state}`}
                      title={`${o.dueDate}: ${t(stateKey(o.state), lang)}`}
                      data-state={o.state}
                    >
                      {occLabel(o)}
                    </span>
                  ))}
                </td>
                <td>{fmt(r.lastContactAt, timezone)}</td>
                <td>{fmt(r.nextReminderAt, timezone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </StaffLayout>
  );
}
