// Per-pilot report settings (issue 16): the smallest count a summary shows (below it: "< n") and whose
// RIS-L scores set the RIS-L cut-offs — the study group (all pilots of the study, report table 2.3) or
// the pilot's own group. Stored under pilots.settings.reports (read by
// reportSettingsOf in worker/studies/settings.ts); pure.
export type ReportSettings = { minCellSize: number; rislNormGroup: "study" | "pilot" };

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { minCellSize: 3, rislNormGroup: "study" };
export const REPORT_SETTING_LIMITS = { minCellSize: { min: 1, max: 20 } } as const;
