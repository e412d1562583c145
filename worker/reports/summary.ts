// The per-pilot summary (DESIGN.md §3; report tables 3.1 and 3.3, Bijlage 1) as a plain data model.
// Pure: it takes what worker/reports/queries.ts read from D1 (stored indicator results, wave scores,
// response counts, staff forms) and derives only cheap, group-dependent things — wave bands, RCI flags,
// group means. Every renderer (CSV, HTML report, coordinator pages) reads this one model.
import type { z } from "zod";
import { frequentIndicators, type Indicator } from "../../schema/instruments/definitions";
import type { ParticipantStatus } from "../../schema/tables";
import {
  bandFixed,
  bandNormSd,
  bandOwnGroupPercentiles,
  bandOwnGroupSd,
  bandPercentiles,
  FIXED_CUTOFFS,
  quantileType7,
  sampleSd,
  type Band,
} from "../analysis/bands";
import { formatNumber } from "../../core/format";
import { catalogue } from "../../core/i18n/messages";
import type { IntegralSection } from "../../core/report-sections";
import { WAVES, type Wave } from "../../core/waves";
import {
  BACKGROUND_FIELD_LABELS,
  BACKGROUND_OPTIONS,
  LIST_FIELDS,
  optionLabel,
  type BackgroundListField,
  RISL_SCORED_PARTS,
  rislSum,
} from "../../schema/staff-forms";
import { monthsBetween, normaliseBackground } from "../studies/background";
import { median, reliableChange } from "../analysis/stats";
import {
  parseWaveIndicatorKey,
  TOTAL as TOTAL_SCALE,
  waveScales,
  type WaveDefinition,
  type WaveNorm,
} from "../analysis/waves";
import { DEFAULT_REPORT_SETTINGS, type ReportSettings } from "../studies/report-settings";
import type {
  backgroundTableSchema,
  bandMethod,
  bandRule,
  cell,
  change,
  flag,
  integralColumn,
  storedIndicator,
  summarySchema,
  waveRow,
} from "./responses";

export type Flag = z.infer<typeof flag>;
export type Change = z.infer<typeof change>;

/** One stored indicator_results row, as the summary reads it. */
export type StoredIndicator = z.infer<typeof storedIndicator>;

export type SummaryInput = {
  pilot: { key: string; name: string; organisation: string; timezone?: string };
  /** today in the pilot's zone (YYYY-MM-DD): months in the pilot of youths still in it run to today */
  today?: string;
  /** the pilot's report settings (worker/studies/report-settings.ts); defaults: 3 and "study" */
  settings?: Partial<ReportSettings>;
  /**
   * RIS-L sums of every youth of the study (all its pilots, this one included) for the study-group cut-offs
   * (report table 2.3); without it the pilot's own group is used.
   */
  studyRisl?: { signals: number | null; risks: number | null; protective: number | null }[];
  /** wave instruments configured for the pilot (others found in the data are added) */
  waveInstruments: string[];
  participants: {
    id: number;
    code: string;
    status: ParticipantStatus;
    pilotStartDate?: string;
    leftCareAt?: string | null;
  }[];
  indicators: StoredIndicator[];
  /**
   * the pilot's frequent indicators as the recompute derives them from the stored instrument versions
   * (worker/analysis/recompute.ts pilotIndicators); without it, from the built-in definitions
   */
  frequentIndicators?: Indicator[];
  /** current definition per wave instrument key (structure, direction, norms) */
  waveDefinitions: Record<string, WaveDefinition>;
  /**
   * occasions up to now: per participant and kind/wave, how many were due, how many completed and how many
   * had their answers erased on request (counted apart: neither completed nor non-response)
   */
  occasions: {
    participantId: number;
    kind: "frequent" | "wave";
    wave: string | null;
    due: number;
    completed: number;
    erased?: number;
  }[];
  /** minutes from first opening to submission of completed frequent questionnaires */
  completionMinutes: number[];
  staffForms: { participantId: number; form: "background" | "risl"; data: Record<string, unknown> }[];
};

// The model's types come from its response schemas (worker/reports/responses.ts), which describe summary.json.
export type Cell = z.infer<typeof cell>;
export type IntegralColumn = z.infer<typeof integralColumn>;
export type WaveRow = z.infer<typeof waveRow>;
export type Summary = z.infer<typeof summarySchema>;
export type BackgroundTable = z.infer<typeof backgroundTableSchema>;

