// The workspace's pilot-settings form: flat form fields ⇄ the API's settings body. The page validates
// with the same zod schema (settingsBody) and the same whole-pilot checks (updateSettings) as
// PUT /api/v1/pilots/{pilot}/settings, and the inputs' bounds are read from that schema, so page and API
// cannot drift apart. Only what the form changed is submitted (and audited).
import { settingsBody } from "./validators";

type Section = "schedule" | "reminders" | "signals" | "reports";
/** A whole-number field: where it sits in the settings body and which whole-pilot problem code belongs to it. */
type NumberField = { name: string; path: [Section, ...string[]]; problem: string };

export const NUMBER_FIELDS = [
  {
    name: "frequentIntervalDays",
    path: ["schedule", "frequentIntervalDays"],
    problem: "schedule.frequent_interval_days",
  },
  { name: "frequentWindowDays", path: ["schedule", "frequentWindowDays"], problem: "schedule.frequent_window_days" },
  { name: "waveT2", path: ["schedule", "waveOffsetsDays", "T2"], problem: "" },
  { name: "waveT3", path: ["schedule", "waveOffsetsDays", "T3"], problem: "schedule.wave_offsets_days" },
  { name: "waveWindowDays", path: ["schedule", "waveWindowDays"], problem: "schedule.wave_window_days" },
  { name: "studyLengthDays", path: ["schedule", "studyLengthDays"], problem: "schedule.study_length_days" },
  {
    name: "firstReminderAfterDays",
    path: ["reminders", "firstReminderAfterDays"],
    problem: "reminders.first_reminder_after_days",
  },
  { name: "maxReminders", path: ["reminders", "maxReminders"], problem: "reminders.max_reminders" },
  { name: "minSpacingDays", path: ["reminders", "minSpacingDays"], problem: "reminders.min_spacing_days" },
  { name: "mentorAfterDays", path: ["reminders", "mentorAfterDays"], problem: "reminders.mentor_after_days" },
  // staff signal thresholds (worker/signals/README.md)
  { name: "signalLowCount", path: ["signals", "lowCount"], problem: "" },
  { name: "signalDropPoints", path: ["signals", "dropPoints"], problem: "" },
  { name: "signalDropMinEarlier", path: ["signals", "dropMinEarlier"], problem: "" },
  { name: "signalMissedCount", path: ["signals", "missedCount"], problem: "" },
  // summaries (worker/reports/report-settings.ts)
  { name: "reportMinCellSize", path: ["reports", "minCellSize"], problem: "" },
] as const satisfies readonly NumberField[];

/** The signal rules' on/off switches and the staff mail: checkboxes named `signal.<key>`. */
export const SIGNAL_FLAGS = [
  "trendDown",
  "lowTwice",
  "dropVsMedian",
  "reliableDeterioration",
  "missedInRow",
  "mail",
] as const;
type SignalFlag = (typeof SIGNAL_FLAGS)[number];
const flagField = (k: SignalFlag) => `signal${k[0]!.toUpperCase()}${k.slice(1)}` as `signal${Capitalize<SignalFlag>}`;

export type SettingsField =
  | (typeof NUMBER_FIELDS)[number]["name"]
  | "senderName"
  | "quickExitUrl"
  | "quietStart"
  | "quietEnd"
  | "quietWeekdays"
  | "mentorAfterLastReminder"
  | `signal${Capitalize<SignalFlag>}`
  | "rislNormGroup";

/** What the form shows: the texts as typed (so a refused value is shown back as it was), days and a flag. */
export type SettingsFormValues = {
  text: Record<string, string>;
  quietWeekdays: number[];
  mentorAfterLastReminder: boolean;
  /** the signal rules' switches and the staff mail (SIGNAL_FLAGS) */
  signals?: Partial<Record<SignalFlag, boolean>>;
  /** the settings version the form was rendered with (hidden field; worker/studies/config.ts settingsVersion) */
  version?: string;
};

/** The hidden field that carries the settings version a form was rendered with. */
export const VERSION_FIELD = "settingsVersion";

/** The effective settings as GET /settings returns them (worker/studies/config.ts effectiveSettings). */
type Effective = {
  senderName: string;
  quickExitUrl: string;
  schedule: {
    frequentIntervalDays: number;
    frequentWindowDays: number;
    waveOffsetsDays: { T2: number; T3: number };
    waveWindowDays: number;
    studyLengthDays: number;
  };
  reminders: {
    firstReminderAfterDays: number;
    maxReminders: number;
    minSpacingDays: number;
    quietHours: { start: string; end: string };
    quietWeekdays: number[];
    mentorAfterLastReminder: boolean;
    mentorAfterDays: number;
  };
  signals?: Record<SignalFlag, boolean> & {
    lowCount: number;
    dropPoints: number;
    dropMinEarlier: number;
    missedCount: number;
  };
  reports?: { minCellSize: number; rislNormGroup: "study" | "pilot" };
};

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
  return {
    text,
    quietWeekdays: [...s.reminders.quietWeekdays].sort(),
    mentorAfterLastReminder: s.reminders.mentorAfterLastReminder,
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
  return {
    text,
    quietWeekdays: [...new Set(days)].sort(),
    mentorAfterLastReminder: one("mentorAfterLastReminder") === "1",
    signals,
    ...(version ? { version } : {}),
  };
}

function bodyOf(v: SettingsFormValues) {
  const num = (s: string | undefined): unknown => (s !== undefined && /^-?\d{1,7}$/.test(s) ? Number(s) : s);
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
  def?: { type?: string };
  unwrap?: () => AnySchema;
  shape?: Record<string, AnySchema>;
  minValue?: number | null;
  maxValue?: number | null;
};
const unwrapped = (s: AnySchema): AnySchema => (s.def?.type === "optional" && s.unwrap ? unwrapped(s.unwrap()) : s);

/** Bounds of every whole-number field, read from settingsBody. */
export const NUMBER_RANGES: Record<string, { min: number; max: number }> = Object.fromEntries(
  NUMBER_FIELDS.map((f) => {
    const s = f.path.reduce<AnySchema>(
      (schema, k) => unwrapped(unwrapped(schema).shape![k]!),
      settingsBody as unknown as AnySchema,
    );
    return [f.name, { min: s.minValue ?? 0, max: s.maxValue ?? 0 }];
  }),
);
