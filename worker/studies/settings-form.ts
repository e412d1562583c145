// The workspace's pilot-settings form: flat form fields ⇄ the API's settings body. The page validates
// with the same zod schema (settingsBody) and the same whole-pilot checks (updateSettings) as
// PUT /api/v1/pilots/{pilot}/settings, and the inputs' bounds are read from that schema, so page and API
// cannot drift apart. Only what the form changed is submitted (and audited).
import type { z } from "zod";
import {
  flagField,
  FREQUENCY_KINDS,
  type FormField,
  type FrequencyKind,
  frequencyField,
  NUMBER_FIELDS,
  type NumberRanges,
  SIGNAL_FLAGS,
  type SettingsField,
  type SettingsFormValues,
  VERSION_FIELD,
} from "../../core/settings-fields";
import { t, type Lang } from "../../core/i18n/messages";
import { settingsBody, type settingsResponse } from "./validators";

/** The effective settings as GET /settings returns them (worker/studies/config.ts effectiveSettings). */
type Effective = Pick<
  z.infer<typeof settingsResponse>,
  "senderName" | "quickExitUrl" | "schedule" | "reminders" | "frequent" | "wave"
> &
  Partial<Pick<z.infer<typeof settingsResponse>, "signals" | "reports">>;

const get = (o: unknown, path: readonly string[]) =>
  path.reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);

export function formFromSettings(s: Effective): SettingsFormValues {
  const text: Record<string, string> = {
    senderName: s.senderName,
    quickExitUrl: s.quickExitUrl,
    quietStart: s.reminders.quietHours.start,
    quietEnd: s.reminders.quietHours.end,
  };
  for (const f of NUMBER_FIELDS)
    if ((f.path[0] !== "signals" || s.signals) && (f.path[0] !== "reports" || s.reports))
      text[f.name] = String(get(s, f.path));
  if (s.reports) text.rislNormGroup = s.reports.rislNormGroup;
  const signals = s.signals ? Object.fromEntries(SIGNAL_FLAGS.map((k) => [k, s.signals![k]])) : undefined;
  // every instrument the pilot asks (empty: no entry), then any stored entry for one it no longer asks
  const stored = (asked: string[], entries: [string, number][]) => ({
    ...Object.fromEntries(asked.map((k) => [k, ""])),
    ...Object.fromEntries(entries.map(([k, n]) => [k, String(n)])),
  });
  return {
    text,
    quietWeekdays: [...s.reminders.quietWeekdays].sort(),
    mentorAfterLastReminder: s.reminders.mentorAfterLastReminder,
    frequency: {
      instrumentEvery: stored(s.frequent, Object.entries(s.schedule.instrumentEvery ?? {})),
      waveEvery: stored(
        s.wave,
        Object.entries(s.schedule.waveSchedules ?? {}).map(([k, w]) => [k, w.everyWeeks]),
      ),
    },
    ...(signals ? { signals } : {}),
  };
}

/** Reads a posted form. Anything that is not a plain whole number stays text, so the schema refuses it. */
export function readSettingsForm(form: Record<string, string | File | (string | File)[]>): SettingsFormValues {
  const one = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
  const text: Record<string, string> = {};
  for (const k of [
    "senderName",
    "quickExitUrl",
    "quietStart",
    "quietEnd",
    "rislNormGroup",
    ...NUMBER_FIELDS.map((f) => f.name),
  ])
    text[k] = one(k);
  const raw = form.quietWeekdays;
  const days = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((d) =>
    typeof d === "string" && /^[1-7]$/.test(d) ? Number(d) : NaN,
  );
  const version = one(VERSION_FIELD);
  const signals = Object.fromEntries(SIGNAL_FLAGS.map((k) => [k, one(`signal.${k}`) === "1"]));
  // every posted frequency field, also one naming an instrument the pilot does not ask (refused when saved)
  const frequency = Object.fromEntries(
    FREQUENCY_KINDS.map((kind) => [
      kind,
      Object.fromEntries(
        Object.keys(form)
          .filter((k) => k.startsWith(`${kind}.`))
          // a field sent twice (or as a file) is no whole number: refused, not read as empty (which clears)
          .map((k) => [k.slice(kind.length + 1), typeof form[k] === "string" ? one(k) : [form[k]].flat().join(",")]),
      ),
    ]),
  ) as SettingsFormValues["frequency"];
  return {
    text,
    quietWeekdays: [...new Set(days)].sort(),
    mentorAfterLastReminder: one("mentorAfterLastReminder") === "1",
    frequency,
    signals,
    ...(version ? { version } : {}),
  };
}

/**
 * The posted form completed with the current values: a frequency field the form did not post (a page opened
 * before the instrument was added) keeps its stored value; a posted empty one clears it.
 */
