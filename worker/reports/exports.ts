// CSV downloads built from the summary model (pure; see worker/reports/README.md for the formats).
import type { InstrumentDefinition, Text } from "../../schema/instruments/definitions";
import { toCsv } from "../lib/csv";
import { xlsx, type XlsxCell, type XlsxSheet } from "./xlsx";
import { WAVES } from "../../core/waves";
import type { Summary } from "./summary";

/** SPSS/R-safe variable name: letters, digits and underscores, starting with a letter. */
export const varName = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^([^A-Za-z])/, "v_$1")
    .replace(/_+$/, "");

// "++" and "--" start like formulas and would be neutralised with an apostrophe; words read better in SPSS/R.
const flagWord = (f: "++" | "--" | null) => (f === "++" ? "desired" : f === "--" ? "undesired" : null);

/**
 * How the words of a coded column of wide.csv become numeric codes with value labels in SPSS, R and the
 * Excel download's codebook. The CSV keeps the words (readable and stable for scripts).
 */
export type Coding = {
  codes: { value: string; code: number; label: Text }[];
  /** the code of an empty cell; `missing`: declared as a missing value. null: system-missing */
  empty: { code: number; label: Text; missing: boolean } | null;
  /** a declared missing code given whenever the numeric variable `when` is empty (no test, a wave missing) */
  notComputed?: { code: number; label: Text; when: string };
};

/** One column of wide.csv: the one definition the CSV, its codebook, SPSS/R syntax and the Excel download use. */
export type Variable = {
  name: string;
  label: Text;
  type: "string" | "numeric";
  values?: string;
  /** decimals shown in human-facing downloads (Excel) and SPSS display formats; the CSV keeps full precision */
  decimals?: number;
  coding?: Coding;
  /** a pilot item whose wording changed between instrument versions: each version's wording, side by side */
  wording?: string;
  get: (i: number) => string | number | null;
};

/** Missing-value code of every coded column (SPSS MISSING VALUES; NA in R). */
export const MISSING_CODE = 9;

const BAND_VALUES = "high = hoog/groen, middle = gemiddeld/geel, low = laag/roze, empty = no band";
const FLAG_VALUES =
  "desired = significant change in the desired direction (++ in the " +
  "report), undesired = in the other direction (--), empty = none";
const CHANGE_VALUES = "improved, deteriorated (|RCI| > 1.96), empty = no reliable change or a wave missing";

const BAND_CODING: Coding = {
  codes: [
    { value: "low", code: 1, label: { nl: "laag (roze)", en: "low (pink)" } },
    { value: "middle", code: 2, label: { nl: "gemiddeld (geel)", en: "middle (yellow)" } },
    { value: "high", code: 3, label: { nl: "hoog (groen)", en: "high (green)" } },
  ],
  empty: {
    code: MISSING_CODE,
    label: { nl: "geen band (geen score of norm)", en: "no band (no score or norm)" },
    missing: true,
  },
};
/**
 * The two change codings (flag: a significant trend; change: a reliable change between waves), one row per
 * code: 1 and 2 for the two directions (with their word in wide.csv), 0 for none, and MISSING_CODE while the
 * column `when` (the test's p or RCI) is empty. Columns: coding, code, word, Dutch label, English label.
 */
