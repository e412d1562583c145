// Staff signals (issue 15): the pilot's list and, on a youth's page, her signals with their evidence and the
// acknowledge form. Researchers only; nothing here ever reaches a youth. Stable ids for the browser test:
// #signals-table, tr[data-signal], #youth-signals, li[data-signal] with .signal-evidence and form.ack-form.
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { t, type Lang, type MessageKey } from "../../../core/i18n/messages";

export type SignalItem = {
  id: number;
  participantCode: string;
  rule: string;
  indicator: string;
  status: "open" | "acknowledged" | "cleared";
  evidence: Record<string, unknown>;
  raisedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
};

const fmt = (ms: number, tz: string) =>
  new Intl.DateTimeFormat("nl-NL", { timeZone: tz, dateStyle: "short" }).format(ms);
const num = (v: unknown) => (typeof v === "number" ? String(Math.round(v * 100) / 100).replace(".", ",") : "");

/** One line of evidence: the values with their dates, the median, the waves or the missed occasions. */
export function Evidence({ s, timezone, lang = "nl" }: { s: SignalItem; timezone: string; lang?: Lang }) {
  const e = s.evidence;
  const vals = (e.values as { at: number; value: number }[] | undefined) ?? [];
  if (s.rule === "missed_in_row") {
    const occ = (e.occasions as { dueDate: string }[] | undefined) ?? [];
    return (
      <span class="signal-evidence">
        {t("signals.evidence.missed", lang)}: {occ.map((o) => o.dueDate).join(", ")}
      </span>
    );
  }
  if (s.rule === "reliable_deterioration") {
    const waves = (e.waves as { wave: string; score: number }[] | undefined) ?? [];
    // a scale asked at its own interval: her two latest measurements by date (worker/signals/rules.ts)
    const shown = waves.length
      ? waves.map((w) => `${w.wave} ${num(w.score)}`)
      : vals.map((v) => `${fmt(v.at, timezone)} ${num(v.value)}`);
    return (
      <span class="signal-evidence">
        {t("signals.evidence.waves", lang)}: {shown.join(" → ")} (RCI {num(e.rci)})
      </span>
    );
  }
  return (
    <span class="signal-evidence">
      {t("signals.evidence.values", lang)}: {vals.map((v) => `${fmt(v.at, timezone)} ${num(v.value)}`).join(" · ")}
      {s.rule === "drop_vs_median" && ` · ${t("signals.evidence.median", lang)} ${num(e.median)}`}
      {s.rule === "trend_down" && ` · p = ${num(e.p)}`}
    </span>
  );
}

const ruleLabel = (rule: string, lang: Lang) => t(`signals.rule.${rule}` as MessageKey, lang);
const statusLabel = (status: string, lang: Lang) => t(`signals.status.${status}` as MessageKey, lang);

export function AckForm({
  pilotKey,
  s,
  csrf,
  back,
  lang = "nl",
}: {
  pilotKey: string;
  s: SignalItem;
  csrf?: string;
  back: "list" | "youth";
  lang?: Lang;
}) {
  return (
    <form
      method="post"
      action={`/staff/pilots/${pilotKey}/signals/${s.id}/acknowledge`}
      class="ack-form stack"
      id={`ack-form-${s.id}`}
    >
      <CsrfField token={csrf} />
      <input type="hidden" name="back" value={back} />
      <label for={`ack-note-${s.id}`}>{t("signals.ack.note", lang)}</label>
      <textarea id={`ack-note-${s.id}`} name="note" maxLength={500} required rows={2} />
      <p>
        <button type="submit" id={`ack-submit-${s.id}`}>
          {t("signals.ack.submit", lang)}
        </button>
      </p>
    </form>
  );
}

function Ack({ s, timezone, lang }: { s: SignalItem; timezone: string; lang: Lang }) {
  if (s.status !== "acknowledged") return null;
  return (
    <p class="muted signal-ack">
      {t("signals.ack.by", lang)} {s.acknowledgedBy ?? "—"} ({s.acknowledgedAt ? fmt(s.acknowledgedAt, timezone) : ""}):
      “{s.note}”
    </p>
  );
}

