// The background form's categorical fields as fixed lists (report table 3.1 and its sister tables 3.4,
// 3.7, 3.10), each with "anders, namelijk" (`other` plus a short text in `<field>Other`). Summaries count
// the option keys only: the "namelijk" text, the referral reason and the DSM codes never reach a summary.
// Forms stored before the lists existed held free text: `normaliseBackground` maps such a text to the
// option whose key or label it spells (case and punctuation ignored) and otherwise to `other` with the
// old text as its "namelijk", so every stored form still loads, shows and counts. Pure; no runtime imports.
import type { Text } from "../../schema/instruments/definitions";
import { DAY_MS } from "../../core/time";

export type BackgroundOption = { key: string; label: Text };

const o = (key: string, nl: string, en: string): BackgroundOption => ({ key, label: { nl, en } });
const OTHER = o("other", "anders", "other");
const UNKNOWN = o("unknown", "onbekend", "unknown");

export const BACKGROUND_OPTIONS = {
  countryOfOrigin: [
    o("nl", "Nederland", "The Netherlands"),
    o("west_european", "West-Europees", "West European"),
    o("non_west_european", "Niet-West-Europees", "Non-West European"),
    UNKNOWN,
  ],
  dayActivityBefore: [
    o("school", "school", "school"),
    o("work", "werk", "work"),
    o("volunteer_day_programme", "vrijwilligerswerk, dagprogramma", "volunteering, day programme"),
    o("none", "geen", "none"),
    UNKNOWN,
    OTHER,
  ],
  educationLevel: [
    o("praktijk_vso", "praktijkonderwijs/VSO", "practical education/special secondary"),
    o("vmbo_bk", "vmbo basis/kader", "pre-vocational (basic/framework)"),
    o("vmbo_tl", "vmbo theoretisch", "pre-vocational (theoretical)"),
    o("havo_vwo", "havo/vwo", "senior general/pre-university"),
    o("isk", "internationale schakelklas (ISK)", "international transition class (ISK)"),
    o("mbo", "mbo", "secondary vocational (mbo)"),
    o("hbo_wo", "hbo/wo", "higher education"),
    UNKNOWN,
    OTHER,
  ],
  livingSituationBefore: [
    o("parents", "thuiswonend bij ouders", "living with parents"),
    o("residential", "residentiële voorziening", "residential care"),
    o("foster", "(netwerk)pleeggezin", "(kinship) foster family"),
    o("family_home", "gezinshuis", "family home"),
    o("independent", "zelfstandig", "independent"),
    o("partner", "samenwonend met partner", "living with a partner"),
    UNKNOWN,
    OTHER,
  ],
  careBefore: [
    o("ambulant", "ambulante zorg", "outpatient care"),
    o("crisis", "crisisopvang", "crisis shelter"),
    o("residential_open", "residentieel open", "open residential care"),
    o("residential_closed", "residentieel gesloten", "secure residential care"),
    o("day_treatment", "dagbehandeling", "day treatment"),
    o("foster", "pleegzorg", "foster care"),
    o("family_home", "gezinshuis", "family home"),
    o("none", "geen", "none"),
    UNKNOWN,
    OTHER,
  ],
  income: [
    o("none", "geen inkomen", "no income"),
    o("side_job", "bijbaan", "side job"),
    o("work", "werk", "work"),
    o("benefit", "bijstand/uitkering", "welfare/benefit"),
    UNKNOWN,
    OTHER,
  ],
  debts: [o("yes", "schulden", "debts"), o("no", "geen schulden", "no debts"), UNKNOWN],
} as const satisfies Record<string, readonly BackgroundOption[]>;

export type BackgroundListField = keyof typeof BACKGROUND_OPTIONS;
export const LIST_FIELDS = Object.keys(BACKGROUND_OPTIONS) as BackgroundListField[];
/** Fields that take several options (care before admission). */
export const MULTI_FIELDS: readonly BackgroundListField[] = ["careBefore"];
/** Fields with an "anders, namelijk" text (`<field>Other`). */
export const OTHER_FIELDS = LIST_FIELDS.filter((f) => BACKGROUND_OPTIONS[f].some((x) => x.key === "other"));
export const otherField = (f: BackgroundListField) => `${f}Other`;
export const optionKeys = (f: BackgroundListField) => BACKGROUND_OPTIONS[f].map((x) => x.key) as [string, ...string[]];
export const optionLabel = (f: BackgroundListField, key: string): Text =>
  BACKGROUND_OPTIONS[f].find((x) => x.key === key)?.label ?? OTHER.label;

const squash = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "");

/** An old free-text value: the option it spells, else `other` (with the text kept for the "namelijk" field). */
export function matchOption(f: BackgroundListField, raw: string): string {
  const s = squash(raw);
  if (!s) return "other";
  const spells = (x: BackgroundOption) => [x.key, x.label.nl, x.label.en].some((t) => squash(t) === s);
  const hit = BACKGROUND_OPTIONS[f].find(spells);
  if (hit) return hit.key;
  return BACKGROUND_OPTIONS[f].some((x) => x.key === "other") ? "other" : "unknown";
}

/**
 * A stored background form in the current shape: list fields hold option keys (arrays for multi fields);
 * legacy free text becomes its option or `other` with the text in `<field>Other`. Other fields pass as they are.
 */
export function normaliseBackground(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const f of LIST_FIELDS) {
    const v = data[f];
    if (v === undefined || v === null) continue;
    const raw = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string" && x.trim() !== "");
    const keys = optionKeys(f);
    const legacy = raw.filter((x) => !keys.includes(x));
    const mapped = raw.map((x) => (keys.includes(x) ? x : matchOption(f, x)));
    const unique = [...new Set(mapped)];
    if (MULTI_FIELDS.includes(f)) out[f] = unique;
    else if (unique.length) out[f] = unique[0];
    else delete out[f];
    const unmatched = legacy.filter((x) => matchOption(f, x) === "other");
    if (unmatched.length && typeof data[otherField(f)] !== "string") {
      out[otherField(f)] = unmatched.join(", ").slice(0, 100);
    }
  }
  return out;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Months between two YYYY-MM-DD dates (30.4375 days a month, one decimal); null when either is missing or
 * the order is wrong.
 */
export function monthsBetween(from: unknown, to: unknown): number | null {
  if (typeof from !== "string" || typeof to !== "string" || !DAY.test(from) || !DAY.test(to)) return null;
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
  if (!Number.isFinite(days) || days < 0) return null;
  return Math.round((days / 30.4375) * 10) / 10;
}

/** Row labels of the background table (report table 3.1), Dutch first. */
export const BACKGROUND_FIELD_LABELS: Record<string, Text> = {
  ageAtPilotStart: { nl: "Leeftijd start pilot", en: "Age at pilot start" },
  monthsBeforePilot: {
    nl: "Aantal maanden in instelling voor start pilot",
    en: "Months in the institution before the pilot",
  },
  monthsInPilot: { nl: "Aantal maanden verblijf in pilot", en: "Months in the pilot" },
  countryOfOrigin: { nl: "Land van herkomst", en: "Country of origin" },
  dayActivityBefore: { nl: "Dagbesteding voor opname", en: "Day activity before admission" },
  educationLevel: { nl: "Opleidingsniveau", en: "Education level" },
  livingSituationBefore: { nl: "Woonsituatie voor opname", en: "Living situation before admission" },
  careBefore: { nl: "Ingezette zorg voor opname", en: "Care before admission" },
  income: { nl: "Inkomen", en: "Income" },
  debts: { nl: "Schulden", en: "Debts" },
};