const CHANGE_CODES: ["flag" | "change", number, string, string, string][] = [
  ["flag", 1, "desired", "gewenste richting (++)", "desired direction (++)"],
  ["flag", 2, "undesired", "ongewenste richting (--)", "undesired direction (--)"],
  ["flag", 0, "", "geen significante verandering", "no significant change"],
  ["flag", MISSING_CODE, "", "geen toets (minder dan 5 metingen)", "no test (fewer than 5 measurements)"],
  ["change", 1, "improved", "verbeterd", "improved"],
  ["change", 2, "deteriorated", "verslechterd", "deteriorated"],
  ["change", 0, "", "geen betrouwbare verandering", "no reliable change"],
  ["change", MISSING_CODE, "", "niet te berekenen (meting ontbreekt)", "not computable (a wave missing)"],
];
function changeKindCoding(kind: "flag" | "change", when: string): Coding {
  const rows = CHANGE_CODES.filter((r) => r[0] === kind);
  const label = (code: number): Text => {
    const r = rows.find((x) => x[1] === code)!;
    return { nl: r[3], en: r[4] };
  };
  return {
    codes: [1, 2].map((code) => ({ value: rows.find((x) => x[1] === code)![2], code, label: label(code) })),
    empty: { code: 0, label: label(0), missing: false },
    notComputed: { code: MISSING_CODE, label: label(MISSING_CODE), when },
  };
}
const flagCoding = (pValue: string) => changeKindCoding("flag", pValue);
const changeCoding = (rci: string) => changeKindCoding("change", rci);
const STATUS_CODING: Coding = {
  codes: [
    { value: "active", code: 1, label: { nl: "actief", en: "active" } },
    { value: "paused", code: 2, label: { nl: "gepauzeerd", en: "paused" } },
    { value: "left_care", code: 3, label: { nl: "uit zorg", en: "left care" } },
    { value: "withdrawn", code: 4, label: { nl: "teruggetrokken", en: "withdrawn" } },
    { value: "completed", code: 5, label: { nl: "afgerond", en: "completed" } },
  ],
  empty: null,
};
const RESPONSE_CODING: Coding = {
  codes: [
    { value: "completed", code: 1, label: { nl: "ingevuld", en: "completed" } },
    { value: "missed", code: 2, label: { nl: "non-respons", en: "non-response" } },
    { value: "erased", code: 3, label: { nl: "gewist op verzoek", en: "erased on request" } },
  ],
  empty: { code: MISSING_CODE, label: { nl: "nog niet aan de beurt", en: "not yet due" }, missing: true },
};

/** Decimals of the human-facing downloads (worker/reports/README.md "Precision"). */
/** As the HTML report prints them (web/pages/reports/SummaryView.tsx): a slope per day is small, so four. */
export const DECIMALS = { count: 0, score: 2, slope: 3, slopeDay: 4, p: 3, rci: 2 } as const;

/** The columns of wide.csv, in order: the one source for the CSV, codebook, SPSS, R and Excel downloads. */
export function wideVariables(s: Summary): Variable[] {
  return variables(s);
}

/** A numeric column of counts (whole numbers in the human-facing downloads). */
const countVariable = (name: string, label: Text, get: Variable["get"]): Variable => ({
  name,
  label,
  type: "numeric",
  decimals: DECIMALS.count,
  get,
});