const INSTRUMENT_NAMES: Record<string, string> = { gcir: "GCI-R", atmq: "ATMQ", tasc: "TASC" };

export type BandMethod = z.infer<typeof bandMethod>;

/** Report table 2.3: GCI-R against the norm's ±1 SD, ATMQ against its percentiles, TASC against the own group at T1. */
export function bandMethodOf(instrument: string, norm: WaveNorm | undefined): BandMethod {
  if (instrument === "gcir") return "normSd";
  if (instrument === "atmq") return "normPercentiles";
  if (instrument === "tasc") return "ownGroupT1Sd";
  // Imported instruments: use what their norms provide.
  if (norm?.p25 !== undefined && norm.p75 !== undefined) return "normPercentiles";
  return norm ? "normSd" : "ownGroupT1Sd";
}

function waveBand(
  method: BandMethod,
  score: number | null,
  norm: WaveNorm | undefined,
  higherIsBetter: boolean,
  groupT1: (number | null)[],
): Band | null {
  if (score === null) return null;
  if (method === "normSd") return norm ? bandNormSd(score, { mean: norm.mean, sd: norm.sd, higherIsBetter }) : null;
  if (method === "normPercentiles")
    return norm?.p25 !== undefined && norm.p75 !== undefined
      ? bandPercentiles(score, { p25: norm.p25, p75: norm.p75, higherIsBetter })
      : null;
  return bandOwnGroupSd(score, groupT1, higherIsBetter);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function flagOf(trend: "up" | "down" | null, higherIsBetter: boolean): Flag {
  if (trend === null) return null;
  return (trend === "up") === higherIsBetter ? "++" : "--";
}

export type BandRule = z.infer<typeof bandRule>;

/** Which section of table 3.3 a frequent indicator belongs to (basic needs: treatment; pilot items: pilot-specific). */
export function frequentSection(instrument: string): IntegralSection {
  if (instrument === "basisbehoeften") return "treatment";
  if (instrument.startsWith("pilot_")) return "pilot";
  return "outcomes";
}

// --- Band rules: what green, yellow and pink mean for one indicator, with its cut-offs ----------------
const both = (f: (lang: "nl" | "en", n: (v: number) => string) => string) => ({
  nl: f("nl", (v) => formatNumber(v, 2, "nl")),
  en: f("en", (v) => formatNumber(v, 2, "en")),
});

export function fixedBandRule(): BandRule {
  const { high, low } = FIXED_CUTOFFS;
  return {
    high: both((l) => (l === "nl" ? `gemiddeld ${high} of hoger` : `mean ${high} or higher`)),
    middle: both((l) => (l === "nl" ? `hoger dan ${low} en lager dan ${high}` : `above ${low} and below ${high}`)),
    low: both((l) => (l === "nl" ? `${low} of lager` : `${low} or lower`)),
  };
}

/** A band between two cut-offs (strictly above / below), oriented: for lower-is-better, green is the low end. */
function betweenRule(
  lower: number,
  upper: number,
  higherIsBetter: boolean,
  what: { nl: string; en: string },
): BandRule {
  const above = both((l, n) => (l === "nl" ? `hoger dan ${n(upper)} (${what.nl})` : `above ${n(upper)} (${what.en})`));
  const below = both((l, n) => (l === "nl" ? `lager dan ${n(lower)} (${what.nl})` : `below ${n(lower)} (${what.en})`));
  const middle = both((l, n) =>
    l === "nl" ? `van ${n(lower)} tot en met ${n(upper)}` : `from ${n(lower)} to ${n(upper)}`,
  );
  if (!higherIsBetter) {
    const note = { nl: "; lager is gunstiger", en: "; lower is favourable" };
    return { high: { nl: below.nl + note.nl, en: below.en + note.en }, middle, low: above };
  }
  return { high: above, middle, low: below };
}

export function waveBandRule(
  method: BandMethod,
  norm: WaveNorm | undefined | null,
  higherIsBetter: boolean,
  groupT1: (number | null)[],
): BandRule {
  const demo = norm?.demo ? { nl: ", demo-norm", en: ", demo norm" } : { nl: "", en: "" };
  if (method === "normSd" && norm)
    return betweenRule(norm.mean - norm.sd, norm.mean + norm.sd, higherIsBetter, {
      nl: `1 SD rond het normgemiddelde ${formatNumber(norm.mean, 2, "nl")}${demo.nl}`,
      en: `1 SD around the norm mean ${formatNumber(norm.mean, 2, "en")}${demo.en}`,
    });
  if (method === "normPercentiles" && norm?.p25 !== undefined && norm.p75 !== undefined)
    return betweenRule(norm.p25, norm.p75, higherIsBetter, {
      nl: `25e/75e percentiel van de norm${demo.nl}`,
      en: `25th/75th percentile of the norm${demo.en}`,
    });
  if (method === "ownGroupT1Sd") {
    const g = groupT1.filter((v): v is number => typeof v === "number");
    const sd = sampleSd(g);
    if (sd === null) return null;
    const m = mean(g)!;
    return betweenRule(m - sd, m + sd, higherIsBetter, {
      nl: `1 SD rond het gemiddelde van de eigen groep op T1, ${formatNumber(m, 2, "nl")}`,
      en: `1 SD around the own group's mean at T1, ${formatNumber(m, 2, "en")}`,
    });
  }
  return null;
}

function rislBandRule(group: (number | null)[], higherIsBetter: boolean, whose: "study" | "pilot"): BandRule {
  const g = group.filter((v): v is number => typeof v === "number");
  if (g.length < 2) return null;
  const label =
    whose === "study"
      ? { nl: `onderzoeksgroep, alle pilots, n = ${g.length}`, en: `study group, all pilots, n = ${g.length}` }
      : { nl: `eigen pilot, n = ${g.length}`, en: `own pilot, n = ${g.length}` };
  return betweenRule(quantileType7(g, 0.25)!, quantileType7(g, 0.75)!, higherIsBetter, {
    nl: `25e/75e percentiel, ${label.nl}`,
    en: `25th/75th percentile, ${label.en}`,
  });
}

// --- Background (report tables 3.1, 3.2) ---------------------------------------------------------------
/** Only these numeric fields are summarised; the months are derived from the dates (never the dates themselves). */
const NUMERIC_FIELDS = ["ageAtPilotStart", "monthsBeforePilot", "monthsInPilot"] as const;

/**
 * Report tables 3.1 and 3.2 from the background forms: numeric rows (mean, sd, min, max) and counts per option
 * of the fixed lists (the problems at referral the last). No free text: "anders, namelijk" counts as "anders",
 * its text, the referral reason and DSM codes are never read. A count below `minCell` is withheld ("< 3"), and so
 * are the statistics of fewer youths than that.
 */
export function backgroundTable(
  forms: { data: Record<string, unknown> }[],
  minCell = DEFAULT_REPORT_SETTINGS.minCellSize,
): BackgroundTable | null {
  if (!forms.length) return null;
  const data = forms.map((f) => normaliseBackground(f.data));
  const guard = (n: number) =>
    n > 0 && n < minCell ? { count: null, suppressed: true } : { count: n, suppressed: false };
  const numeric: BackgroundTable["numeric"] = [];
  for (const field of NUMERIC_FIELDS) {
    const xs = data.map((d) => d[field]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (!xs.length) continue;
    const g = guard(xs.length);
    numeric.push({
      field,
      label: BACKGROUND_FIELD_LABELS[field]!,
      ...g,
      ...(g.suppressed
        ? { mean: null, sd: null, min: null, max: null }
        : { mean: mean(xs)!, sd: sampleSd(xs), min: Math.min(...xs), max: Math.max(...xs) }),
    });
  }
  const categorical: BackgroundTable["categorical"] = [];
  for (const field of LIST_FIELDS) {
    const counts = new Map<string, number>();
    for (const d of data) {
      const v = d[field];
      for (const x of new Set(Array.isArray(v) ? v : [v]))
        if (typeof x === "string" && BACKGROUND_OPTIONS[field].some((o) => o.key === x))
          counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    if (!counts.size) continue;
    // In the list's own order (as the report prints them), options nobody has left out.
    const rows = BACKGROUND_OPTIONS[field]
      .filter((o) => counts.has(o.key))
      .map((o) => ({
        value: o.key,
        label: optionLabel(field as BackgroundListField, o.key),
        ...guard(counts.get(o.key)!),
      }));
    categorical.push({ field, label: BACKGROUND_FIELD_LABELS[field]!, counts: rows });
  }
  return { n: forms.length, minCellSize: minCell, numeric, categorical };
}

/**
 * The derived months of table 3.1 added to a background form: before the pilot (care start → pilot start) and in the
 * pilot (→ pilot end, leaving care or today).
 */
export function withDerivedMonths(
  data: Record<string, unknown>,
  p: { pilotStartDate?: string; leftCareAt?: string | null },
  today: string | undefined,
): Record<string, unknown> {
  const start = typeof data.pilotStartDate === "string" ? data.pilotStartDate : p.pilotStartDate;
  const end =
    typeof data.pilotEndDate === "string" ? data.pilotEndDate : p.leftCareAt ? p.leftCareAt.slice(0, 10) : today;
  const out: Record<string, unknown> = { ...data };
  const before = monthsBetween(data.careStartDate, start);
  const inPilot = monthsBetween(start, end);
  if (before !== null) out.monthsBeforePilot = before;
  if (inPilot !== null) out.monthsInPilot = inPilot;
  return out;
}

/** The input indexed once for every step: youths by code, and per youth her stored indicators and occasions. */
type SummaryIndex = {
  input: SummaryInput;
  people: SummaryInput["participants"];
  /** wave instruments configured for the pilot, then those found in the stored indicators */
  waveInstruments: string[];
  stored: (pid: number, key: string) => StoredIndicator | undefined;
  occasionsOf: (pid: number) => SummaryInput["occasions"];
  warnings: string[];
};
type WaveTable = Summary["waveTables"][number];
type FrequentTable = Summary["frequentTables"][number];

/** The summary in named steps: index the input, the appendix tables, the integral table, response, background. */
export function buildSummary(input: SummaryInput): Summary {
  const settings: ReportSettings = { ...DEFAULT_REPORT_SETTINGS, ...input.settings };
  const ix = indexSummaryInput(input);
  const waveTables = buildWaveTables(ix);
  const indicators = input.frequentIndicators ?? frequentIndicators(input.pilot.key);
  const frequentTables = [...buildFrequentTables(ix, indicators), ...buildSeriesTables(ix)];
  return {
    pilot: {
      key: input.pilot.key,
      name: input.pilot.name,
      organisation: input.pilot.organisation,
      timezone: input.pilot.timezone ?? "Europe/Amsterdam",
    },
    participantCount: ix.people.length,
    settings,
    integral: buildIntegral(ix, settings, indicators, waveTables, frequentTables),
    waveTables,
    frequentTables,
    response: buildResponse(ix),
    background: backgroundTable(backgroundFormsOf(ix), settings.minCellSize),
    warnings: ix.warnings,
  };
}

function indexSummaryInput(input: SummaryInput): SummaryIndex {
  const people = [...input.participants].sort((a, b) => a.code.localeCompare(b.code));
  const byPerson = new Map<number, Map<string, StoredIndicator>>();
  const waveInstruments = [...input.waveInstruments];
  for (const r of input.indicators) {
    (byPerson.get(r.participantId) ?? byPerson.set(r.participantId, new Map()).get(r.participantId)!).set(
      r.indicator,
      r,
    );
    const w = parseWaveIndicatorKey(r.indicator);
    if (w && !waveInstruments.includes(w.instrument)) waveInstruments.push(w.instrument);
  }
  const occByPerson = new Map<number, SummaryInput["occasions"]>();
  for (const o of input.occasions)
    (occByPerson.get(o.participantId) ?? occByPerson.set(o.participantId, []).get(o.participantId)!).push(o);
  return {
    input,
    people,
    waveInstruments,
    stored: (pid, key) => byPerson.get(pid)?.get(key),
    occasionsOf: (pid) => occByPerson.get(pid) ?? [],
    warnings: [],
  };
}

// --- Bijlage 1: wave tables with RCI flags -------------------------------------------------------

function buildWaveTables(ix: SummaryIndex): WaveTable[] {
  const waveTables: WaveTable[] = [];
  for (const inst of ix.waveInstruments) {
    const def = ix.input.waveDefinitions[inst];
    if (!def) {
      ix.warnings.push(`No definition for wave instrument ${inst}`);
      continue;
    }
    for (const scale of waveScales(def)) waveTables.push(waveTable(ix, inst, scale));
  }
  return waveTables;
}

type WaveScale = ReturnType<typeof waveScales>[number];

function waveTable(ix: SummaryIndex, inst: string, scale: WaveScale): WaveTable {
  const { people, stored } = ix;
  const norm = scale.norm;
  const method = bandMethodOf(inst, norm);
  const waveScore = (pid: number, wave: Wave) => stored(pid, `wave:${wave}:${inst}.${scale.key}`)?.mean ?? null;
  const groupT1 = people.map((p) => waveScore(p.id, "T1"));
  const band = (v: number | null) => waveBand(method, v, norm, scale.higherIsBetter, groupT1);
  const rci = (a: number | null, b: number | null): { change: Change; rci: number | null } => {
    if (a === null || b === null || !norm) return { change: null, rci: null };
    try {
      const r = reliableChange(a, b, {
        sd: norm.sd,
        reliability: norm.reliability,
        higherIsBetter: scale.higherIsBetter,
      });
      return { change: r.change, rci: r.rci };
    } catch (e) {
      const msg = `${inst}.${scale.key}: ${(e as Error).message}`;
      if (!ix.warnings.includes(msg)) ix.warnings.push(msg);
      return { change: null, rci: null };
    }
  };
  const rows: WaveRow[] = people.map((p) => {
    const s = Object.fromEntries(WAVES.map((w) => [w, waveScore(p.id, w)])) as Record<Wave, number | null>;
    const scores = Object.fromEntries(
      WAVES.map((w) => [
        w,
        {
          value: s[w],
          band: band(s[w]),
          flag: null,
          n: stored(p.id, `wave:${w}:${inst}.${scale.key}`)?.n,
          nonResponse: s[w] === null && waveDue(ix, p.id, w) && !waveErased(ix, p.id, w),
          erased: s[w] === null && waveErased(ix, p.id, w),
        },
      ]),
    ) as WaveRow["scores"];
    // "Previous wave" for T3 is T2 when answered, else T1 (non-response is skipped, never read as 0).
    const t2 = rci(s.T1, s.T2);
    const t3prev = rci(s.T2 ?? s.T1, s.T3);
    const t3 = rci(s.T1, s.T3);
    return {
      code: p.code,
      scores,
      changes: {
        T2vsT1: t2.change,
        T3vsT2: t3prev.change,
        T3vsT1: t3.change,
        rci: { T2vsT1: t2.rci, T3vsT2: t3prev.rci, T3vsT1: t3.rci },
      },
    };
  });
  // Bijlage 1 table 4: TASC as first and last measurement, the change between them by RCI.
  const layout = inst === "tasc" ? ("firstLast" as const) : ("waves" as const);
  if (layout === "firstLast") for (const row of rows) row.firstLast = firstLastOf(row, rci);
  const meanCell = (values: (number | null | undefined)[]): Cell => {
    const xs = values.filter((v): v is number => typeof v === "number");
    const m = mean(xs);
    return { value: m, band: band(m), flag: null, n: xs.length };
  };
  const name = INSTRUMENT_NAMES[inst] ?? inst.toUpperCase();
  return {
    instrument: inst,
    subscale: scale.key,
    label: { nl: `${name} ${scale.label.nl}`, en: `${name} ${scale.label.en}` },
    higherIsBetter: scale.higherIsBetter,
    bandMethod: method,
    norm: norm ?? null,
    layout,
    bandRule: waveBandRule(method, norm, scale.higherIsBetter, groupT1),
    rows,
    groupMean: {
      T1: meanCell(rows.map((r) => r.scores.T1.value)),
      T2: meanCell(rows.map((r) => r.scores.T2.value)),
      T3: meanCell(rows.map((r) => r.scores.T3.value)),
      first: meanCell(rows.map((r) => r.firstLast?.first?.value)),
      last: meanCell(rows.map((r) => r.firstLast?.last?.value)),
    },
  };
}

/** Her first and last answered wave, and the reliable change between them (TASC). */
function firstLastOf(
  row: WaveRow,
  rci: (a: number | null, b: number | null) => { change: Change; rci: number | null },
): WaveRow["firstLast"] {
  const answered = WAVES.filter((w) => row.scores[w].value !== null);
  const f = answered[0];
  const l = answered.length > 1 ? answered[answered.length - 1] : undefined;
  const ch = f && l ? rci(row.scores[f].value, row.scores[l].value) : { change: null, rci: null };
  return {
    first: f ? { wave: f, value: row.scores[f].value! } : null,
    last: l ? { wave: l, value: row.scores[l].value!, band: row.scores[l].band, change: ch.change, rci: ch.rci } : null,
  };
}

/** A wave counts as non-response once it was due; before that it is simply not there yet. */
const waveDue = (ix: SummaryIndex, pid: number, w: Wave) =>
  ix.occasionsOf(pid).some((o) => o.kind === "wave" && o.wave === w && o.due > 0);

/** A wave whose answers were erased on request (and not answered again): erased, not non-response. */
function waveErased(ix: SummaryIndex, pid: number, w: Wave) {
  const occ = ix.occasionsOf(pid).filter((o) => o.kind === "wave" && o.wave === w);
  return occ.some((o) => (o.erased ?? 0) > 0) && !occ.some((o) => o.completed > 0);
}

// --- Bijlage 1: frequent indicators and pilot items ---------------------------------------------

/** Each youth's stored result of one indicator (an empty one when none is stored), with its trend flag. */
function indicatorRows(ix: SummaryIndex, key: string, higherIsBetter: boolean): FrequentTable["rows"] {
  return ix.people.map((p) => {
    // codes only: the internal participant id stays out of the summary and its downloads
    const { participantId: _internal, ...r } = ix.stored(p.id, key) ?? {
      participantId: p.id,
      indicator: key,
      n: 0,
      mean: null,
      min: null,
      max: null,
      slopePerMeasurement: null,
      slopePerDay: null,
      kendallS: null,
      p: null,
      trend: null,
      band: null,
    };
    return { ...r, code: p.code, flag: flagOf(r.trend, higherIsBetter) };
  });
}

/** The report's "Gemiddelde" row: mean number of measurements (of youths with any) and mean of their means. */
function measuredMean(rows: FrequentTable["rows"]) {
  const measured = rows.filter((r) => r.n > 0);
  return {
    n: mean(measured.map((r) => r.n)),
    mean: mean(measured.map((r) => r.mean).filter((v): v is number => typeof v === "number")),
  };
}

function buildFrequentTables(ix: SummaryIndex, indicators: Indicator[]): FrequentTable[] {
  return indicators.map((ind) => {
    const rows = indicatorRows(ix, ind.key, ind.higherIsBetter);
    const { n, mean: m } = measuredMean(rows);
    const groupMean = { n, mean: m, band: ind.aggregate === "mean" ? bandFixed(m) : null };
    const history = { ...(ind.versions ? { versions: ind.versions } : {}), ...(ind.retired ? { retired: true } : {}) };
    return {
      indicator: ind.key,
      label: ind.label,
      aggregate: ind.aggregate,
      ...history,
      bandRule: ind.aggregate === "mean" ? fixedBandRule() : null,
      rows,
      groupMean,
    };
  });
}

/**
 * A wave instrument asked at its own interval: its series over all measurements (worker/analysis/README.md),
 * after the frequent tables, without colour band (the wave norms band single scores, not a series mean).
 */
function buildSeriesTables(ix: SummaryIndex): FrequentTable[] {
  const byPersonId = new Set(ix.people.map((p) => p.id));
  const seriesKeys = new Set(
    ix.input.indicators
      .filter((r) => r.indicator.startsWith("series:") && byPersonId.has(r.participantId))
      .map((r) => r.indicator),
  );
  const tables: FrequentTable[] = [];
  for (const inst of ix.waveInstruments) {
    const def = ix.input.waveDefinitions[inst];
    for (const scale of def ? waveScales(def) : []) {
      const key = `series:${inst}.${scale.key}`;
      if (!seriesKeys.has(key)) continue;
      const name = INSTRUMENT_NAMES[inst] ?? inst.toUpperCase();
      const rows = indicatorRows(ix, key, scale.higherIsBetter);
      const all = catalogue["report.series.all"];
      const label = { nl: `${name} ${scale.label.nl}, ${all.nl}`, en: `${name} ${scale.label.en}, ${all.en}` };
      tables.push({
        indicator: key,
        label,
        aggregate: "mean",
        bandRule: null,
        rows,
        groupMean: { ...measuredMean(rows), band: null },
      });
    }
  }
  return tables;
}

// --- Table 3.3: the integral table --------------------------------------------------------------

function buildIntegral(
  ix: SummaryIndex,
  settings: ReportSettings,
  indicators: Indicator[],
  waveTables: WaveTable[],
  frequentTables: FrequentTable[],
): Summary["integral"] {
  const { input, people } = ix;
  const rislOf = new Map(input.staffForms.filter((f) => f.form === "risl").map((f) => [f.participantId, f.data]));
  const rislScores = Object.fromEntries(
    RISL_SCORED_PARTS.map((part) => [part.key, people.map((p) => rislSum(rislOf.get(p.id)?.[part.key]))]),
  );
  // Report table 2.3: RIS-L cut-offs from the study group (all pilots); the pilot's own group as a setting.
  const rislWhose = settings.rislNormGroup === "study" && input.studyRisl?.length ? "study" : "pilot";
  const rislGroup = (key: (typeof RISL_SCORED_PARTS)[number]["key"]) =>
    rislWhose === "study" ? input.studyRisl!.map((r) => r[key]) : rislScores[key]!;
  const totals = waveTables
    .filter((t) => t.subscale === TOTAL_SCALE)
    .sort((a, b) => (a.instrument === "gcir" ? 0 : 1) - (b.instrument === "gcir" ? 0 : 1));
  const columns = integralColumns(rislOf.size > 0, rislGroup, rislWhose, totals, indicators, frequentTables);

  const frequentDue = (pid: number) =>
    ix
      .occasionsOf(pid)
      .filter((o) => o.kind === "frequent")
      .reduce((a, o) => a + Math.max(0, o.due - (o.erased ?? 0)), 0);
  const rows = people.map((p, i) => {
    const cells: Record<string, Cell> = {};
    if (rislOf.size) {
      for (const part of RISL_SCORED_PARTS) {
        const v = rislScores[part.key]![i]!;
        cells[`risl.${part.key}`] = {
          value: v,
          band: bandOwnGroupPercentiles(v, rislGroup(part.key), part.higherIsBetter),
          flag: null,
        };
      }
    }
    for (const t of totals) cells[`${t.instrument}.${t.subscale}`] = waveTotalCell(t.rows[i]!);
    for (const ft of frequentTables) {
      if (ft.indicator.startsWith("series:")) continue;
      const r = ft.rows[i]!;
      cells[ft.indicator] = {
        value: r.mean,
        band: r.band,
        flag: r.flag,
        n: r.n,
        ...(r.n === 0 && frequentDue(p.id) > 0 ? { mark: "nr" as const } : {}),
      };
    }
    return { code: p.code, cells };
  });
  return { columns, rows, groupMean: integralGroupMean(columns, rows, waveTables, rislGroup) };
}

/** The integral table's "Gemiddelde" row: per column the mean of the youths' values, banded as the column. */
function integralGroupMean(
  columns: IntegralColumn[],
  rows: { cells: Record<string, Cell> }[],
  waveTables: WaveTable[],
  rislGroup: (key: (typeof RISL_SCORED_PARTS)[number]["key"]) => (number | null)[],
): Record<string, Cell> {
  const groupMean: Record<string, Cell> = {};
  for (const col of columns) {
    const values = rows.map((r) => r.cells[col.key]?.value).filter((v): v is number => typeof v === "number");
    const m = mean(values);
    let band: Band | null = null;
    if (col.group === "frequent") band = bandFixed(m);
    else if (col.group === "wave") {
      const t = waveTables.find((x) => `${x.instrument}.${x.subscale}` === col.key)!;
      band = waveBand(
        t.bandMethod,
        m,
        t.norm ?? undefined,
        t.higherIsBetter,
        t.rows.map((r) => r.scores.T1.value),
      );
    } else {
      const part = RISL_SCORED_PARTS.find((x) => `risl.${x.key}` === col.key)!;
      band = bandOwnGroupPercentiles(m, rislGroup(part.key), part.higherIsBetter);
    }
    groupMean[col.key] = { value: m, band, flag: null, n: values.length };
  }
  return groupMean;
}

/**
 * Columns in the order of table 3.3: RIS-L | GCI-R, basic needs, ATMQ/TASC | pilot items | wellbeing, functioning.
 * Wave instruments show their total (the report's "Totaal leefklimaat"); subscales are in the appendix tables.
 */
function integralColumns(
  withRisl: boolean,
  rislGroup: (key: (typeof RISL_SCORED_PARTS)[number]["key"]) => (number | null)[],
  rislWhose: "study" | "pilot",
  totals: WaveTable[],
  indicators: Indicator[],
  frequentTables: FrequentTable[],
): IntegralColumn[] {
  const columns: IntegralColumn[] = [];
  if (withRisl)
    for (const part of RISL_SCORED_PARTS)
      columns.push({
        key: `risl.${part.key}`,
        label: part.label,
        group: "risl",
        section: "target",
        bandRule: rislBandRule(rislGroup(part.key), part.higherIsBetter, rislWhose),
      });
  const waveColumn = (t: WaveTable): IntegralColumn => ({
    key: `${t.instrument}.${t.subscale}`,
    label: t.label,
    group: "wave",
    section: "treatment",
    instrument: t.instrument,
    subscale: t.subscale,
    bandRule: t.bandRule,
  });
  const freqColumn = (ft: FrequentTable, section: IntegralSection): IntegralColumn => ({
    key: ft.indicator,
    label: ft.label,
    group: "frequent",
    section,
    bandRule: ft.bandRule,
  });
  // Yes/no pilot items are counts, not scores: the report leaves them out of table 3.3 (they are in the appendix).
  const scored = frequentTables.filter((ft) => ft.aggregate === "mean" && !ft.indicator.startsWith("series:"));
  const sectionOf = (ft: FrequentTable) => frequentSection(indicators.find((i) => i.key === ft.indicator)!.instrument);
  for (const t of totals.filter((x) => x.instrument === "gcir")) columns.push(waveColumn(t));
  for (const ft of scored.filter((x) => sectionOf(x) === "treatment")) columns.push(freqColumn(ft, "treatment"));
  for (const t of totals.filter((x) => x.instrument !== "gcir")) columns.push(waveColumn(t));
  for (const ft of scored.filter((x) => sectionOf(x) === "pilot")) columns.push(freqColumn(ft, "pilot"));
  for (const ft of scored.filter((x) => sectionOf(x) === "outcomes")) columns.push(freqColumn(ft, "outcomes"));
  return columns;
}

/** A wave total in the integral table: the last completed wave, unless that is T1 (the cell stays empty then). */
function waveTotalCell(row: WaveRow): Cell {
  const last = (["T3", "T2", "T1"] as const).find((w) => row.scores[w].value !== null) ?? null;
  const use = last && last !== "T1" ? last : null;
  const change = use === "T3" ? row.changes.T3vsT1 : use === "T2" ? row.changes.T2vsT1 : null;
  // Empty because a due wave went unanswered (nr), or because no later wave is due yet (no mark).
  const missed = WAVES.some((w) => row.scores[w].nonResponse);
  return use
    ? {
        value: row.scores[use].value,
        band: row.scores[use].band,
        flag: change === "improved" ? "++" : change === "deteriorated" ? "--" : null,
        wave: use,
      }
    : { value: null, band: null, flag: null, wave: null, ...(missed ? { mark: "nr" as const } : {}) };
}

// --- Response and background ---------------------------------------------------------------------

function buildResponse(ix: SummaryIndex): Summary["response"] {
  const perWave = WAVES.map((w) => {
    const occ = ix.input.occasions.filter((o) => o.kind === "wave" && o.wave === w);
    return {
      wave: w,
      invited: occ.reduce((a, o) => a + (o.due > 0 ? 1 : 0), 0),
      completed: occ.reduce((a, o) => a + (o.completed > 0 ? 1 : 0), 0),
      erased: occ.reduce((a, o) => a + ((o.erased ?? 0) > 0 && o.completed === 0 ? 1 : 0), 0),
    };
  });
  const perYouth = ix.people.map((p) => {
    const occ = ix.occasionsOf(p.id);
    const freq = occ.filter((o) => o.kind === "frequent");
    const waves = Object.fromEntries(
      WAVES.map((w) => {
        const o = occ.find((x) => x.kind === "wave" && x.wave === w);
        return [
          w,
          !o || o.due === 0 ? null : o.completed > 0 ? "completed" : (o.erased ?? 0) > 0 ? "erased" : "missed",
        ];
      }),
    ) as Record<Wave, "completed" | "missed" | "erased" | null>;
    return {
      code: p.code,
      status: p.status,
      scheduled: freq.reduce((a, o) => a + o.due, 0),
      completed: freq.reduce((a, o) => a + o.completed, 0),
      erased: freq.reduce((a, o) => a + (o.erased ?? 0), 0),
      waves,
    };
  });
  return { perWave, perYouth, medianCompletionMinutes: median(ix.input.completionMinutes) };
}

/** The background forms of the pilot's youths, with the months derived from their dates. */
function backgroundFormsOf(ix: SummaryIndex) {
  const byId = new Map(ix.people.map((p) => [p.id, p]));
  return ix.input.staffForms
    .filter((f) => f.form === "background" && byId.has(f.participantId))
    .map((f) => ({ data: withDerivedMonths(f.data, byId.get(f.participantId)!, ix.input.today) }));
}
