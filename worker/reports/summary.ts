// The per-pilot summary (DESIGN.md §3; report tables 3.1 and 3.3, Bijlage 1) as a plain data model.
// Pure: it takes what worker/reports/queries.ts read from D1 (stored indicator results, wave scores,
// response counts, staff forms) and derives only cheap, group-dependent things — wave bands, RCI flags,
// group means. Every renderer (CSV, HTML report, coordinator pages) reads this one model.
import type { z } from "zod/v4";
import { frequentIndicators } from "../../schema/instruments/definitions";
import type { ParticipantStatus } from "../../schema/tables";
import { bandFixed, bandNormSd, bandOwnGroupPercentiles, bandOwnGroupSd, bandPercentiles, sampleSd, type Band } from "../analysis/bands";
import { median, reliableChange } from "../analysis/stats";
import { parseWaveIndicatorKey, waveScales, type WaveDefinition, type WaveNorm } from "../analysis/waves";
import type { backgroundTableSchema, bandMethod, cell, change, flag, integralColumn, storedIndicator, summarySchema, waveRow } from "./responses";

export const WAVES = ["T1", "T2", "T3"] as const;
export type Wave = (typeof WAVES)[number];
export type Flag = z.infer<typeof flag>;
export type Change = z.infer<typeof change>;

/** One stored indicator_results row, as the summary reads it. */
export type StoredIndicator = z.infer<typeof storedIndicator>;

export type SummaryInput = {
  pilot: { key: string; name: string; organisation: string };
  /** wave instruments configured for the pilot (others found in the data are added) */
  waveInstruments: string[];
  participants: { id: number; code: string; status: ParticipantStatus }[];
  indicators: StoredIndicator[];
  /** current definition per wave instrument key (structure, direction, norms) */
  waveDefinitions: Record<string, WaveDefinition>;
  /**
   * occasions up to now: per participant and kind/wave, how many were due, how many completed and how many
   * had their answers erased on request (counted apart: neither completed nor non-response)
   */
  occasions: { participantId: number; kind: "frequent" | "wave"; wave: string | null; due: number; completed: number; erased?: number }[];
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

function waveBand(method: BandMethod, score: number | null, norm: WaveNorm | undefined, higherIsBetter: boolean, groupT1: (number | null)[]): Band | null {
  if (score === null) return null;
  if (method === "normSd") return norm ? bandNormSd(score, { mean: norm.mean, sd: norm.sd, higherIsBetter }) : null;
  if (method === "normPercentiles") return norm?.p25 !== undefined && norm.p75 !== undefined ? bandPercentiles(score, { p25: norm.p25, p75: norm.p75, higherIsBetter }) : null;
  return bandOwnGroupSd(score, groupT1, higherIsBetter);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function flagOf(trend: "up" | "down" | null, higherIsBetter: boolean): Flag {
  if (trend === null) return null;
  return (trend === "up") === higherIsBetter ? "++" : "--";
}

/** RIS-L sums: a number, or an object of items answered "yes" / true (DESIGN.md §2.3). */
export function rislSum(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v && typeof v === "object") return Object.values(v as Record<string, unknown>).filter((x) => x === "yes" || x === true).length;
  return null;
}

export const RISL_PARTS = [
  { key: "signals", label: { nl: "RIS-L signalen (1C)", en: "RIS-L signals (1C)" }, higherIsBetter: false },
  { key: "risks", label: { nl: "RIS-L risico's (1D)", en: "RIS-L risks (1D)" }, higherIsBetter: false },
  { key: "protective", label: { nl: "RIS-L beschermend (1D)", en: "RIS-L protective (1D)" }, higherIsBetter: true },
] as const;

/** Keys that could identify a youth are never summarised, whatever a staff form holds. */
const IDENTIFYING = /name|naam|birth|dob|geboorte|mail|phone|telefoon|adres|address|postcode|bsn|comment|toelichting|opmerking/i;
const DATE = /^\d{4}-\d{2}-\d{2}/;

export function backgroundTable(forms: { data: Record<string, unknown> }[]): BackgroundTable | null {
  if (!forms.length) return null;
  const numeric = new Map<string, number[]>();
  const categorical = new Map<string, Map<string, number>>();
  for (const { data } of forms) {
    for (const [field, v] of Object.entries(data)) {
      if (IDENTIFYING.test(field)) continue;
      if (typeof v === "number" && Number.isFinite(v)) (numeric.get(field) ?? numeric.set(field, []).get(field)!).push(v);
      else if (typeof v === "string" || typeof v === "boolean" || Array.isArray(v)) {
        const values = (Array.isArray(v) ? v : [v]).filter((x) => typeof x === "string" || typeof x === "boolean").map(String);
        // Dates (care start, pilot start) and long free text are not categories; they would single a youth out.
        const counts = categorical.get(field) ?? categorical.set(field, new Map()).get(field)!;
        for (const x of values) if (!DATE.test(x) && x.length <= 60) counts.set(x, (counts.get(x) ?? 0) + 1);
      }
    }
  }
  return {
    n: forms.length,
    numeric: [...numeric].map(([field, xs]) => ({ field, n: xs.length, mean: mean(xs)!, sd: sampleSd(xs), min: Math.min(...xs), max: Math.max(...xs) })),
    categorical: [...categorical].filter(([, c]) => c.size > 0).map(([field, c]) => ({ field, counts: [...c].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([value, count]) => ({ value, count })) })),
  };
}

