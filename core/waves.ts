// The three measurement waves and how staff pages name a wave occasion; shared by planning
// (worker/schedule/schedule.ts), summaries and pages. Pure; no imports.
export const WAVES = ["T1", "T2", "T3"] as const;
export type Wave = (typeof WAVES)[number];

/** Interval wave occasions have seq INTERVAL_SEQ_BASE + weeks since the pilot start (T1..T3 have 1..3). */
export const INTERVAL_SEQ_BASE = 100;
/** How staff pages name a wave occasion: T1/T2/T3, or "week n" for an interval measurement. */
export const waveLabel = (wave: string | null, seq: number) => wave ?? `week ${seq - INTERVAL_SEQ_BASE}`;