function variables(s: Summary): Variable[] {
  const vars: Variable[] = [
    {
      name: "participant_code",
      label: { nl: "Pseudonieme code", en: "Pseudonymous code" },
      type: "string",
      get: (i) => s.response.perYouth[i]!.code,
    },
    {
      name: "status",
      label: { nl: "Status", en: "Status" },
      type: "string",
      values: "active, paused, left_care, withdrawn, completed",
      coding: STATUS_CODING,
      get: (i) => s.response.perYouth[i]!.status,
    },
    countVariable(
      "freq_scheduled",
      { nl: "Frequente metingen gepland", en: "Frequent measurements scheduled" },
      (i) => s.response.perYouth[i]!.scheduled,
    ),
    countVariable(
      "freq_completed",
      { nl: "Frequente metingen ingevuld", en: "Frequent measurements completed" },
      (i) => s.response.perYouth[i]!.completed,
    ),
    // Part of freq_scheduled, neither completed nor non-response: her answers were erased on request.
    countVariable(
      "freq_erased",
      { nl: "Frequente metingen gewist op verzoek", en: "Frequent measurements erased on request" },
      (i) => s.response.perYouth[i]!.erased,
    ),
  ];
  for (const w of WAVES) {
    vars.push({
      name: `response_${w}`,
      label: { nl: `Respons ${w}`, en: `Response ${w}` },
      type: "string",
      values:
        "completed, missed (non-response), erased (answered, answers " +
        "erased on request; not non-response), empty = not yet due",
      coding: RESPONSE_CODING,
      get: (i) => s.response.perYouth[i]!.waves[w],
    });
  }
  for (const col of s.integral.columns.filter((c) => c.group === "risl")) {
    vars.push(countVariable(varName(col.key), col.label, (i) => s.integral.rows[i]!.cells[col.key]?.value ?? null));
    vars.push({
      name: `${varName(col.key)}_band`,
      label: { nl: `${col.label.nl}: kleurband`, en: `${col.label.en}: colour band` },
      type: "string",
      values: BAND_VALUES,
      coding: BAND_CODING,
      get: (i) => s.integral.rows[i]!.cells[col.key]?.band ?? null,
    });
  }
  for (const t of s.waveTables) {
    const base = varName(`${t.instrument}_${t.subscale}`);
    for (const w of WAVES) {
      vars.push({
        name: `${base}_${w}`,
        label: { nl: `${t.label.nl} ${w}`, en: `${t.label.en} ${w}` },
        type: "numeric",
        decimals: DECIMALS.score,
        get: (i) => t.rows[i]!.scores[w].value,
      });
      vars.push({
        name: `${base}_${w}_band`,
        label: { nl: `${t.label.nl} ${w}: kleurband`, en: `${t.label.en} ${w}: colour band` },
        type: "string",
        values: BAND_VALUES,
        coding: BAND_CODING,
        get: (i) => t.rows[i]!.scores[w].band,
      });
    }
    for (const k of ["T2vsT1", "T3vsT2", "T3vsT1"] as const) {
      vars.push({
        name: `${base}_rci_${k}`,
        label: { nl: `${t.label.nl}: RCI ${k}`, en: `${t.label.en}: RCI ${k}` },
        type: "numeric",
        decimals: DECIMALS.rci,
        get: (i) => t.rows[i]!.changes.rci[k],
      });
      vars.push({
        name: `${base}_change_${k}`,
        label: { nl: `${t.label.nl}: betrouwbare verandering ${k}`, en: `${t.label.en}: reliable change ${k}` },
        type: "string",
        values: CHANGE_VALUES,
        coding: changeCoding(`${base}_rci_${k}`),
        get: (i) => t.rows[i]!.changes[k],
      });
    }
  }
  for (const t of s.frequentTables) {
    const base = varName(t.indicator);
    const row = (i: number) => t.rows[i]!;
    const wording = t.versions ? { wording: versionsText(t.indicator, t.versions) } : {};
    const stat = (suffix: string, nl: string, en: string, get: Variable["get"], more: Partial<Variable> = {}) =>
      vars.push({
        name: `${base}_${suffix}`,
        label: { nl: `${t.label.nl}: ${nl}`, en: `${t.label.en}: ${en}` },
        type: "numeric",
        get,
        ...wording,
        ...more,
      });
    stat("n", "aantal metingen", "number of measurements", (i) => row(i).n, { decimals: DECIMALS.count });
    stat(
      "mean",
      t.aggregate === "count_yes" ? "aandeel ja" : "gemiddelde",
      t.aggregate === "count_yes" ? "share of yes" : "mean",
      (i) => row(i).mean,
      { decimals: DECIMALS.score },
    );
    stat("min", "minimum", "minimum", (i) => row(i).min, { decimals: DECIMALS.score });
    stat("max", "maximum", "maximum", (i) => row(i).max, { decimals: DECIMALS.score });
    if (t.aggregate === "mean") {
      stat(
        "slope_m",
        "Theil-Sen helling per meting",
        "Theil-Sen slope per measurement",
        (i) => row(i).slopePerMeasurement,
        { decimals: DECIMALS.slope },
      );
      stat("slope_d", "Theil-Sen helling per dag", "Theil-Sen slope per day", (i) => row(i).slopePerDay, {
        decimals: DECIMALS.slopeDay,
      });
      stat("mk_s", "Mann-Kendall S", "Mann-Kendall S", (i) => row(i).kendallS, { decimals: DECIMALS.count });
      stat("mk_p", "Mann-Kendall p (tweezijdig)", "Mann-Kendall p (two-sided)", (i) => row(i).p, {
        decimals: DECIMALS.p,
      });
      const flag = { type: "string", values: FLAG_VALUES, coding: flagCoding(`${base}_mk_p`) } as const;
      stat("flag", "significante verandering", "significant change", (i) => flagWord(row(i).flag), flag);
      // a wave instrument's series (series:…) has no colour band
      if (!t.indicator.startsWith("series:"))
        stat("band", "kleurband", "colour band", (i) => row(i).band, {
          type: "string",
          values: BAND_VALUES,
          coding: BAND_CODING,
        });
    }
  }
  return vars;
}

