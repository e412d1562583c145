// Wave instrument scoring (DESIGN.md §2.2): per subscale the mean of its answered items, reverse-keyed
// items mirrored on the scale (min + max − v); "totaal" is the mean of all answered items. Nothing is
// imputed: a subscale without answered items has no score. Pure: takes the definition as data.

export type WaveDefinition = {
  key: string;
  scale?: { min: number; max: number };
  items: { key: string; type: string; subscale?: string; reverse?: boolean }[];
  subscales?: { key: string; label: { nl: string; en: string }; higherIsBetter: boolean; norm?: WaveNorm }[];
  /** norm of the total over all items (GCI-R "Totaal leefklimaat"), for its band and RCI */
  totalNorm?: WaveNorm;
};

export type WaveNorm = { mean: number; sd: number; reliability: number; p25?: number; p75?: number; demo?: boolean };

export type WaveScore = { subscale: string; n: number; itemsTotal: number; score: number | null };

export const TOTAL = "totaal";

/** Scores one wave occasion of one instrument. `answers` maps item key → value (null = not answered). */
export function scoreWave(def: WaveDefinition, answers: ReadonlyMap<string, number | null>): WaveScore[] {
  const min = def.scale?.min ?? 0;
  const max = def.scale?.max ?? 0;
  const bySub = new Map<string, { sum: number; n: number; total: number }>();
  const all = { sum: 0, n: 0, total: 0 };
  for (const item of def.items) {
    if (item.type !== "likert" || !item.subscale) continue;
    const acc = bySub.get(item.subscale) ?? { sum: 0, n: 0, total: 0 };
    acc.total++;
    all.total++;
    const raw = answers.get(item.key);
    if (typeof raw === "number" && Number.isFinite(raw)) {
      const v = item.reverse ? min + max - raw : raw;
      acc.sum += v;
      acc.n++;
      all.sum += v;
      all.n++;
    }
    bySub.set(item.subscale, acc);
  }
  const out: WaveScore[] = (def.subscales ?? []).map((s) => {
    const acc = bySub.get(s.key) ?? { sum: 0, n: 0, total: 0 };
    return { subscale: s.key, n: acc.n, itemsTotal: acc.total, score: acc.n ? acc.sum / acc.n : null };
  });
  // Instruments with one scale already call it "totaal"; the others get a total over all items.
  if (!out.some((s) => s.subscale === TOTAL))
    out.push({ subscale: TOTAL, n: all.n, itemsTotal: all.total, score: all.n ? all.sum / all.n : null });
  return out;
}

/** Subscales of a definition plus the total, with direction and norm (the total reads as higher = better). */
export function waveScales(
  def: WaveDefinition,
): { key: string; label: { nl: string; en: string }; higherIsBetter: boolean; norm?: WaveNorm }[] {
  const subs = def.subscales ?? [];
  if (subs.some((s) => s.key === TOTAL)) return subs;
  return [
    ...subs,
    {
      key: TOTAL,
      label: { nl: "Totaal", en: "Total" },
      higherIsBetter: true,
      ...(def.totalNorm ? { norm: def.totalNorm } : {}),
    },
  ];
}

/** Stored indicator key of a wave score, e.g. `wave:T2:gcir.repressie`. */
export const waveIndicatorKey = (wave: string, instrument: string, subscale: string) =>
  `wave:${wave}:${instrument}.${subscale}`;

export function parseWaveIndicatorKey(key: string): { wave: string; instrument: string; subscale: string } | null {
  const m = /^wave:(T[123]):([a-z0-9_]+)\.([a-z0-9_]+)$/.exec(key);
  return m ? { wave: m[1]!, instrument: m[2]!, subscale: m[3]! } : null;
}
