// Reads for the summaries and downloads. Only stored results and raw answers are read here; the
// statistics were computed by the scheduled job (worker/analysis/recompute.ts).
import type { InstrumentDefinition } from "../../schema/instruments/definitions";
import { pilotIndicators } from "../analysis/recompute";
import type { Trend } from "../analysis/stats";
import { instrumentsOf, parseSettings, reportSettingsOf } from "../studies/settings";
import type { WaveDefinition } from "../analysis/waves";
import { localDate } from "../schedule/schedule";
import type { AnswerTuple } from "./exports";
import { rislSum } from "../../schema/staff-forms";
import type { StoredIndicator, SummaryInput } from "./summary";

export type PilotRow = {
  id: number;
  key: string;
  name: string;
  organisation: string;
  timezone: string;
  settings: unknown;
};

/** Every pilot, by key (the project coordinator's overview of all pilots). */
export async function allPilots(d1: D1Database): Promise<PilotRow[]> {
  const { results } = await d1
    .prepare("SELECT id, key, name, organisation, timezone, settings FROM pilots ORDER BY key")
    .all<Omit<PilotRow, "settings"> & { settings: string | null }>();
  return results.map((r) => ({ ...r, settings: r.settings === null ? null : parseSettings(r.settings) }));
}

export async function loadSummaryInput(d1: D1Database, pilot: PilotRow, now: number): Promise<SummaryInput> {
  const configured = instrumentsOf(pilot).wave;
  const settings = reportSettingsOf(pilot);
  const [people, indicators, occasions, timings, forms, defs, studyRisl] = await d1.batch([
    d1
      .prepare(
        "SELECT id, code, status, pilot_start_date AS pilotStartDate, left_care_at " +
          "AS leftCareAt FROM participants WHERE pilot_id = ? ORDER BY code",
      )
      .bind(pilot.id),
    d1
      .prepare(
        `SELECT r.participant_id, r.indicator, r.n, r.mean, r.min, r.max, ` +
          `r.slope_per_measurement, r.slope_per_day, r.kendall_s, r.p, r.trend, r.band
         FROM indicator_results r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?`,
      )
      .bind(pilot.id),
    // Due = opened by now and not cancelled; an open occasion still counts as invited. An occasion whose
    // answers were erased on request is counted as erased: neither completed nor non-response.
    d1
      .prepare(
        `SELECT o.participant_id, o.kind, o.wave, SUM(o.opens_at <= ?2 AND o.status != 'cancelled') AS due,
                SUM(o.status = 'completed' AND o.answers_erased_at ` +
          `IS NULL) AS completed, SUM(o.answers_erased_at IS NOT NULL) AS erased
         FROM occasions o JOIN participants p ON p.id = o.participant_id ` +
          `WHERE p.pilot_id = ?1 GROUP BY o.participant_id, o.kind, o.wave`,
      )
      .bind(pilot.id, now),
    d1
      .prepare(
        `SELECT (t.submitted_at - t.first_opened_at) / 60000.0 AS minutes ` +
          `FROM occasion_timings t JOIN occasions o ON o.id = t.occasion_id
         JOIN participants p ON p.id = o.participant_id WHERE ` +
          `p.pilot_id = ? AND o.kind = 'frequent' AND t.submitted_at IS NOT NULL`,
      )
      .bind(pilot.id),
    d1
      .prepare(
        "SELECT f.participant_id, f.form, f.data FROM staff_forms f JOIN " +
          "participants p ON p.id = f.participant_id WHERE p.pilot_id = ?",
      )
      .bind(pilot.id),
    d1.prepare(
      `SELECT i.key, v.definition FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id
       WHERE i.kind = 'wave' AND v.version = (SELECT MAX(version) ` +
        `FROM instrument_versions w WHERE w.instrument_id = v.instrument_id)`,
    ),
    // RIS-L forms of the whole study (every pilot of this pilot's study): only their sums leave this function,
    // as the study-group cut-offs of report table 2.3.
    d1
      .prepare(
        `SELECT f.data FROM staff_forms f JOIN participants p ON p.id = f.participant_id
         WHERE f.form = 'risl' AND p.pilot_id IN (SELECT id FROM ` +
          `pilots WHERE study_id = (SELECT study_id FROM pilots WHERE id = ?))`,
      )
      .bind(settings.rislNormGroup === "study" ? pilot.id : -1),
  ]);
  type Ind = {
    participant_id: number;
    indicator: string;
    n: number;
    mean: number | null;
    min: number | null;
    max: number | null;
    slope_per_measurement: number | null;
    slope_per_day: number | null;
    kendall_s: number | null;
    p: number | null;
    trend: "up" | "down" | null;
    band: StoredIndicator["band"];
  };
  return {
    pilot: { key: pilot.key, name: pilot.name, organisation: pilot.organisation, timezone: pilot.timezone },
    today: localDate(now, pilot.timezone),
    settings,
    studyRisl: (studyRisl!.results as { data: string }[]).map((r) => {
      const d = safeJson(r.data);
      return { signals: rislSum(d.signals), risks: rislSum(d.risks), protective: rislSum(d.protective) };
    }),
    waveInstruments: configured,
    frequentIndicators: await pilotIndicators(d1, pilot.key),
    participants: people!.results as SummaryInput["participants"],
    indicators: (indicators!.results as Ind[]).map((r) => ({
      participantId: r.participant_id,
      indicator: r.indicator,
      n: r.n,
      mean: r.mean,
      min: r.min,
      max: r.max,
      slopePerMeasurement: r.slope_per_measurement,
      slopePerDay: r.slope_per_day,
      kendallS: r.kendall_s,
      p: r.p,
      trend: r.trend,
      band: r.band,
    })),
    waveDefinitions: Object.fromEntries(
      (defs!.results as { key: string; definition: string }[]).map((d) => [
        d.key,
        JSON.parse(d.definition) as WaveDefinition,
      ]),
    ),
    occasions: (
      occasions!.results as {
        participant_id: number;
        kind: "frequent" | "wave";
        wave: string | null;
        due: number;
        completed: number;
        erased: number;
      }[]
    ).map((o) => ({
      participantId: o.participant_id,
      kind: o.kind,
      wave: o.wave,
      due: o.due ?? 0,
      completed: o.completed ?? 0,
      erased: o.erased ?? 0,
    })),
    completionMinutes: (timings!.results as { minutes: number }[]).map((t) => t.minutes).filter((m) => m >= 0),
    staffForms: (forms!.results as { participant_id: number; form: "background" | "risl"; data: string }[]).map(
      (f) => ({ participantId: f.participant_id, form: f.form, data: safeJson(f.data) }),
    ),
  };
}

