// Staff forms as data: the posted background form and RIS-L read into candidates for their schemas, and
// stored background forms brought to the current shape. The forms themselves (fields, lists, RIS-L parts)
// are defined in schema/staff-forms.ts. Forms stored before the lists existed held free text:
// `normaliseBackground` maps such a text to the option whose key or label it spells (case and punctuation
// ignored) and otherwise to `other` with the old text as its "namelijk", so every stored form still loads,
// shows and counts. Pure; no runtime imports but schema/ and core/.
import {
  BACKGROUND_FIELDS,
  BACKGROUND_OPTIONS,
  type BackgroundListField,
  type BackgroundOption,
  LIST_FIELDS,
  MULTI_FIELDS,
  OTHER_FIELDS,
  optionKeys,
  otherField,
  RISL_PARTS,
  rislItemField,
} from "../../schema/staff-forms";
import { DAY_MS } from "../../core/time";

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

/** Posted form fields as `parseBody({ all: true })` gives them (checkboxes arrive as a list). */
export type FormFields = Record<string, string | File | (string | File)[]>;

const strings = (v: FormFields[string] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .filter((x): x is string => typeof x === "string")
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The submitted background form as a candidate for `backgroundForm` (validated there); a "namelijk" text is
 * kept only with "anders" chosen.
 */
export function readBackgroundForm(fields: FormFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of BACKGROUND_FIELDS) {
    const vs = strings(fields[name]);
    if (!vs.length) continue;
    if (kind === "number") out[name] = /^\d{1,3}$/.test(vs[0]!) ? Number(vs[0]) : vs[0];
    else if (kind === "list" || kind === "checkboxes")
      out[name] = vs
        .flatMap((v) => v.split(","))
        .map((x) => x.trim())
        .filter(Boolean);
    else out[name] = vs[0];
  }
  for (const f of OTHER_FIELDS) {
    const text = strings(fields[otherField(f)])[0];
    const v = out[f];
    const chosen = Array.isArray(v) ? v.includes("other") : v === "other";
    if (text && chosen) out[otherField(f)] = text;
    else if (chosen) out[otherField(f)] = undefined;
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** The submitted RIS-L as a candidate for `rislForm`: per part its items in order, an unanswered one undefined. */
export function readRislForm(fields: FormFields): Record<string, unknown> {
  const str = (k: string) => (typeof fields[k] === "string" ? (fields[k] as string).trim() : "");
  return Object.fromEntries(
    RISL_PARTS.map(({ key, items }) => [
      key,
      Array.from({ length: items }, (_, i) => str(rislItemField(key, i)) || undefined),
    ]),
  );
}