export function withCurrentFrequencies(current: SettingsFormValues, posted: SettingsFormValues): SettingsFormValues {
  const merged = (kind: FrequencyKind) =>
    Object.fromEntries(
      Object.entries({ ...current.frequency[kind], ...posted.frequency[kind] }).filter(
        ([k, v]) => v !== "" || k in current.frequency[kind],
      ),
    );
  return { ...posted, frequency: { instrumentEvery: merged("instrumentEvery"), waveEvery: merged("waveEvery") } };
}

const num = (s: string | undefined): unknown => (s !== undefined && /^-?\d{1,7}$/.test(s) ? Number(s) : s);
/** The entries of one kind that are filled in, sorted by instrument key (so unchanged maps compare equal). */
const filled = (entries: Record<string, string>) =>
  Object.entries(entries)
    .filter(([, v]) => v !== "")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function bodyOf(v: SettingsFormValues) {
  const body = {
    senderName: v.text.senderName,
    quickExitUrl: v.text.quickExitUrl,
    schedule: { waveOffsetsDays: { T1: 0 } } as Record<string, unknown>,
    reminders: {
      quietHours: { start: v.text.quietStart, end: v.text.quietEnd },
      quietWeekdays: v.quietWeekdays,
      mentorAfterLastReminder: v.mentorAfterLastReminder,
    } as Record<string, unknown>,
    signals: { ...v.signals } as Record<string, unknown>,
    // a form without the summary fields (an older page) leaves them as they are
    reports: { rislNormGroup: v.text.rislNormGroup || undefined } as Record<string, unknown>,
  };
  body.schedule.instrumentEvery = Object.fromEntries(filled(v.frequency.instrumentEvery).map(([k, n]) => [k, num(n)]));
  body.schedule.waveSchedules = Object.fromEntries(
    filled(v.frequency.waveEvery).map(([k, n]) => [k, { everyWeeks: num(n) }]),
  );
  for (const f of NUMBER_FIELDS) {
    if (f.path[0] === "signals" && !v.signals) continue;
    if (f.path[0] === "reports" && !v.text[f.name]) continue;
    let target = body as Record<string, unknown>;
    for (const k of f.path.slice(0, -1)) target = (target[k] ??= {}) as Record<string, unknown>;
    target[f.path[f.path.length - 1]!] = num(v.text[f.name]);
  }
  return body;
}

/**
 * The settings body with only what differs from the current values (a changed wave offset sends the whole
 * waveOffsetsDays object, as the schema wants); `null` when nothing changed.
 */
export function changedSettings(current: SettingsFormValues, next: SettingsFormValues): Record<string, unknown> | null {
  const a = bodyOf(current);
  const b = bodyOf(next);
  const out: Record<string, unknown> = {};
  for (const k of ["senderName", "quickExitUrl"] as const) if (a[k] !== b[k]) out[k] = b[k];
  for (const section of ["schedule", "reminders", "signals", "reports"] as const) {
    const changed = Object.fromEntries(
      Object.entries(b[section]).filter(
        ([k, v]) => v !== undefined && JSON.stringify(a[section][k]) !== JSON.stringify(v),
      ),
    );
    if (Object.keys(changed).length) out[section] = changed;
  }
  return Object.keys(out).length ? out : null;
}

/** Which form field a schema issue (path) or a whole-pilot problem code (`schedule.frequent_window_days`) is about. */
export function fieldOf(pathOrProblem: string): SettingsField | "form" {
  const number = NUMBER_FIELDS.find(
    (f) => f.path.join(".") === pathOrProblem || (f.problem !== "" && f.problem === pathOrProblem),
  );
  if (number) return number.name;
  if (pathOrProblem === "schedule.waveOffsetsDays") return "waveT3";
  if (pathOrProblem.startsWith("reminders.quietHours.start") || pathOrProblem === "reminders.quiet_hours")
    return "quietStart";
  if (pathOrProblem.startsWith("reminders.quietHours.end")) return "quietEnd";
  if (pathOrProblem.startsWith("reminders.quietWeekdays") || pathOrProblem === "reminders.quiet_weekdays")
    return "quietWeekdays";
  if (pathOrProblem.startsWith("reminders.mentorAfterLastReminder")) return "mentorAfterLastReminder";
  if (pathOrProblem === "senderName" || pathOrProblem === "quickExitUrl") return pathOrProblem;
  if (pathOrProblem.startsWith("reports.rislNormGroup")) return "rislNormGroup";
  const flag = SIGNAL_FLAGS.find((k) => pathOrProblem === `signals.${k}`);
  if (flag) return flagField(flag);
  return "form";
}

