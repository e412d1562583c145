// A youth's page (stable ids for the browser test: #schedule-table, #timeline, #plots): status, staff-form
// links, her schedule, signals, trend plots, comments and the timeline of her answers.
import type { ComponentChildren } from "preact";
import { waveLabel } from "../../../../core/waves";
import type { ChartData } from "../../../../worker/analysis/plot";
import { CsrfField, StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { TrendPlot } from "../../../components/TrendPlot";
import { t, type Lang } from "../../../../core/i18n/messages";
import { type OccasionCell, type PilotCard, stateKey, statusKey } from "./shared";

export type TimelineEntry = {
  date: string;
  kind: string;
  wave: string | null;
  /** the occasion's number: names a wave instrument's interval measurement ("week 16", core/waves.ts) */
  seq: number;
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
          {timeline.map((e) => {
            const occasion =
              e.kind === "wave"
                ? `${t("staff.youth.wave", lang)} ${waveLabel(e.wave, e.seq)}`
                : t("staff.youth.frequent", lang);
            return (
              <li>
                <strong>{e.date}</strong> · {occasion} · <span class="muted">{e.mode}</span>
                <ul>
                  {e.answers.map((a) => (
                    <li>
                      {a.instrument}.{a.item}: {a.notApplicable ? t("youth.notApplicable", lang) : a.value}
                      {a.comment && <span class="comment"> — “{a.comment}”</span>}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ol>
      )}
    </StaffLayout>
  );
}
