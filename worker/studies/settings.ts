// A pilot's settings (schedule, reminder policy, instruments, signal rules, report settings, sender name,
// quick exit): one reader of the stored JSON (parseSettings) and the effective value of each part, stored
// values over defaults. Pure.
import { PILOT_WAVE_INSTRUMENT } from "../../schema/instruments/definitions";
import { DEFAULT_REPORT_SETTINGS, type ReportSettings } from "./report-settings";
import { DEFAULT_POLICY, type ReminderPolicy } from "../schedule/reminder-policy";
import { DEFAULT_SCHEDULE, type PilotSchedule } from "../schedule/schedule";
import { DEFAULT_SIGNAL_RULES, type SignalRules } from "../signals/rules";

export type PilotSettings = {
  schedule?: Partial<PilotSchedule>;
  reminders?: Partial<ReminderPolicy>;
  quickExitUrl?: string;
  senderName?: string;
  /** instrument keys asked at frequent occasions / waves; defaults from DESIGN.md §2 */
  frequentInstruments?: string[];
  waveInstruments?: string[];
  /** staff signal rules and their thresholds (worker/signals/README.md); defaults from DEFAULT_SIGNAL_RULES */
  signals?: Partial<SignalRules>;
  /** summaries: minimum cell size and the RIS-L norm group (worker/studies/report-settings.ts) */
  reports?: Partial<ReportSettings>;
};

type PilotLike = { key: string; timezone: string; settings: unknown };

/** The quick-exit address of a pilot that has none configured (and of pages that belong to no pilot). */
export const DEFAULT_QUICK_EXIT = "https://www.google.nl/";

/**
 * The one reader of a pilot's stored settings: the `pilots.settings` column as D1 returns it (JSON text or
 * null) or as drizzle returns it (already an object). Validated where settings are saved (settingsBody).
 */
export function parseSettings(stored: unknown): PilotSettings {
  if (typeof stored === "string") return (stored ? JSON.parse(stored) : {}) as PilotSettings;
  return (stored ?? {}) as PilotSettings;
}

export const settingsOf = (p: { settings: unknown }) => parseSettings(p.settings);

export function quickExitOf(p: { settings: unknown }): string {
  return settingsOf(p).quickExitUrl ?? DEFAULT_QUICK_EXIT;
}

export function scheduleOf(p: PilotLike): PilotSchedule {
  return { ...DEFAULT_SCHEDULE, ...settingsOf(p).schedule, timezone: p.timezone };
}

export function policyOf(p: PilotLike): ReminderPolicy {
  return { ...DEFAULT_POLICY, ...settingsOf(p).reminders, timezone: p.timezone };
}

export function instrumentsOf(p: PilotLike): { frequent: string[]; wave: string[] } {
  const s = settingsOf(p);
  return {
    frequent: s.frequentInstruments ?? ["welzijn", "functioneren", "basisbehoeften", `pilot_${p.key}`],
    wave: s.waveInstruments ?? ["gcir", PILOT_WAVE_INSTRUMENT[p.key] ?? "atmq"],
  };
}

export function signalRulesOf(p: { settings: unknown }): SignalRules {
  return { ...DEFAULT_SIGNAL_RULES, ...settingsOf(p).signals };
}

export function reportSettingsOf(p: { settings: unknown }): ReportSettings {
  return { ...DEFAULT_REPORT_SETTINGS, ...settingsOf(p).reports };
}