export function SignalsPage({
  user,
  pilot,
  signals,
  timezone,
  labels,
  showCleared,
  error,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: { key: string; name: string };
  signals: SignalItem[];
  timezone: string;
  /** indicator key → label */
  labels: Record<string, string>;
  showCleared: boolean;
  error?: string;
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={`${t("signals.title", lang)} · ${pilot.name}`} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`} id="back-to-pilot">
          {pilot.name}
        </a>
      </p>
      <h1 id="signals-title">{t("signals.title", lang)}</h1>
      <p class="muted">{t("signals.intro", lang)}</p>
      {error && (
        <p class="error" id="signals-error" role="alert">
          {error}
        </p>
      )}
      <p>
        <a href={`/staff/pilots/${pilot.key}/signals${showCleared ? "" : "?status=all"}`} id="signals-toggle-cleared">
          {showCleared ? t("signals.title", lang) : t("signals.showCleared", lang)}
        </a>
      </p>
      {signals.length === 0 ? (
        <p id="no-signals">{t("signals.none", lang)}</p>
      ) : (
        <table id="signals-table">
          <thead>
            <tr>
              <th scope="col">{t("signals.col.youth", lang)}</th>
              <th scope="col">{t("signals.col.rule", lang)}</th>
              <th scope="col">{t("signals.col.indicator", lang)}</th>
              <th scope="col">{t("signals.col.evidence", lang)}</th>
              <th scope="col">{t("signals.col.raised", lang)}</th>
              <th scope="col">{t("signals.col.status", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {signals.map((s) => (
              <tr data-signal={s.id} data-code={s.participantCode} data-rule={s.rule} data-status={s.status}>
                <th scope="row">
                  <a href={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(s.participantCode)}#signal-${s.id}`}>
                    {s.participantCode}
                  </a>
                </th>
                <td>{ruleLabel(s.rule, lang)}</td>
                <td>{labels[s.indicator] ?? s.indicator}</td>
                <td>
                  <Evidence s={s} timezone={timezone} lang={lang} />
                </td>
                <td>{fmt(s.raisedAt, timezone)}</td>
                <td>
                  <span class={`signal-status st-${s.status}`}>{statusLabel(s.status, lang)}</span>
                  <Ack s={s} timezone={timezone} lang={lang} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </StaffLayout>
  );
}

/** On the youth's page (researchers only): her signals with evidence; open ones with the acknowledge form. */
export function YouthSignals({
  pilotKey,
  signals,
  timezone,
  labels,
  csrf,
  acknowledged,
  lang = "nl",
}: {
  pilotKey: string;
  signals: SignalItem[];
  timezone: string;
  labels: Record<string, string>;
  csrf?: string;
  acknowledged?: boolean;
  lang?: Lang;
}) {
  if (!signals.length && !acknowledged) return null;
  return (
    <section id="youth-signals">
      <h2>{t("signals.youth.title", lang)}</h2>
      {acknowledged && (
        <p class="notice" id="ack-notice" role="status">
          {t("signals.ack.done", lang)}
        </p>
      )}
      <ul>
        {signals.map((s) => (
          <li id={`signal-${s.id}`} data-signal={s.id} data-rule={s.rule} data-status={s.status}>
            <strong>{ruleLabel(s.rule, lang)}</strong> · {labels[s.indicator] ?? s.indicator} ·{" "}
            <span class={`signal-status st-${s.status}`}>{statusLabel(s.status, lang)}</span>
            {s.rule !== "missed_in_row" && s.rule !== "reliable_deterioration" && (
              <>
                {" "}
                · <a href={`#plot-${s.indicator.replace(/[^a-z0-9_-]/gi, "-")}`}>{t("staff.youth.trends", lang)}</a>
              </>
            )}
            <br />
            <Evidence s={s} timezone={timezone} lang={lang} />
            <Ack s={s} timezone={timezone} lang={lang} />
            {s.status === "open" && <AckForm pilotKey={pilotKey} s={s} csrf={csrf} back="youth" lang={lang} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
