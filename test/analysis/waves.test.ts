import { describe, expect, it } from "vitest";
import { ATMQ, GCIR } from "../../schema/instruments/definitions";
import { parseWaveIndicatorKey, scoreWave, waveIndicatorKey, type WaveDefinition } from "../../worker/analysis/waves";

const def: WaveDefinition = {
  key: "x",
  scale: { min: 1, max: 5 },
  items: [
    { key: "a", type: "likert", subscale: "s1" },
    { key: "b", type: "likert", subscale: "s1", reverse: true },
    { key: "c", type: "likert", subscale: "s2" },
    { key: "d", type: "likert", subscale: "s2" },
  ],
  subscales: [
    { key: "s1", label: { nl: "S1", en: "S1" }, higherIsBetter: true },
    { key: "s2", label: { nl: "S2", en: "S2" }, higherIsBetter: false },
  ],
};

describe("scoreWave", () => {
  it("averages answered items per subscale, mirrors reverse-keyed items, and adds a total over all items", () => {
    const s = scoreWave(
      def,
      new Map([
        ["a", 4],
        ["b", 2],
        ["c", 1],
        ["d", null],
      ]),
    );
    expect(s).toEqual([
      { subscale: "s1", n: 2, itemsTotal: 2, score: (4 + (1 + 5 - 2)) / 2 },
      { subscale: "s2", n: 1, itemsTotal: 2, score: 1 },
      { subscale: "totaal", n: 3, itemsTotal: 4, score: (4 + 4 + 1) / 3 },
    ]);
  });

  it("gives no score, never 0, to a subscale without answers", () => {
    const s = scoreWave(def, new Map());
    expect(s.every((x) => x.score === null && x.n === 0)).toBe(true);
  });

  it("scores the shipped GCI-R (5 subscales × 8 items + total) and ATMQ (one total)", () => {
    const all = (n: number, v: (i: number) => number) =>
      new Map(Array.from({ length: n }, (_, i) => [`item${i + 1}`, v(i + 1)] as [string, number]));
    const g = scoreWave(
      GCIR,
      all(40, (i) => (i <= 8 ? 5 : 1)),
    );
    expect(g.map((x) => x.subscale)).toEqual([
      "ondersteuning",
      "groei",
      "repressie",
      "onderlinge_omgang",
      "leefomgeving",
      "totaal",
    ]);
    expect(g[0]!.score).toBe(5);
    expect(g[1]!.score).toBe(1);
    expect(g[5]!.score).toBe((8 * 5 + 32) / 40);
    const a = scoreWave(
      ATMQ,
      all(11, () => 2),
    );
    expect(a).toEqual([{ subscale: "totaal", n: 11, itemsTotal: 11, score: 2 }]);
  });

  it("round-trips indicator keys and rejects others", () => {
    expect(parseWaveIndicatorKey(waveIndicatorKey("T2", "gcir", "onderlinge_omgang"))).toEqual({
      wave: "T2",
      instrument: "gcir",
      subscale: "onderlinge_omgang",
    });
    expect(parseWaveIndicatorKey("welzijn")).toBeNull();
    expect(parseWaveIndicatorKey("wave:T4:gcir.x")).toBeNull();
  });
});