type AnySchema = {
  def?: { type?: string; valueType?: AnySchema };
  unwrap?: () => AnySchema;
  shape?: Record<string, AnySchema>;
  minValue?: number | null;
  maxValue?: number | null;
};
const unwrapped = (s: AnySchema): AnySchema => (s.def?.type === "optional" && s.unwrap ? unwrapped(s.unwrap()) : s);
/** The schema at a path of settingsBody; `*` steps into a record's values. */
const schemaAt = (path: readonly string[]) =>
  path.reduce<AnySchema>(
    (schema, k) => unwrapped(k === "*" ? unwrapped(schema).def!.valueType! : unwrapped(schema).shape![k]!),
    settingsBody as unknown as AnySchema,
  );
const rangeAt = (path: readonly string[]) => {
  const s = schemaAt(path);
  return { min: s.minValue ?? 0, max: s.maxValue ?? 0 };
};

/** Where each kind of frequency sits in settingsBody (a record by instrument key). */
const FREQUENCY_PATHS: Record<FrequencyKind, { record: string; value: string[] }> = {
  instrumentEvery: { record: "schedule.instrumentEvery", value: ["schedule", "instrumentEvery", "*"] },
  waveEvery: { record: "schedule.waveSchedules", value: ["schedule", "waveSchedules", "*", "everyWeeks"] },
};

/** Bounds of every whole-number field and of each kind of frequency field (by kind), read from settingsBody. */
export const NUMBER_RANGES: NumberRanges = Object.fromEntries([
  ...NUMBER_FIELDS.map((f) => [f.name, rangeAt(f.path)]),
  ...FREQUENCY_KINDS.map((kind) => [kind, rangeAt(FREQUENCY_PATHS[kind].value)]),
]);

/** The message shown beside a refused field (Dutch first; bounds from the schema). */
export function settingsFieldMessage(field: SettingsField | "form", lang: Lang = "nl", detail = ""): string {
  const range = NUMBER_RANGES[field];
  if (range) {
    const base = rangeMessage(range, lang);
    if (field === "frequentWindowDays") return `${base} ${t("staff.settings.error.window", lang)}`;
    if (field === "waveT3") return `${base} ${t("staff.settings.error.waveOrder", lang)}`;
    return base;
  }
  if (field === "senderName") return t("staff.settings.error.senderName", lang);
  if (field === "quickExitUrl") return t("staff.settings.error.quickExit", lang);
  if (field === "quietStart" || field === "quietEnd") return t("staff.settings.error.time", lang);
  if (field === "quietWeekdays") return t("staff.settings.error.weekdays", lang);
  return detail || t("error.validation", lang);
}
const rangeMessage = (range: { min: number; max: number }, lang: Lang) =>
  t("staff.settings.error.number", lang).replace("{min}", String(range.min)).replace("{max}", String(range.max));

/** The frequency field a schema issue or whole-pilot problem path is about (the instrument key may hold dots). */
function frequencyOf(path: string, values: SettingsFormValues): [FrequencyKind, string] | null {
  for (const kind of FREQUENCY_KINDS) {
    const prefix = `${FREQUENCY_PATHS[kind].record}.`;
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const key = Object.keys(values.frequency[kind]).find((k) =>
      [k, `${k}.not_asked`, `${k}.everyWeeks`].includes(rest),
    );
    return [kind, key ?? rest.replace(/\.(not_asked|everyWeeks)$/, "")];
  }
  return null;
}

/**
 * The errors of a refused form, by field: each schema issue path or whole-pilot problem code with its message
 * beside the field it is about (Dutch first). `current` (the stored values) tells an instrument the pilot asks
 * from one a forged field names.
 */
export function settingsErrors(
  paths: string[],
  values: SettingsFormValues,
  current: SettingsFormValues,
  lang: Lang = "nl",
): Partial<Record<FormField | "form", string>> {
  const errors: Partial<Record<FormField | "form", string>> = {};
  for (const path of paths) {
    const frequency = frequencyOf(path, values);
    if (frequency) {
      const [kind, key] = frequency;
      const asked = !path.endsWith(".not_asked") && key in current.frequency[kind];
      errors[frequencyField(kind, key)] = asked
        ? `${rangeMessage(NUMBER_RANGES[kind]!, lang)} ${t("staff.settings.error.orEmpty", lang)}`
        : t("staff.settings.error.notAsked", lang);
    } else if (path === "schedule.wave_schedules_beyond_study") {
      // every wave interval that would not come once within the study's length
      const days = Number(values.text.studyLengthDays);
      const beyond = Object.entries(values.frequency.waveEvery).filter(([, w]) => w !== "" && Number(w) * 7 > days);
      for (const [key] of beyond)
        errors[frequencyField("waveEvery", key)] = t("staff.settings.error.beyondStudy", lang);
      if (!beyond.length) errors.form = t("staff.settings.error.beyondStudy", lang);
    } else {
      const field = fieldOf(path);
      errors[field] = settingsFieldMessage(field, lang, path);
    }
  }
  return errors;
}
