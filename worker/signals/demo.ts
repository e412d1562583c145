// Demo youths whose trajectories raise each staff-signal rule at once (`npm start`; worker/demo/seed.ts):
// DEMO-VIA-03 falls (trend_down, low_twice, drop_vs_median) and has an open questionnaire for a new
// measurement, DEMO-VIA-04 missed her last three questionnaires (missed_in_row), DEMO-VIA-05 fell
// reliably between T1 and T2 (reliable_deterioration). They are the last youths of the last demo pilot
// (every 21 days), so the seeded random data of every other youth stays as it was. Pure.

export type SignalScript = {
  /** days since her pilot start (so that her last frequent occasion is open today) */
  startOffset: number;
  /** whether a closed occasion was answered */
  answered(o: { kind: "frequent" | "wave"; seq: number; wave: string | null }): boolean;
  /** a 0–10 slider answer at her k-th frequent occasion (k from 0) */
  slider(k: number): number;
  /** a wave item's answer on the instrument's scale */
  likert(wave: string | null, scale: { min: number; max: number }): number | null;
};

const SCRIPTS: Record<string, SignalScript> = {
  // 8 → 3 over a dozen occasions: the latest two ≤ 5, the latest 3 below her earlier median of 6.
  "DEMO-VIA-03": {
    startOffset: 21 * 12 + 2,
    answered: () => true,
    slider: (k) => Math.round(8 - k * 0.45),
    likert: () => null,
  },
  // Her open questionnaire closes a day after DEMO-VIA-03's, so the dev link for this pilot (the latest-closing
  // open one, used by other browser tests) is hers and DEMO-VIA-03's stays open for the signals e2e test.
  "DEMO-VIA-04": {
    startOffset: 21 * 9 + 1,
    answered: (o) => o.kind === "wave" || o.seq <= 6,
    slider: () => 7,
    likert: () => null,
  },
  "DEMO-VIA-05": {
    startOffset: 230,
    answered: () => true,
    slider: () => 7,
    likert: (wave, scale) => (wave === "T1" ? scale.max : scale.min),
  },
};

export const signalScript = (code: string): SignalScript | undefined => SCRIPTS[code];
