// Researcher workspace pages (server-rendered, no script). Stable ids and labels for the browser test:
// #pilot-list, #youths-table, row[data-code], #enrol-form fields #code #pilotStartDate #consentBy
// #selfAge16Plus #consentDate #email #mentorEmail, #enrol-submit, #schedule-table, #timeline, #plots.
import { formatDateTime, PLATFORM_ZONE } from "../../../worker/lib/format";
import { waveLabel } from "../../../worker/schedule/schedule";
import { BackgroundFields, BACKGROUND_FORM_FIELDS } from "./BackgroundForm";
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import type { ChartData } from "../../../worker/analysis/plot";
import { TrendPlot } from "../../components/TrendPlot";
import { t, type Lang, type MessageKey } from "../../i18n/messages";
import type { ComponentChildren } from "preact";

export type PilotCard = { key: string; name: string; organisation: string; roles: string[] };
export type OccasionCell = {
  kind: "frequent" | "wave";
  wave: string | null;
  seq: number;
  dueDate: string;
  state: "answered" | "open" | "overdue" | "missed" | "cancelled" | "planned";
};
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
const stateKey = (s: OccasionCell["state"]) => `staff.occ.${s}` as MessageKey;
const statusKey = (s: string) => `staff.status.${s}` as MessageKey;

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

export type TimelineEntry = {
  date: string;
  kind: string;
  wave: string | null;
  mode: string;
  answers: { instrument: string; item: string; value: number | null; notApplicable: boolean; comment: string | null }[];
};
export type Plot = {
  key: string;
  title: string;
  chart: ChartData /** days of staff-signal evidence */;
  highlight?: number[];
};