export function buildSummary(input: SummaryInput): Summary {
  const warnings: string[] = [];
  const people = [...input.participants].sort((a, b) => a.code.localeCompare(b.code));
  const byPersonId = new Set(people.map((p) => p.id));
  const byPerson = new Map<number, Map<string, StoredIndicator>>();
  const waveInstruments = [...input.waveInstruments];
  for (const r of input.indicators) {
    (byPerson.get(r.participantId) ?? byPerson.set(r.participantId, new Map()).get(r.participantId)!).set(r.indicator, r);
    const w = parseWaveIndicatorKey(r.indicator);
    if (w && !waveInstruments.includes(w.instrument)) waveInstruments.push(w.instrument);
  }
  const stored = (pid: number, key: string) => byPerson.get(pid)?.get(key);
  const occByPerson = new Map<number, SummaryInput["occasions"]>();
  for (const o of input.occasions) (occByPerson.get(o.participantId) ?? occByPerson.set(o.participantId, []).get(o.participantId)!).push(o);
  /** A wave counts as non-response once it was due; before that it is simply not there yet. */
  const waveDue = (pid: number, w: Wave) => (occByPerson.get(pid) ?? []).some((o) => o.kind === "wave" && o.wave === w && o.due > 0);
  /** A wave whose answers were erased on request (and not answered again): erased, not non-response. */
  const waveErased = (pid: number, w: Wave) => {
    const occ = (occByPerson.get(pid) ?? []).filter((o) => o.kind === "wave" && o.wave === w);
    return occ.some((o) => (o.erased ?? 0) > 0) && !occ.some((o) => o.completed > 0);
  };
  const waveScore = (pid: number, wave: Wave, inst: string, sub: string) => stored(pid, `wave:${wave}:${inst}.${sub}`)?.mean ?? null;

  // --- Bijlage 1: wave tables with RCI flags -----------------------------------------------------
  const waveTables: Summary["waveTables"] = [];
  for (const inst of waveInstruments) {
    const def = input.waveDefinitions[inst];
    if (!def) {
      warnings.push(`No definition for wave instrument ${inst}`);
      continue;
    }
    for (const scale of waveScales(def)) {
      const norm = scale.norm;
      const method = bandMethodOf(inst, norm);
      const groupT1 = people.map((p) => waveScore(p.id, "T1", inst, scale.key));
      const rci = (a: number | null, b: number | null): { change: Change; rci: number | null } => {
        if (a === null || b === null || !norm) return { change: null, rci: null };
        try {
          const r = reliableChange(a, b, { sd: norm.sd, reliability: norm.reliability, higherIsBetter: scale.higherIsBetter });
          return { change: r.change, rci: r.rci };
        } catch (e) {
          const msg = `${inst}.${scale.key}: ${(e as Error).message}`;
          if (!warnings.includes(msg)) warnings.push(msg);
          return { change: null, rci: null };
        }
      };
      const rows: WaveRow[] = people.map((p) => {
        const s = Object.fromEntries(WAVES.map((w) => [w, waveScore(p.id, w, inst, scale.key)])) as Record<Wave, number | null>;
        const scores = Object.fromEntries(
          WAVES.map((w) => [w, { value: s[w], band: waveBand(method, s[w], norm, scale.higherIsBetter, groupT1), flag: null, n: stored(p.id, `wave:${w}:${inst}.${scale.key}`)?.n, nonResponse: s[w] === null && waveDue(p.id, w) && !waveErased(p.id, w), erased: s[w] === null && waveErased(p.id, w) }]),
        ) as WaveRow["scores"];
        // "Previous wave" for T3 is T2 when answered, else T1 (non-response is skipped, never read as 0).
        const t2 = rci(s.T1, s.T2);
        const t3prev = rci(s.T2 ?? s.T1, s.T3);
        const t3 = rci(s.T1, s.T3);
        return { code: p.code, scores, changes: { T2vsT1: t2.change, T3vsT2: t3prev.change, T3vsT1: t3.change, rci: { T2vsT1: t2.rci, T3vsT2: t3prev.rci, T3vsT1: t3.rci } } };
      });
      const name = INSTRUMENT_NAMES[inst] ?? inst.toUpperCase();
      waveTables.push({ instrument: inst, subscale: scale.key, label: { nl: `${name} ${scale.label.nl}`, en: `${name} ${scale.label.en}` }, higherIsBetter: scale.higherIsBetter, bandMethod: method, norm: norm ?? null, rows });
    }
  }

  // --- Bijlage 1: frequent indicators and pilot items ---------------------------------------------
  const indicators = frequentIndicators(input.pilot.key);
  const frequentTables: Summary["frequentTables"] = indicators.map((ind) => ({
    indicator: ind.key,
    label: ind.label,
    aggregate: ind.aggregate,
    rows: people.map((p) => {
      // codes only: the internal participant id stays out of the summary and its downloads
      const { participantId: _internal, ...r } = stored(p.id, ind.key) ?? { participantId: p.id, indicator: ind.key, n: 0, mean: null, min: null, max: null, slopePerMeasurement: null, slopePerDay: null, kendallS: null, p: null, trend: null, band: null };
      return { ...r, code: p.code, flag: flagOf(r.trend, ind.higherIsBetter) };
    }),
  }));

  // --- Table 3.3: the integral table --------------------------------------------------------------
  const rislOf = new Map(input.staffForms.filter((f) => f.form === "risl").map((f) => [f.participantId, f.data]));
  const columns: IntegralColumn[] = [];
  if (rislOf.size) for (const part of RISL_PARTS) columns.push({ key: `risl.${part.key}`, label: part.label, group: "risl" });
  for (const t of waveTables) columns.push({ key: `${t.instrument}.${t.subscale}`, label: t.label, group: "wave", instrument: t.instrument, subscale: t.subscale });
  for (const ind of indicators) columns.push({ key: ind.key, label: ind.label, group: "frequent" });

  const rislScores = Object.fromEntries(RISL_PARTS.map((part) => [part.key, people.map((p) => rislSum(rislOf.get(p.id)?.[part.key]))]));
  const rows = people.map((p, i) => {
    const cells: Record<string, Cell> = {};
    if (rislOf.size) {
      for (const part of RISL_PARTS) {
        const v = rislScores[part.key]![i]!;
        cells[`risl.${part.key}`] = { value: v, band: bandOwnGroupPercentiles(v, rislScores[part.key]!, part.higherIsBetter), flag: null };
      }
    }
    for (const t of waveTables) {
      const row = t.rows[i]!;
      // The last completed wave, unless that is T1 (the report leaves the cell empty then).
      const last = (["T3", "T2", "T1"] as const).find((w) => row.scores[w].value !== null) ?? null;
      const use = last && last !== "T1" ? last : null;
      const change = use === "T3" ? row.changes.T3vsT1 : use === "T2" ? row.changes.T2vsT1 : null;
      cells[`${t.instrument}.${t.subscale}`] = use
        ? { value: row.scores[use].value, band: row.scores[use].band, flag: change === "improved" ? "++" : change === "deteriorated" ? "--" : null, wave: use }
        : { value: null, band: null, flag: null, wave: null };
    }
    for (const ft of frequentTables) {
      const r = ft.rows[i]!;
      cells[ft.indicator] = { value: r.mean, band: r.band, flag: r.flag, n: r.n };
    }
    return { code: p.code, cells };
  });
  const groupMean: Record<string, Cell> = {};
  for (const col of columns) {
    const values = rows.map((r) => r.cells[col.key]?.value).filter((v): v is number => typeof v === "number");
    const m = mean(values);
    let band: Band | null = null;
    if (col.group === "frequent") band = indicators.find((x) => x.key === col.key)?.aggregate === "mean" ? bandFixed(m) : null;
    else if (col.group === "wave") {
      const t = waveTables.find((x) => `${x.instrument}.${x.subscale}` === col.key)!;
      band = waveBand(t.bandMethod, m, t.norm ?? undefined, t.higherIsBetter, t.rows.map((r) => r.scores.T1.value));
    } else {
      const part = RISL_PARTS.find((x) => `risl.${x.key}` === col.key)!;
      band = bandOwnGroupPercentiles(m, rislScores[part.key]!, part.higherIsBetter);
    }
    groupMean[col.key] = { value: m, band, flag: null, n: values.length };
  }

  // --- Response -----------------------------------------------------------------------------------
  const perWave = WAVES.map((w) => {
    const occ = input.occasions.filter((o) => o.kind === "wave" && o.wave === w);
    return {
      wave: w,
      invited: occ.reduce((a, o) => a + (o.due > 0 ? 1 : 0), 0),
      completed: occ.reduce((a, o) => a + (o.completed > 0 ? 1 : 0), 0),
      erased: occ.reduce((a, o) => a + ((o.erased ?? 0) > 0 && o.completed === 0 ? 1 : 0), 0),
    };
  });
  const perYouth = people.map((p) => {
    const occ = occByPerson.get(p.id) ?? [];
    const freq = occ.filter((o) => o.kind === "frequent");
    const waves = Object.fromEntries(
      WAVES.map((w) => {
        const o = occ.find((x) => x.kind === "wave" && x.wave === w);
        return [w, !o || o.due === 0 ? null : o.completed > 0 ? "completed" : (o.erased ?? 0) > 0 ? "erased" : "missed"];
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

  return {
    pilot: input.pilot,
    participantCount: people.length,
    integral: { columns, rows, groupMean },
    waveTables,
    frequentTables,
    response: { perWave, perYouth, medianCompletionMinutes: median(input.completionMinutes) },
    background: backgroundTable(input.staffForms.filter((f) => f.form === "background" && byPersonId.has(f.participantId))),
    warnings,
  };
}