function safeJson(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export type CommentRow = { code: string; at: number; instrument: string; item: string; comment: string };

export async function loadComments(d1: D1Database, pilotId: number): Promise<CommentRow[]> {
  const rows = await d1
    .prepare(
      `SELECT p.code, r.answered_at AS at, i.key AS instrument, r.item_key AS item, r.comment
       FROM responses r JOIN participants p ON p.id = r.participant_id
       JOIN instrument_versions v ON v.id = r.instrument_version_id JOIN instruments i ON i.id = v.instrument_id
       WHERE p.pilot_id = ? AND r.comment IS NOT NULL AND r.comment != '' ORDER BY p.code, r.answered_at`,
    )
    .bind(pilotId)
    .all<CommentRow>();
  return rows.results;
}

/** Every answer of the pilot, long format, for the answers CSV. */
export async function loadAllAnswers(d1: D1Database, pilotId: number) {
  return d1
    .prepare(
      `SELECT p.code, o.kind, o.wave, o.seq, o.due_date, i.key AS instrument, ` +
        `v.version, r.item_key, r.value, r.not_applicable, r.mode, r.answered_at, r.comment
       FROM responses r JOIN occasions o ON o.id = r.occasion_id JOIN participants p ON p.id = r.participant_id
       JOIN instrument_versions v ON v.id = r.instrument_version_id JOIN instruments i ON i.id = v.instrument_id
       WHERE p.pilot_id = ? ORDER BY p.code, o.kind, o.seq, i.key, r.item_key`,
    )
    .bind(pilotId)
    .raw<AnswerTuple>();
}

// ---- charts (./pilot-report.ts) --------------------------------------------------------------------------

/** The pilot's youths as [id, code, start date]; `only` narrows to one youth. */
export async function chartYouths(d1: D1Database, pilotId: number, only?: number) {
  return (
    only === undefined
      ? d1.prepare("SELECT id, code, pilot_start_date FROM participants WHERE pilot_id = ?").bind(pilotId)
      : d1
          .prepare("SELECT id, code, pilot_start_date FROM participants WHERE pilot_id = ? AND id = ?")
          .bind(pilotId, only)
  ).raw<[number, string, string]>();
}

const INDICATOR_SCOPE = "FROM indicator_results r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?";
const YOUTH_SCOPE = "AND (? IS NULL OR p.id = ?)";

/** Stored slope per day and trend per youth × frequent indicator. */
export async function storedTrends(d1: D1Database, pilotId: number, only?: number) {
  return d1
    .prepare(
      `SELECT r.participant_id, r.indicator, r.slope_per_day, r.trend ${INDICATOR_SCOPE} ${YOUTH_SCOPE}
       AND r.indicator NOT LIKE 'wave:%'`,
    )
    .bind(pilotId, only ?? null, only ?? null)
    .raw<[number, string, number | null, Trend | null]>();
}

/** Stored wave scores (`wave:<instrument>.<wave>.<subscale>`) per youth. */
export async function waveScores(d1: D1Database, pilotId: number, only?: number) {
  return d1
    .prepare(
      `SELECT r.participant_id, r.indicator, r.mean ${INDICATOR_SCOPE} ${YOUTH_SCOPE} AND r.indicator LIKE 'wave:%'`,
    )
    .bind(pilotId, only ?? null, only ?? null)
    .raw<[number, string, number | null]>();
}

/** When each youth finished each wave: its completion, or else its last answer. */
export async function waveDays(d1: D1Database, pilotId: number, only?: number) {
  return d1
    .prepare(
      `SELECT o.participant_id, o.wave,
         MAX(COALESCE(o.completed_at, (SELECT MAX(r.answered_at) FROM responses r WHERE r.occasion_id = o.id)))
       FROM occasions o JOIN participants p ON p.id = o.participant_id
       WHERE p.pilot_id = ? ${YOUTH_SCOPE} AND o.kind = 'wave' GROUP BY o.participant_id, o.wave`,
    )
    .bind(pilotId, only ?? null, only ?? null)
    .raw<[number, string, number | null]>();
}

/** The latest definition of every wave instrument, as stored JSON. */
export async function latestWaveDefinitions(d1: D1Database) {
  return d1
    .prepare(
      `SELECT i.key, v.definition FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id
       WHERE i.kind = 'wave'
         AND v.version = (SELECT MAX(version) FROM instrument_versions w WHERE w.instrument_id = v.instrument_id)`,
    )
    .raw<[string, string]>();
}

// ---- downloads (./routes.ts) -----------------------------------------------------------------------------

/** Stored indicators per youth × frequent indicator, in the columns of indicators.csv. */
export async function indicatorRows(d1: D1Database, pilotId: number) {
  return d1
    .prepare(
      `SELECT p.code, r.indicator, r.n, r.mean, r.min, r.max, r.slope_per_measurement, r.slope_per_day, r.kendall_s,
         r.p, r.trend, r.band
       ${INDICATOR_SCOPE} AND r.indicator NOT LIKE 'wave:%' ORDER BY p.code, r.indicator`,
    )
    .bind(pilotId)
    .raw<(string | number | null)[]>();
}

/** Every non-staff instrument version the pilot can use, with its definition (the item codebook). */
export async function itemVersions(d1: D1Database, pilotId: number) {
  const rows = await d1
    .prepare(
      `SELECT i.key, v.version, v.definition FROM instrument_versions v JOIN instruments i ON i.id = v.instrument_id
       WHERE i.kind != 'staff' AND (i.pilot_id IS NULL OR i.pilot_id = ?)`,
    )
    .bind(pilotId)
    .raw<[string, number, string]>();
  return rows.map(([key, version, definition]) => ({
    key,
    version,
    definition: JSON.parse(definition) as InstrumentDefinition,
  }));
}