/**
 * "pilot_fier v1: <nl> / <en> | v2: …": the wording of an item per instrument version that asked it (the indicator
 * `instrument.item`, or an instrument that is its own indicator).
 */
function versionsText(indicator: string, versions: { version: number; text: Text }[]): string {
  const instrument = indicator.split(".")[0]!;
  return versions.map((v) => `${instrument} v${v.version}: ${v.text.nl} / ${v.text.en}`).join(" | ");
}

/** One row per youth, for SPSS and R. */
export function wideCsv(s: Summary): string {
  const vars = variables(s);
  return toCsv(
    vars.map((v) => v.name),
    s.response.perYouth.map((_, i) => vars.map((v) => v.get(i))),
  );
}

/** "1 = laag (roze) / low (pink); …; 9 = geen band … (missing)": the numeric codes of a coded column. */
export function codingText(c: Coding): string {
  const parts = c.codes.map((x) => `${x.code} = ${x.value}: ${x.label.nl} / ${x.label.en}`);
  if (c.empty)
    parts.push(
      `${c.empty.code} = empty: ${c.empty.label.nl} / ${c.empty.label.en}${c.empty.missing ? " (missing)" : ""}`,
    );
  if (c.notComputed)
    parts.push(
      `${c.notComputed.code} = ${c.notComputed.when} ` +
        `empty: ${c.notComputed.label.nl} / ${c.notComputed.label.en} (missing)`,
    );
  return parts.join("; ");
}

const CODEBOOK_COLUMNS = [
  "variable",
  "label_nl",
  "label_en",
  "type",
  "values",
  "missing",
  "decimal_separator",
  "decimals_shown",
  "spss_r_codes",
];
/** both codebooks, last column: the wording per instrument version where it changed */
const WORDING_COLUMN = "item_wording_by_version";
const MISSING_TEXT = "empty cell = missing (not answered / not defined); never 0";

/** A codebook row's first cells (both codebooks): name, labels, type, values and the missing-value note. */
const describeVariable = (v: Variable) => [v.name, v.label.nl, v.label.en, v.type, v.values ?? "", MISSING_TEXT];

/** The codebook of the wide CSV: one row per variable. */
export function codebookCsv(s: Summary): string {
  return toCsv(
    [...CODEBOOK_COLUMNS, WORDING_COLUMN],
    variables(s).map((v) => [
      ...describeVariable(v),
      v.type === "numeric" ? "." : "",
      v.decimals ?? null,
      v.coding ? codingText(v.coding) : "",
      v.wording ?? "",
    ]),
  );
}

/**
 * The Excel-ready download: wide.csv's rows as a real .xlsx (numbers as numbers, rounded to the documented
 * decimals, shown with the reader's decimal separator) and its codebook as a second sheet.
 */
export function wideXlsx(s: Summary): Uint8Array {
  const vars = variables(s);
  const cell = (v: Variable, i: number): XlsxCell => {
    const x = v.get(i);
    return typeof x === "number" && v.decimals !== undefined ? { value: x, decimals: v.decimals } : x;
  };
  const data: XlsxSheet = {
    name: "Gegevens",
    rows: [vars.map((v) => v.name), ...s.response.perYouth.map((_, i) => vars.map((v) => cell(v, i)))],
    widths: vars.map((v) => Math.min(40, Math.max(10, v.name.length + 2))),
  };
  const codebook: XlsxSheet = {
    name: "Codeboek",
    rows: [
      [...CODEBOOK_COLUMNS.filter((c) => c !== "decimal_separator"), WORDING_COLUMN],
      ...vars.map((v) => [
        ...describeVariable(v),
        v.decimals ?? null,
        v.coding ? codingText(v.coding) : "",
        v.wording ?? "",
      ]),
    ],
    widths: [30, 45, 45, 10, 50, 30, 10, 80, 80],
  };
  return xlsx([data, codebook]);
}