export function YouthPage({
  user,
  pilot,
  youth,
  schedule,
  timeline,
  plots,
  enrolled,
  canWrite = false,
  notice,
  signals,
  comments,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  youth: { code: string; status: string; pilotStartDate: string; consentBy: string; consentDate: string };
  schedule: (OccasionCell & { closesDate: string | null })[];
  timeline: TimelineEntry[];
  plots: Plot[];
  enrolled: boolean;
  canWrite?: boolean;
  notice?: "updated" | "withdrawn" | "form";
  /** her staff signals (web/pages/staff/Signals.tsx YouthSignals), researchers only */
  signals?: ComponentChildren;
  /** her comments and codes beside her trends (web/pages/staff/Comments.tsx CommentsPanel), researchers only */
  comments?: ComponentChildren;
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={youth.code} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`} id="back-to-pilot">
          {pilot.name}
        </a>
      </p>
      <h1 id="youth-code">{youth.code}</h1>
      {enrolled && (
        <p class="notice" id="enrolled-notice" role="status">
          {t("staff.youth.enrolled", lang)}
        </p>
      )}
      <p>
        {t("staff.col.status", lang)}: <span id="youth-status">{t(statusKey(youth.status), lang)}</span> ·{" "}
        {t("staff.col.start", lang)}: {youth.pilotStartDate} · {t("staff.youth.consent", lang)}:{" "}
        {t(youth.consentBy === "self" ? "staff.youth.consent.self" : "staff.youth.consent.guardian", lang)} (
        {youth.consentDate})
      </p>
      {notice && (
        <p class="notice" id="status-notice" role="status">
          {t(
            notice === "withdrawn"
              ? "staff.youth.withdrawn"
              : notice === "form"
                ? "staff.form.saved"
                : "staff.youth.updated",
            lang,
          )}
        </p>
      )}
      {canWrite && youth.status !== "withdrawn" && (
        <details id="status-change">
          <summary>{t("staff.youth.change", lang)}</summary>
          <form
            method="post"
            action={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(youth.code)}/status`}
            class="stack"
            id="status-form"
          >
            <CsrfField token={user?.csrf} />
            <label for="status">{t("staff.youth.newStatus", lang)}</label>
            <select id="status" name="status">
              {(["active", "paused", "left_care", "completed"] as const).map((s) => (
                <option value={s} selected={youth.status === s}>
                  {t(statusKey(s), lang)}
                </option>
              ))}
            </select>
            <p>
              <button type="submit" id="status-submit">
                {t("staff.youth.save", lang)}
              </button>
            </p>
          </form>
          <form
            method="post"
            action={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(youth.code)}/withdraw`}
            class="stack"
            id="withdraw-form"
          >
            <CsrfField token={user?.csrf} />
            <label>
              <input type="checkbox" name="confirm" value="1" id="withdraw-confirm" required />{" "}
              {t("staff.youth.withdrawConfirm", lang)}
            </label>
            <p>
              <button type="submit" id="withdraw-submit">
                {t("staff.youth.withdraw", lang)}
              </button>
            </p>
          </form>
        </details>
      )}
      {canWrite && (
        <p id="staff-forms">
          <a
            href={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(youth.code)}/forms/background`}
            id="form-background-link"
          >
            {t("staff.form.background", lang)}
          </a>{" "}
          ·{" "}
          <a
            href={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(youth.code)}/forms/risl`}
            id="form-risl-link"
          >
            {t("staff.form.risl", lang)}
          </a>
          {youth.status !== "withdrawn" && (
            <>
              {" "}
              ·{" "}
              <a href={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(youth.code)}/links`} id="links-link">
                {t("staff.youth.linksLink", lang)}
              </a>
            </>
          )}
        </p>
      )}
      <h2>{t("staff.youth.scheduled", lang)}</h2>
      <table id="schedule-table">
        <thead>
          <tr>
            <th scope="col">{t("staff.youth.due", lang)}</th>
            <th scope="col">{t("staff.youth.kind", lang)}</th>
            <th scope="col">{t("staff.col.status", lang)}</th>
          </tr>
        </thead>
        <tbody>
          {schedule.map((o) => (
            <tr data-kind={o.kind} data-seq={o.seq} data-state={o.state}>
              <td>{o.dueDate}</td>
              <td>
                {o.kind === "wave"
                  ? `${t("staff.youth.wave", lang)} ${waveLabel(o.wave, o.seq)}`
                  : `${t("staff.youth.frequent", lang)} ${o.seq}`}
              </td>
              <td>
                <span class={`occ st-${o.state}`}>{t(stateKey(o.state), lang)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {signals}
      <h2>{t("staff.youth.trends", lang)}</h2>
      <div class="plots" id="plots">
        {plots.map((p) => (
          <TrendPlot id={`plot-${p.key}`} title={p.title} chart={p.chart} lang={lang} highlight={p.highlight} />
        ))}
      </div>
      {comments}
      <h2>{t("staff.youth.timeline", lang)}</h2>
      {timeline.length === 0 ? (
        <p id="no-answers">{t("staff.youth.noAnswers", lang)}</p>
      ) : (
        <ol class="timeline" id="timeline" reversed>
          {timeline.map((e) => (
            <li>
              <strong>{e.date}</strong> ·{" "}
              {e.kind === "wave" ? `${t("staff.youth.wave", lang)} ${e.wave ?? ""}` : t("staff.youth.frequent", lang)} ·{" "}
              <span class="muted">{e.mode}</span>
              <ul>
                {e.answers.map((a) => (
                  <li>
                    {a.instrument}.{a.item}: {a.notApplicable ? t("youth.notApplicable", lang) : a.value}
                    {a.comment && <span class="comment"> — “{a.comment}”</span>}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </StaffLayout>
  );
}

export type EnrolValues = {
  code?: string;
  pilotStartDate?: string;
  consentBy?: string;
  selfAge16Plus?: boolean;
  consentDate?: string;
  email?: string;
  mentorEmail?: string;
};

export function EnrolPage({
  user,
  pilot,
  values = {},
  errors = [],
  today,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  values?: EnrolValues;
  errors?: string[];
  today: string;
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={t("staff.enrol.title", lang)} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`}>{pilot.name}</a>
      </p>
      <h1>{t("staff.enrol.title", lang)}</h1>
      {errors.length > 0 && (
        <div class="error" id="enrol-errors" role="alert">
          <p>{t("staff.enrol.invalid", lang)}</p>
          <ul>
            {errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <form method="post" action={`/staff/pilots/${pilot.key}/enrol`} class="stack" id="enrol-form">
        <CsrfField token={user?.csrf} />
        <label for="code">{t("staff.enrol.code", lang)}</label>
        <input
          id="code"
          name="code"
          required
          pattern="[A-Za-z0-9][A-Za-z0-9_\-]{1,31}"
          maxLength={32}
          value={values.code ?? ""}
          autocomplete="off"
        />
        <label for="pilotStartDate">{t("staff.enrol.start", lang)}</label>
        <input id="pilotStartDate" name="pilotStartDate" type="date" required value={values.pilotStartDate ?? today} />
        <label for="consentBy">{t("staff.enrol.consentBy", lang)}</label>
        <select id="consentBy" name="consentBy">
          <option value="self" selected={values.consentBy !== "guardian"}>
            {t("staff.youth.consent.self", lang)}
          </option>
          <option value="guardian" selected={values.consentBy === "guardian"}>
            {t("staff.youth.consent.guardian", lang)}
          </option>
        </select>
        <label class="check">
          <input
            id="selfAge16Plus"
            name="selfAge16Plus"
            type="checkbox"
            value="1"
            checked={values.selfAge16Plus ?? false}
          />{" "}
          {t("staff.enrol.age16", lang)}
        </label>
        <label for="consentDate">{t("staff.enrol.consentDate", lang)}</label>
        <input id="consentDate" name="consentDate" type="date" required value={values.consentDate ?? today} />
        <label for="email">{t("staff.enrol.email", lang)}</label>
        <input id="email" name="email" type="email" maxLength={254} value={values.email ?? ""} autocomplete="off" />
        <label for="mentorEmail">{t("staff.enrol.mentorEmail", lang)}</label>
        <input
          id="mentorEmail"
          name="mentorEmail"
          type="email"
          maxLength={254}
          value={values.mentorEmail ?? ""}
          autocomplete="off"
        />
        <p>
          <button type="submit" id="enrol-submit">
            {t("staff.enrol.submit", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}

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

export type ImportOutcome =
  | {
      kind: "participants" | "measurements";
      dryRun: boolean;
      ok: boolean;
      rows: number;
      committed: number;
      errors: { line: number; column?: string; reason: string }[];
    }
  | { message: string };

/** CSV import: a dry run lists every bad row by line and reason; the commit stores everything or nothing. */
export function ImportPage({
  user,
  pilot,
  columns,
  outcome,
  kind = "participants",
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  columns: Record<"participants" | "measurements", readonly string[]>;
  outcome?: ImportOutcome;
  kind?: "participants" | "measurements";
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={t("staff.import.title", lang)} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`}>{pilot.name}</a>
      </p>
      <h1>{t("staff.import.title", lang)}</h1>
      {outcome && "message" in outcome && (
        <p class="error" id="import-error" role="alert">
          {outcome.message}
        </p>
      )}
      {outcome && "errors" in outcome && (
        <div id="import-report" data-ok={String(outcome.ok)} data-committed={outcome.committed}>
          <p class={outcome.ok ? "notice" : "error"} role="status">
            {outcome.ok
              ? t(outcome.dryRun ? "staff.import.ok" : "staff.import.committed", lang)
              : t("staff.import.bad", lang)}{" "}
            {t("staff.import.rows", lang)}: {outcome.rows}
          </p>
          {outcome.errors.length > 0 && (
            <table id="import-errors">
              <thead>
                <tr>
                  <th scope="col">{t("staff.import.line", lang)}</th>
                  <th scope="col">{t("staff.import.column", lang)}</th>
                  <th scope="col">{t("staff.import.reason", lang)}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.errors.map((e) => (
                  <tr data-line={e.line}>
                    <td>{e.line}</td>
                    <td>{e.column ?? ""}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <form
        method="post"
        action={`/staff/pilots/${pilot.key}/import`}
        enctype="multipart/form-data"
        class="stack"
        id="import-form"
      >
        <CsrfField token={user?.csrf} />
        <label for="kind">{t("staff.import.kind", lang)}</label>
        <select id="kind" name="kind">
          <option value="participants" selected={kind === "participants"}>
            {t("staff.import.kind.participants", lang)}
          </option>
          <option value="measurements" selected={kind === "measurements"}>
            {t("staff.import.kind.measurements", lang)}
          </option>
        </select>
        <p class="muted">
          {t("staff.import.columns", lang)}: <code>{columns.participants.join(",")}</code> ·{" "}
          <code>{columns.measurements.join(",")}</code>
        </p>
        <p class="muted" id="import-templates">
          {t("staff.import.formats", lang)} {t("staff.import.template", lang)}:{" "}
          <a href={`/api/v1/pilots/${pilot.key}/imports/participants/template.csv`} download>
            {t("staff.import.kind.participants", lang)}
          </a>{" "}
          ·{" "}
          <a href={`/api/v1/pilots/${pilot.key}/imports/measurements/template.csv`} download>
            {t("staff.import.kind.measurements", lang)}
          </a>
        </p>
        <label for="file">{t("staff.import.file", lang)}</label>
        <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        <p>
          <button type="submit" name="action" value="dry" id="import-dry-run">
            {t("staff.import.dryRun", lang)}
          </button>{" "}
          <button type="submit" name="action" value="commit" id="import-commit">
            {t("staff.import.commit", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}

/** The background form's fields (web/pages/staff/BackgroundForm.tsx: fixed lists with "anders, namelijk"). */
export const BACKGROUND_FIELDS = BACKGROUND_FORM_FIELDS;
export const RISL_PARTS = [
  ["a6", 5],
  ["signals", 27],
  ["risks", 12],
  ["protective", 6],
] as const;

/** Staff forms (DESIGN.md §2.3): background characteristics and RIS-L, filled in from the youth's file. */
export function StaffFormPage({
  user,
  pilot,
  code,
  form,
  values,
  errors = [],
  scores,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  code: string;
  form: "background" | "risl";
  values: Record<string, unknown>;
  errors?: string[];
  scores?: { signals: number; risks: number; protective: number } | null;
  lang?: Lang;
}) {
  const title = t(form === "background" ? "staff.form.background" : "staff.form.risl", lang);
  const ynu = (name: string, current: unknown, required: boolean) => (
    <span class="choices">
      {(["yes", "no", "unknown"] as const).map((v) => (
        <label>
          <input type="radio" name={name} value={v} checked={current === v} required={required} />{" "}
          {t(`staff.form.${v}` as MessageKey, lang)}
        </label>
      ))}
    </span>
  );
  return (
    <StaffLayout lang={lang} title={`${title} · ${code}`} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(code)}`} id="back-to-youth">
          {code}
        </a>
      </p>
      <h1 id="form-title">{title}</h1>
      {errors.length > 0 && (
        <div class="error" id="form-errors" role="alert">
          <ul>
            {errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {scores && (
        <p id="risl-scores">
          {t("staff.form.scores", lang)}: {t("staff.risl.signals", lang)} {scores.signals} ·{" "}
          {t("staff.risl.risks", lang)} {scores.risks} · {t("staff.risl.protective", lang)} {scores.protective}
        </p>
      )}
      <form
        method="post"
        action={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(code)}/forms/${form}`}
        class="stack"
        id="staff-form"
      >
        <CsrfField token={user?.csrf} />
        {form === "background" ? (
          <BackgroundFields values={values} lang={lang} />
        ) : (
          RISL_PARTS.map(([part, n]) => (
            <fieldset id={`risl-${part}`}>
              <legend>{t(`staff.risl.${part}` as MessageKey, lang)}</legend>
              <table>
                <tbody>
                  {Array.from({ length: n }, (_, i) => (
                    <tr>
                      <th scope="row">
                        {t("staff.risl.item", lang)} {i + 1}
                      </th>
                      <td>{ynu(`${part}.${i + 1}`, (values[part] as unknown[] | undefined)?.[i], true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </fieldset>
          ))
        )}
        <p>
          <button type="submit" id="form-submit">
            {t("staff.form.save", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}

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
