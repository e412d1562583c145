// The researcher's reminder page: dry run / send now, what a run did, earlier runs, the outbox with
// retry for failed messages, and who paused reminders. Codes only, never addresses. No script.
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { t, type Lang, type MessageKey } from "../../../core/i18n/messages";

export type RunItem = {
  participantCode: string;
  occasionDueDate: string;
  action: "send" | "wait" | "skip";
  kind?: string;
  seq?: number;
  reason: string;
  until?: number;
};
export type RunView = {
  id: number;
  dryRun: boolean;
  trigger: string;
  triggeredBy: string;
  startedAt: number;
  counts: Record<string, number> | null;
};
export type OutboxView = {
  id: number;
  participantCode: string;
  kind: string;
  seq: number;
  status: string;
  attempts: number;
  reason: string | null;
  nextAttemptAt: number | null;
  sentAt: number | null;
  createdAt: number;
};
/** Failed messages of one kind in the last 24 hours, at or above the warning threshold (worker/reminders/outbox.ts). */
export type FailureWarningView = { reason: string; count: number; lastAt: number };
export type PauseView = { participantCode: string; pausedAt: number; until: number | null; activeNow: boolean };
export type Outcome =
  | { kind: "preview"; items: RunItem[] }
  | { kind: "run"; counts: Record<string, number> }
  | { kind: "retried"; status: string }
  | null;

const STATUSES = ["queued", "sending", "sent", "failed", "cancelled"] as const;
const REASONS = new Set([
  "invitation_due",
  "reminder_due",
  "mentor_due",
  "retry_due",
  "queued",
  "not_yet_open",
  "not_yet_due",
  "reminders_paused",
  "quiet_hours",
  "quiet_day",
  "completed",
  "missed",
  "cancelled",
  "withdrawn",
  "participant_paused",
  "participant_completed",
  "closed",
  "no_email",
  "no_mentor_email",
  "max_reminders_reached",
  "mentor_sent",
  "closes_before_next",
  "paused_past_close",
]);

function when(ms: number | null | undefined, lang: Lang, tz: string) {
  if (ms === null || ms === undefined) return t("staff.none", lang);
  return new Intl.DateTimeFormat(lang === "nl" ? "nl-NL" : "en-GB", {
    dateStyle: "short",
    timeStyle: "short",
    timeZone: tz,
  }).format(ms);
}
const reason = (code: string | null, lang: Lang) =>
  code === null ? (
    t("staff.none", lang)
  ) : REASONS.has(code) ? (
    t(`reminders.reason.${code}` as MessageKey, lang)
  ) : (
    <code>{code}</code>
  );
const FAILURE_KINDS = new Set([
  "undecryptable_address",
  "build_failed",
  "outcome_unknown",
  "smtp_tls_required",
  "smtp_5xx",
  "http_4xx",
  "no_address",
  "max_attempts",
]);
const failureLabel = (kind: string, lang: Lang) =>
  FAILURE_KINDS.has(kind) ? t(`reminders.failure.${kind}` as MessageKey, lang) : <code>{kind}</code>;
const warningCount = (n: number, lang: Lang) => t("reminders.warning.count", lang).replace("{count}", String(n));
const kindLabel = (k: string | undefined, lang: Lang) =>
  k === "invitation" || k === "reminder" || k === "mentor" ? t(`reminders.kind.${k}`, lang) : t("staff.none", lang);

