import { PILOT_WAVE_INSTRUMENT } from "../../schema/instruments/definitions";
import type { ReportSettings } from "../reports/report-settings";
import { DEFAULT_POLICY, type ReminderPolicy } from "../reminders/policy";
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
  /** summaries: minimum cell size and the RIS-L norm group (worker/reports/report-settings.ts) */
  reports?: Partial<ReportSettings>;
};

type PilotLike = { key: string; timezone: string; settings: unknown };

export const settingsOf = (p: PilotLike) => (p.settings ?? {}) as PilotSettings;

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

export function signalRulesOf(p: PilotLike): SignalRules {
  return { ...DEFAULT_SIGNAL_RULES, ...settingsOf(p).signals };
}
