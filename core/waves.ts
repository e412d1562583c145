// The three measurement waves and how staff pages name a wave occasion; shared by planning
// (worker/schedule/schedule.ts), summaries and pages. Pure; no imports.
export const WAVES = ["T1", "T2", "T3"] as const;
export type Wave = (typeof WAVES)[number];

/** Interval wave occasions have seq INTERVAL_SEQ_BASE + weeks since the pilot start (T1..T3 have 1..3). */
export const INTERVAL_SEQ_BASE = 100;
/** Imported occasions get seq 100000 + days since 2000-01-01, far from the schedule's seq numbers. */
export const IMPORT_SEQ_BASE = 100_000;
/**
 * How staff pages name a wave occasion: T1/T2/T3, "week n" for an interval measurement, "import" for one imported
 * from a file (worker/studies/import.ts; its date says when).
 */
export const waveLabel = (wave: string | null, seq: number) =>
  wave ?? (seq >= IMPORT_SEQ_BASE ? "import" : `week ${seq - INTERVAL_SEQ_BASE}`);