export function RemindersPage(props: {
  user: StaffUser;
  pilot: { key: string; name: string };
  timezone: string;
  runs: RunView[];
  outbox: OutboxView[];
  status: string | null;
  pauses: PauseView[];
  outcome: Outcome;
  warnings?: FailureWarningView[];
  lang?: Lang;
}) {
  const { user, pilot, timezone: tz, lang = "nl" } = props;
  const base = `/staff/pilots/${pilot.key}/reminders`;
  return (
    <StaffLayout lang={lang} title={t("reminders.title", lang)} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`}>{pilot.name}</a>
      </p>
      <h1 id="reminders-title">{t("reminders.title", lang)}</h1>
      <p>{t("reminders.intro", lang)}</p>
      {props.warnings && props.warnings.length > 0 && (
        <div class="error" id="failure-warnings" role="alert">
          <p>
            <strong>{t("reminders.warning.title", lang)}</strong>
          </p>
          <ul>
            {props.warnings.map((w) => (
              <li data-reason={w.reason} data-count={w.count}>
                {warningCount(w.count, lang)} {failureLabel(w.reason, lang)} ({t("reminders.warning.last", lang)}{" "}
                {when(w.lastAt, lang, tz)})
              </li>
            ))}
          </ul>
          <p>{t("reminders.warning.help", lang)}</p>
        </div>
      )}
      <div class="actions">
        <form method="post" action={`${base}/run`} id="dry-run-form">
          <CsrfField token={user?.csrf} />
          <input type="hidden" name="dryRun" value="1" />
          <button type="submit" id="dry-run">
            {t("reminders.dryRun", lang)}
          </button>
        </form>{" "}
        <form method="post" action={`${base}/run`} id="real-run-form">
          <CsrfField token={user?.csrf} />
          <input type="hidden" name="dryRun" value="0" />
          <button type="submit" id="real-run">
            {t("reminders.realRun", lang)}
          </button>
        </form>
      </div>

      {props.outcome?.kind === "preview" && (
        <section id="preview">
          <h2>{t("reminders.preview.title", lang)}</h2>
          {props.outcome.items.length === 0 ? (
            <p>{t("reminders.nothing", lang)}</p>
          ) : (
            <table id="preview-table">
              <thead>
                <tr>
                  <th scope="col">{t("staff.col.code", lang)}</th>
                  <th scope="col">{t("reminders.col.action", lang)}</th>
                  <th scope="col">{t("reminders.col.kind", lang)}</th>
                  <th scope="col">{t("reminders.col.reason", lang)}</th>
                  <th scope="col">{t("reminders.col.until", lang)}</th>
                </tr>
              </thead>
              <tbody>
                {props.outcome.items.map((i) => (
                  <tr data-code={i.participantCode} data-action={i.action}>
                    <th scope="row">{i.participantCode}</th>
                    <td>{t(`reminders.action.${i.action}`, lang)}</td>
                    <td>{kindLabel(i.kind, lang)}</td>
                    <td>{reason(i.reason, lang)}</td>
                    <td>{i.until ? when(i.until, lang, tz) : t("staff.none", lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {props.outcome?.kind === "run" && (
        <section id="run-result">
          <h2>{t("reminders.result.title", lang)}</h2>
          <p id="run-counts">
            <code>{countsText(props.outcome.counts)}</code>
          </p>
        </section>
      )}
      {props.outcome?.kind === "retried" && (
        <p id="retry-result" role="status">
          {t("reminders.retried", lang)}{" "}
          {t(`reminders.status.${props.outcome.status as (typeof STATUSES)[number]}`, lang)}
        </p>
      )}

      <h2>{t("reminders.outbox", lang)}</h2>
      <p class="filters">
        <a href={base} aria-current={props.status === null ? "page" : undefined}>
          {t("reminders.status.all", lang)}
        </a>
        {STATUSES.map((s) => (
          <a href={`${base}?status=${s}`} id={`status-${s}`} aria-current={props.status === s ? "page" : undefined}>
            {t(`reminders.status.${s}`, lang)}
          </a>
        ))}
      </p>
      {props.outbox.length === 0 ? (
        <p id="outbox-empty">{t("reminders.outbox.empty", lang)}</p>
      ) : (
        <table id="outbox-table">
          <thead>
            <tr>
              <th scope="col">{t("staff.col.code", lang)}</th>
              <th scope="col">{t("reminders.col.kind", lang)}</th>
              <th scope="col">{t("staff.col.status", lang)}</th>
              <th scope="col">{t("reminders.col.attempts", lang)}</th>
              <th scope="col">{t("reminders.col.reason", lang)}</th>
              <th scope="col">{t("reminders.col.when", lang)}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {props.outbox.map((m) => (
              <tr data-id={m.id} data-status={m.status}>
                <th scope="row">{m.participantCode}</th>
                <td>
                  {kindLabel(m.kind, lang)}
                  {m.kind === "reminder" ? ` ${m.seq}` : ""}
                </td>
                <td>
                  {STATUSES.includes(m.status as never)
                    ? t(`reminders.status.${m.status as (typeof STATUSES)[number]}`, lang)
                    : m.status}
                </td>
                <td>{m.attempts}</td>
                <td>{reason(m.reason, lang)}</td>
                <td>{when(m.sentAt ?? m.nextAttemptAt ?? m.createdAt, lang, tz)}</td>
                <td>
                  {m.status === "failed" && (
                    <form method="post" action={`${base}/outbox/${m.id}/retry`}>
                      <CsrfField token={user?.csrf} />
                      <button type="submit" class="link">
                        {t("reminders.retry", lang)}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t("reminders.pauses", lang)}</h2>
      {props.pauses.length === 0 ? (
        <p id="pauses-empty">{t("reminders.pauses.empty", lang)}</p>
      ) : (
        <ul id="pauses">
          {props.pauses.map((p) => (
            <li data-code={p.participantCode}>
              {p.participantCode}: {when(p.pausedAt, lang, tz)}, {t("reminders.pauses.until", lang)}{" "}
              {when(p.until, lang, tz)}
            </li>
          ))}
        </ul>
      )}

      <h2>{t("reminders.runs", lang)}</h2>
      <table id="runs-table">
        <thead>
          <tr>
            <th scope="col">{t("reminders.col.when", lang)}</th>
            <th scope="col">{t("reminders.col.kind", lang)}</th>
            <th scope="col">{t("reminders.col.by", lang)}</th>
            <th scope="col">{t("reminders.col.counts", lang)}</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((r) => (
            <tr data-run={r.id}>
              <td>{when(r.startedAt, lang, tz)}</td>
              <td>{t(r.dryRun ? "reminders.runs.dry" : "reminders.runs.real", lang)}</td>
              <td>{r.triggeredBy}</td>
              <td>
                <code>{countsText(r.counts ?? {})}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </StaffLayout>
  );
}

const countsText = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([k]) => k !== "runId")
    .map(([k, v]) => `${k} ${v}`)
    .join(" · ");