export const ANSWER_COLUMNS = [
  "participant_code",
  "occasion_kind",
  "wave",
  "occasion_seq",
  "due_date",
  "instrument",
  "instrument_version",
  "item",
  "value",
  "not_applicable",
  "mode",
  "answered_at_utc",
] as const;

export type AnswerTuple = [
  string,
  string,
  string | null,
  number,
  string,
  string,
  number,
  string,
  number | null,
  number,
  string,
  number,
  string | null,
];

/** Long format: one row per stored answer; comments only when asked for. */
export function answersCsv(rows: AnswerTuple[], withComments: boolean): string {
  const header: string[] = [...ANSWER_COLUMNS, ...(withComments ? ["comment"] : [])];
  return toCsv(
    header,
    rows.map((r) => {
      const out: (string | number | null)[] = [
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        r[9] ? 1 : 0,
        r[10],
        new Date(r[11]).toISOString(),
      ];
      if (withComments) out.push(r[12]);
      return out;
    }),
  );
}

export const ITEM_CODEBOOK_COLUMNS = [
  "instrument",
  "instrument_version",
  "instrument_kind",
  "instrument_title_nl",
  "instrument_title_en",
  "item",
  "question_nl",
  "question_en",
  "type",
  "value_min",
  "value_max",
  "values",
  "subscale",
  "subscale_label_nl",
  "subscale_label_en",
  "reverse_keyed",
  "not_applicable_allowed",
] as const;

export type InstrumentVersionRow = { key: string; version: number; definition: InstrumentDefinition };

/**
 * The item codebook of answers.csv: one row per instrument version × item, with the wording in both
 * languages, subscale and reverse keying, so `instrument, instrument_version, item` of every answer row
 * can be looked up. Old versions stay listed: answers keep the version they were asked in.
 */
export function itemCodebookCsv(versions: InstrumentVersionRow[]): string {
  const rows: (string | number | null)[][] = [];
  const sorted = [...versions].sort((a, b) => a.key.localeCompare(b.key) || a.version - b.version);
  for (const v of sorted) {
    const d = v.definition;
    const subscales = new Map((d.subscales ?? []).map((sub) => [sub.key, sub]));
    for (const item of d.items) {
      const base = [
        v.key,
        v.version,
        d.kind,
        d.title.nl,
        d.title.en,
        item.key,
        item.text.nl,
        item.text.en,
        item.type,
      ] as (string | number | null)[];
      if (item.type === "slider") {
        const notApplicable = item.allowNotApplicable
          ? "; not_applicable = 1: n.v.t. / not applicable (value empty)"
          : "";
        const values = `0 = ${item.low.nl} / ${item.low.en}; 10 = ${item.high.nl} / ${item.high.en}${notApplicable}`;
        rows.push([...base, 0, 10, values, null, null, null, null, item.allowNotApplicable ? 1 : 0]);
      } else if (item.type === "yesno") {
        rows.push([...base, 0, 1, "1 = ja / yes; 0 = nee / no", null, null, null, null, 0]);
      } else {
        const scale = d.scale;
        const values = scale ? scale.labels.map((l, i) => `${scale.min + i} = ${l.nl} / ${l.en}`).join("; ") : "";
        const sub = subscales.get(item.subscale);
        rows.push([
          ...base,
          scale?.min ?? null,
          scale?.max ?? null,
          values,
          item.subscale,
          sub?.label.nl ?? null,
          sub?.label.en ?? null,
          item.reverse ? 1 : 0,
          0,
        ]);
      }
    }
  }
  return toCsv([...ITEM_CODEBOOK_COLUMNS], rows);
}
