// The staff forms (DESIGN.md §2.3), defined once: which fields each has, how each is entered, the
// background form's fixed lists, the RIS-L's parts with their sizes and report labels, and how the RIS-L is
// scored. Validation (worker/studies/validators.ts builds the zod schemas from these), the pages
// (web/pages/staff/BackgroundForm.tsx, workspace/StaffForm.tsx), the form readers (worker/studies/background.ts)
// and the summaries (worker/reports/) all read this file. Pure; type imports only.
import type { Text } from "./instruments/definitions";

// ---- Background characteristics (report tables 3.1 and 3.2) ---------------------------------------------
// The categorical fields are fixed lists (report table 3.1 and its sister tables 3.4, 3.7, 3.10; the problems
// at referral table 3.2 and its sisters 3.5, 3.8, 3.11), each with "anders, namelijk" (`other` plus a short
// text in `<field>Other`) where the list has it. Summaries count the option keys only: the "namelijk" text,
// the referral reason and the DSM codes never reach a summary.

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
  // Problems at referral (report tables 3.2, 3.5, 3.8, 3.11), in neutral words (no FORBIDDEN_WORDS).
  referralProblems: [
    o("trauma", "Trauma, ook vroegkinderlijk of complex", "Trauma, also early-childhood or complex"),
    o("attachment", "Hechtingsproblematiek", "Attachment problems"),
    o("family_system", "Problematiek in het gezin van herkomst", "Problems in the family of origin"),
    o("sexual_risk", "(Zorgen over) seksueel risicogedrag", "(Concerns about) sexual risk behaviour"),
    o("substance_use", "(Zorgen over) drank- en drugsgebruik", "(Concerns about) alcohol and drug use"),
    o(
      "intellectual_disability",
      "LVB-problematiek (jongere of ouders)",
      "Mild intellectual disability (youth or parents)",
    ),
    o("safety", "Zorgen rondom veiligheid", "Concerns about safety"),
    o("coercion", "Vermoeden van dwang door derden", "Suspected coercion by others"),
    o("sexual_abuse", "Seksueel misbruik (vermoed of vastgesteld)", "Sexual abuse (suspected or established)"),
    o("domestic_violence", "Huiselijk geweld, ook door (ex-)partner", "Domestic violence, also by an (ex-)partner"),
    o("honour_violence", "Dreiging van eergerelateerd geweld", "Threat of honour-based violence"),
    o("pregnancy", "Zwanger en/of een kind", "Pregnant and/or has a child"),
    UNKNOWN,
    OTHER,
  ],
} as const satisfies Record<string, readonly BackgroundOption[]>;

export type BackgroundListField = keyof typeof BACKGROUND_OPTIONS;
export const LIST_FIELDS = Object.keys(BACKGROUND_OPTIONS) as BackgroundListField[];
/** Fields that take several options (care before admission, problems at referral). */
export const MULTI_FIELDS: readonly BackgroundListField[] = ["careBefore", "referralProblems"];
/** Fields with an "anders, namelijk" text (`<field>Other`). */
export const OTHER_FIELDS = LIST_FIELDS.filter((f) => BACKGROUND_OPTIONS[f].some((x) => x.key === "other"));
export const otherField = (f: BackgroundListField) => `${f}Other`;
export const optionKeys = (f: BackgroundListField) => BACKGROUND_OPTIONS[f].map((x) => x.key) as [string, ...string[]];
export const optionLabel = (f: BackgroundListField, key: string): Text =>
  BACKGROUND_OPTIONS[f].find((x) => x.key === key)?.label ?? OTHER.label;

/** Every field of the background form in page order, with how it is entered. */
export const BACKGROUND_FIELDS = [
  ["ageAtPilotStart", "number"],
  ["careStartDate", "date"],
  ["pilotStartDate", "date"],
  ["pilotEndDate", "date"],
  ["referralReason", "text"],
  ["referralProblems", "checkboxes"],
  ["dsmCodes", "list"],
  ["educationLevel", "select"],
  ["countryOfOrigin", "select"],
  ["dayActivityBefore", "select"],
  ["livingSituationBefore", "select"],
  ["careBefore", "checkboxes"],
  ["income", "select"],
  ["debts", "select"],
] as const;
export type BackgroundFieldKind = (typeof BACKGROUND_FIELDS)[number][1];

/** The age at the pilot start (the one "number" field) in whole years. */
export const AGE_RANGE = { min: 10, max: 30 } as const;
/** Lengths of the free texts: referral reason, each DSM code (at most DSM_CODES_MAX), an "anders" text. */
export const TEXT_MAX = { text: 300, dsmCode: 20, other: 100 } as const;
export const DSM_CODES_MAX = 20;

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
  referralProblems: { nl: "Problematiek bij aanmelding", en: "Problems at referral" },
};

// ---- RIS-L ------------------------------------------------------------------------------------------------

/** Every RIS-L item is answered yes, no or unknown. */
export const RISL_ANSWERS = ["yes", "no", "unknown"] as const;

/**
 * The RIS-L's parts in page order with their number of items; the scored parts (1C signals, 1D risks and
 * protective factors) carry their report label and whether a higher score is better.
 */
export const RISL_PARTS = [
  { key: "a6", items: 5, score: null },
  {
    key: "signals",
    items: 27,
    score: { label: { nl: "RIS-L signalen (1C)", en: "RIS-L signals (1C)" }, higherIsBetter: false },
  },
  {
    key: "risks",
    items: 12,
    score: { label: { nl: "RIS-L risico's (1D)", en: "RIS-L risks (1D)" }, higherIsBetter: false },
  },
  {
    key: "protective",
    items: 6,
    score: { label: { nl: "RIS-L beschermend (1D)", en: "RIS-L protective (1D)" }, higherIsBetter: true },
  },
] as const;
export type RislPart = (typeof RISL_PARTS)[number]["key"];
type ScoredPart = Extract<(typeof RISL_PARTS)[number], { score: object }>;
/** The scored parts (report tables 2.3 and 3.3), each with its label and direction. */
export const RISL_SCORED_PARTS = RISL_PARTS.filter((p): p is ScoredPart => p.score !== null).map((p) => ({
  key: p.key,
  ...p.score,
}));
export type RislScores = Record<ScoredPart["key"], number>;

/** The posted field of one RIS-L item: `<part>.<n>`, n from 1. */
export const rislItemField = (part: RislPart, i: number) => `${part}.${i + 1}`;

/**
 * A RIS-L sum: the number of items answered "yes" (or true) in a part's answers; a stored number is taken as
 * it is (DESIGN.md §2.3); null when there is nothing to count.
 */
export function rislSum(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v && typeof v === "object")
    return Object.values(v as Record<string, unknown>).filter((x) => x === "yes" || x === true).length;
  return null;
}

/** The RIS-L scores of a (validated) form: the "yes" count of each scored part. */
export function rislScores(form: Record<ScoredPart["key"], unknown>): RislScores {
  return Object.fromEntries(RISL_SCORED_PARTS.map((p) => [p.key, rislSum(form[p.key]) ?? 0])) as RislScores;
}
