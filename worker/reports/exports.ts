// CSV downloads built from the summary model (pure; see worker/reports/README.md for the formats).
import type { Text } from "../../schema/instruments/definitions";
import { toCsv } from "../lib/csv";
import { WAVES, type Summary } from "./summary";

/** SPSS/R-safe variable name: letters, digits and underscores, starting with a letter. */
export const varName = (s: string) => s.replace(/[^A-Za-z0-9]+/g, "_").replace(/^([^A-Za-z])/, "v_$1").replace(/_+$/, "");

// "++" and "--" start like formulas and would be neutralised with an apostrophe; words read better in SPSS/R.
const flagWord = (f: "++" | "--" | null) => (f === "++" ? "desired" : f === "--" ? "undesired" : null);

type Variable = { name: string; label: Text; type: "string" | "numeric"; values?: string; get: (i: number) => string | number | null };

const BAND_VALUES = "high = hoog/groen, middle = gemiddeld/geel, low = laag/roze, empty = no band";
const FLAG_VALUES = "desired = significant change in the desired direction (++ in the report), undesired = in the other direction (--), empty = none";
const CHANGE_VALUES = "improved, deteriorated (|RCI| > 1.96), empty = no reliable change or a wave missing";

function variables(s: Summary): Variable[] {
  const vars: Variable[] = [
    { name: "participant_code", label: { nl: "Pseudonieme code", en: "Pseudonymous code" }, type: "string", get: (i) => s.response.perYouth[i]!.code },
    { name: "status", label: { nl: "Status", en: "Status" }, type: "string", values: "active, paused, left_care, withdrawn, completed", get: (i) => s.response.perYouth[i]!.status },
    { name: "freq_scheduled", label: { nl: "Frequente metingen gepland", en: "Frequent measurements scheduled" }, type: "numeric", get: (i) => s.response.perYouth[i]!.scheduled },
    { name: "freq_completed", label: { nl: "Frequente metingen ingevuld", en: "Frequent measurements completed" }, type: "numeric", get: (i) => s.response.perYouth[i]!.completed },
    // Part of freq_scheduled, neither completed nor non-response: her answers were erased on request.
    { name: "freq_erased", label: { nl: "Frequente metingen gewist op verzoek", en: "Frequent measurements erased on request" }, type: "numeric", get: (i) => s.response.perYouth[i]!.erased },
  ];
  for (const w of WAVES) {
    vars.push({ name: `response_${w}`, label: { nl: `Respons ${w}`, en: `Response ${w}` }, type: "string", values: "completed, missed (non-response), erased (answered, answers erased on request; not non-response), empty = not yet due", get: (i) => s.response.perYouth[i]!.waves[w] });
  }
  for (const col of s.integral.columns.filter((c) => c.group === "risl")) {
    vars.push({ name: varName(col.key), label: col.label, type: "numeric", get: (i) => s.integral.rows[i]!.cells[col.key]?.value ?? null });
    vars.push({ name: `${varName(col.key)}_band`, label: { nl: `${col.label.nl}: kleurband`, en: `${col.label.en}: colour band` }, type: "string", values: BAND_VALUES, get: (i) => s.integral.rows[i]!.cells[col.key]?.band ?? null });
  }
  for (const t of s.waveTables) {
    const base = varName(`${t.instrument}_${t.subscale}`);
    for (const w of WAVES) {
      vars.push({ name: `${base}_${w}`, label: { nl: `${t.label.nl} ${w}`, en: `${t.label.en} ${w}` }, type: "numeric", get: (i) => t.rows[i]!.scores[w].value });
      vars.push({ name: `${base}_${w}_band`, label: { nl: `${t.label.nl} ${w}: kleurband`, en: `${t.label.en} ${w}: colour band` }, type: "string", values: BAND_VALUES, get: (i) => t.rows[i]!.scores[w].band });
    }
    for (const k of ["T2vsT1", "T3vsT2", "T3vsT1"] as const) {
      vars.push({ name: `${base}_rci_${k}`, label: { nl: `${t.label.nl}: RCI ${k}`, en: `${t.label.en}: RCI ${k}` }, type: "numeric", get: (i) => t.rows[i]!.changes.rci[k] });
      vars.push({ name: `${base}_change_${k}`, label: { nl: `${t.label.nl}: betrouwbare verandering ${k}`, en: `${t.label.en}: reliable change ${k}` }, type: "string", values: CHANGE_VALUES, get: (i) => t.rows[i]!.changes[k] });
    }
  }
  for (const t of s.frequentTables) {
    const base = varName(t.indicator);
    const row = (i: number) => t.rows[i]!;
    const stat = (suffix: string, nl: string, en: string, get: Variable["get"], type: Variable["type"] = "numeric", values?: string) =>
      vars.push({ name: `${base}_${suffix}`, label: { nl: `${t.label.nl}: ${nl}`, en: `${t.label.en}: ${en}` }, type, values, get });
    stat("n", "aantal metingen", "number of measurements", (i) => row(i).n);
    stat("mean", t.aggregate === "count_yes" ? "aandeel ja" : "gemiddelde", t.aggregate === "count_yes" ? "share of yes" : "mean", (i) => row(i).mean);
    stat("min", "minimum", "minimum", (i) => row(i).min);
    stat("max", "maximum", "maximum", (i) => row(i).max);
    if (t.aggregate === "mean") {
      stat("slope_m", "Theil-Sen helling per meting", "Theil-Sen slope per measurement", (i) => row(i).slopePerMeasurement);
      stat("slope_d", "Theil-Sen helling per dag", "Theil-Sen slope per day", (i) => row(i).slopePerDay);
      stat("mk_s", "Mann-Kendall S", "Mann-Kendall S", (i) => row(i).kendallS);
      stat("mk_p", "Mann-Kendall p (tweezijdig)", "Mann-Kendall p (two-sided)", (i) => row(i).p);
      stat("flag", "significante verandering", "significant change", (i) => flagWord(row(i).flag), "string", FLAG_VALUES);
      stat("band", "kleurband", "colour band", (i) => row(i).band, "string", BAND_VALUES);
    }
  }
  return vars;
}

/** One row per youth, for SPSS and R. */
export function wideCsv(s: Summary): string {
  const vars = variables(s);
  return toCsv(
    vars.map((v) => v.name),
    s.response.perYouth.map((_, i) => vars.map((v) => v.get(i))),
  );
}

/** The codebook of the wide CSV: one row per variable. */
export function codebookCsv(s: Summary): string {
  return toCsv(
    ["variable", "label_nl", "label_en", "type", "values", "missing", "decimal_separator"],
    variables(s).map((v) => [v.name, v.label.nl, v.label.en, v.type, v.values ?? "", "empty cell = missing (not answered / not defined); never 0", v.type === "numeric" ? "." : ""]),
  );
}

export const ANSWER_COLUMNS = ["participant_code", "occasion_kind", "wave", "occasion_seq", "due_date", "instrument", "instrument_version", "item", "value", "not_applicable", "mode", "answered_at_utc"] as const;

export type AnswerTuple = [string, string, string | null, number, string, string, number, string, number | null, number, string, number, string | null];

/** Long format: one row per stored answer; comments only when asked for. */
export function answersCsv(rows: AnswerTuple[], withComments: boolean): string {
  const header: string[] = [...ANSWER_COLUMNS, ...(withComments ? ["comment"] : [])];
  return toCsv(
    header,
    rows.map((r) => {
      const out: (string | number | null)[] = [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] ? 1 : 0, r[10], new Date(r[11]).toISOString()];
      if (withComments) out.push(r[12]);
      return out;
    }),
  );
}
