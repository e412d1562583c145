// The pilot-settings form's fields, shared by the page (web/pages/staff/SettingsPage.tsx) and the form
// logic (worker/studies/settings-form.ts): each whole-number field with where it sits in the settings body
// and its whole-pilot problem code, the signal switches, and what the form holds. Pure; no imports.
export type Section = "schedule" | "reminders" | "signals" | "reports";
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
  // summaries (worker/studies/report-settings.ts)
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
export type SignalFlag = (typeof SIGNAL_FLAGS)[number];
export const flagField = (k: SignalFlag) =>
  `signal${k[0]!.toUpperCase()}${k.slice(1)}` as `signal${Capitalize<SignalFlag>}`;

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

/**
 * Per-instrument frequencies (DESIGN.md §2): `instrumentEvery.<key>` asks a frequent instrument only at every k-th
 * short questionnaire (schedule.instrumentEvery), `waveEvery.<key>` asks a wave instrument also every N weeks
 * (schedule.waveSchedules). An empty field means every time, or only at T1/T2/T3.
 */
export const FREQUENCY_KINDS = ["instrumentEvery", "waveEvery"] as const;
export type FrequencyKind = (typeof FREQUENCY_KINDS)[number];
export type FrequencyField = `${FrequencyKind}.${string}`;
export const frequencyField = (kind: FrequencyKind, instrument: string): FrequencyField => `${kind}.${instrument}`;
export const isFrequencyField = (field: string): field is FrequencyField =>
  FREQUENCY_KINDS.some((kind) => field.startsWith(`${kind}.`));
/** Every field of the form an error can be about. */
export type FormField = SettingsField | FrequencyField;

/** What the form shows: the texts as typed (so a refused value is shown back as it was), days and a flag. */
export type SettingsFormValues = {
  text: Record<string, string>;
  quietWeekdays: number[];
  mentorAfterLastReminder: boolean;
  /** per-instrument frequencies as typed, by kind and instrument key ("" = every time / only at T1/T2/T3) */
  frequency: Record<FrequencyKind, Record<string, string>>;
  /** the signal rules' switches and the staff mail (SIGNAL_FLAGS) */
  signals?: Partial<Record<SignalFlag, boolean>>;
  /** the settings version the form was rendered with (hidden field; worker/studies/config.ts settingsVersion) */
  version?: string;
};

/** The hidden field that carries the settings version a form was rendered with. */
export const VERSION_FIELD = "settingsVersion";

/** Bounds of each whole-number field (worker/studies/settings-form.ts reads them from the API's schema). */
export type NumberRanges = Record<string, { min: number; max: number }>;
