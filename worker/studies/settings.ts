// A pilot's settings (schedule, reminder policy, instruments, signal rules, report settings, sender name,
// quick exit): one reader of the stored JSON (parseSettings) and the effective value of each part, stored
// values over defaults. Pure.
import { PILOT_WAVE_INSTRUMENT } from "../../schema/instruments/definitions";
import { DEFAULT_REPORT_SETTINGS, type ReportSettings } from "./report-settings";
import { DEFAULT_POLICY, type ReminderPolicy } from "../schedule/reminder-policy";
import { DEFAULT_SCHEDULE, type PilotSchedule } from "../schedule/schedule";
import type { SignalRules } from "../signals/rules";
import { readStoredSettings } from "../../core/stored-settings";

export type PilotSettings = {
  schedule?: Partial<PilotSchedule>;
  reminders?: Partial<ReminderPolicy>;
  quickExitUrl?: string;
  senderName?: string;
  /** instrument keys asked at frequent occasions / waves; defaults from DESIGN.md §2 */
  frequentInstruments?: string[];
  waveInstruments?: string[];
  /** staff signal rules and their thresholds (worker/signals/README.md); defaults from DEFAULT_SIGNAL_RULES
   * (signalRulesOf in worker/signals/rules.ts) */
  signals?: Partial<SignalRules>;
  /** summaries: minimum cell size and the RIS-L norm group (worker/studies/report-settings.ts) */
  reports?: Partial<ReportSettings>;
};

type PilotLike = { key: string; timezone: string; settings: unknown };

/** The quick-exit address of a pilot that has none configured (and of pages that belong to no pilot). */
export const DEFAULT_QUICK_EXIT = "https://www.google.nl/";

/** A pilot's stored settings (JSON text from D1, drizzle's object, or null), read by core/stored-settings.ts. */
export const parseSettings = (stored: unknown) => readStoredSettings(stored) as PilotSettings;

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

export function reportSettingsOf(p: { settings: unknown }): ReportSettings {
  return { ...DEFAULT_REPORT_SETTINGS, ...settingsOf(p).reports };
}
