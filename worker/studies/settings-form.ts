// The workspace's pilot-settings form: flat form fields ⇄ the API's settings body. The page validates
// with the same zod schema (settingsBody) and the same whole-pilot checks (updateSettings) as
// PUT /api/v1/pilots/{pilot}/settings, and the inputs' bounds are read from that schema, so page and API
// cannot drift apart. Only what the form changed is submitted (and audited).
import type { z } from "zod";
import {
  flagField,
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
type Effective = Pick<z.infer<typeof settingsResponse>, "senderName" | "quickExitUrl" | "schedule" | "reminders"> &
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
export const NUMBER_RANGES: NumberRanges = Object.fromEntries(
  NUMBER_FIELDS.map((f) => {
    const s = f.path.reduce<AnySchema>(
      (schema, k) => unwrapped(unwrapped(schema).shape![k]!),
      settingsBody as unknown as AnySchema,
    );
    return [f.name, { min: s.minValue ?? 0, max: s.maxValue ?? 0 }];
  }),
);

/** The message shown beside a refused field (Dutch first; bounds from the schema). */
export function settingsFieldMessage(field: SettingsField | "form", lang: Lang = "nl", detail = ""): string {
  const range = NUMBER_RANGES[field];
  if (range) {
    const base = t("staff.settings.error.number", lang)
      .replace("{min}", String(range.min))
      .replace("{max}", String(range.max));
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
