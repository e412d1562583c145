// Pure rule tests on synthetic trajectories (issue 15): each rule, exactly at its threshold, with fewer
// than 5 measurements and with missing values between measurements.
import { describe, expect, it } from "vitest";
import { describeSeries, reliableChange } from "../../worker/analysis/stats";
import {
  DEFAULT_SIGNAL_RULES,
  evaluateRules,
  type FrequentSeries,
  type OccasionFact,
  type SignalRules,
  type WaveSeries,
  type YouthFacts,
} from "../../worker/signals/rules";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
/** A series of `values` fortnightly up to NOW; null = no measurement that fortnight (missed between). */
function series(indicator: string, values: (number | null)[], higherIsBetter = true): FrequentSeries {
  const points = values
    .map((value, i) => ({ occasionId: 100 + i, at: NOW - (values.length - i) * 14 * DAY, value }))
    .filter((p): p is { occasionId: number; at: number; value: number } => p.value !== null);
  return { indicator, higherIsBetter, aggregate: "mean", points };
}
const facts = (f: Partial<YouthFacts>): YouthFacts => ({ frequent: [], waves: [], series: [], occasions: [], ...f });
const only = (rule: keyof SignalRules, extra: Partial<SignalRules> = {}): SignalRules => ({
  ...DEFAULT_SIGNAL_RULES,
  trendDown: false,
  lowTwice: false,
  dropVsMedian: false,
  reliableDeterioration: false,
  missedInRow: false,
  [rule]: true,
  ...extra,
});
const run = (f: Partial<YouthFacts>, rules: SignalRules, now = NOW) => evaluateRules(facts(f), rules, now);

describe("trend_down", () => {
  const rules = only("trendDown");
  it("fires on a significant downward Mann-Kendall trend, with the values and p as evidence", () => {
    const s = series("welzijn", [8, 7, 7, 6, 5, 4, 3]);
    const [f, ...rest] = run({ frequent: [s] }, rules);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: "trend_down", indicator: "welzijn", evidenceKey: "100,101,102,103,104,105,106" });
    const expected = describeSeries(s.points.map((p, i) => ({ day: i, value: p.value })));
    expect(f!.evidence).toMatchObject({ p: expected.p, kendallS: expected.kendallS });
    expect((f!.evidence.values as unknown[]).length).toBe(7);
  });
  it("needs 5 measurements: 4 falling values raise nothing, 5 do (the edge)", () => {
    expect(run({ frequent: [series("welzijn", [9, 7, 5, 3])] }, rules)).toEqual([]);
    // 5 strictly falling: S = -10, z = -9/sqrt(50/1)... p ≈ 0.027 < 0.05
    expect(describeSeries([9, 7, 5, 3, 1].map((value, day) => ({ day, value }))).trend).toBe("down");
    expect(run({ frequent: [series("welzijn", [9, 7, 5, 3, 1])] }, rules)).toHaveLength(1);
  });
  it("ignores an upward trend, a flat one, and the favourable direction of a higher-is-worse scale", () => {
    expect(run({ frequent: [series("welzijn", [1, 2, 3, 4, 5, 6])] }, rules)).toEqual([]);
    expect(run({ frequent: [series("welzijn", [5, 5, 5, 5, 5, 5])] }, rules)).toEqual([]);
    expect(run({ frequent: [series("x", [8, 7, 6, 5, 4, 3], false)] }, rules)).toEqual([]);
    expect(run({ frequent: [series("x", [3, 4, 5, 6, 7, 8], false)] }, rules)).toHaveLength(1);
  });
  it("skips missing fortnights between measurements and never counts yes/no indicators", () => {
    const gaps = series("welzijn", [8, null, 7, null, null, 6, 5, null, 4]);
    expect(gaps.points).toHaveLength(5);
    expect(run({ frequent: [gaps] }, rules)[0]).toMatchObject({ evidenceKey: "100,102,105,106,108" });
    expect(
      run(
        { frequent: [{ ...series("pilot_fier.weggebleven", [1, 1, 1, 0, 0, 0, 0]), aggregate: "count_yes" }] },
        rules,
      ),
    ).toEqual([]);
  });
  it("does not see measurements after now", () => {
    const s = series("welzijn", [8, 7, 6, 5, 4]);
    expect(run({ frequent: [s] }, rules, s.points[3]!.at)).toEqual([]);
  });
});

describe("low_twice", () => {
  const rules = only("lowTwice");
  it("fires when the two latest wellbeing measurements lie in the low band (≤ 5, the edge included)", () => {
    const [f] = run({ frequent: [series("welzijn", [8, 7, 5, 5])] }, rules);
    expect(f).toMatchObject({
      rule: "low_twice",
      indicator: "welzijn",
      evidenceKey: "102,103",
      evidence: { threshold: { count: 2, band: "low" } },
    });
    expect(run({ frequent: [series("welzijn", [8, 7, 5.01, 5])] }, rules)).toEqual([]);
  });
  it("reads only the latest ones, with fewer than 5 measurements, across a missed fortnight", () => {
    expect(run({ frequent: [series("basisbehoeften", [3, 4, 8])] }, rules)).toEqual([]);
    expect(run({ frequent: [series("basisbehoeften", [4, null, null, 2])] }, rules)[0]).toMatchObject({
      evidenceKey: "100,103",
    });
    expect(run({ frequent: [series("basisbehoeften", [4])] }, rules)).toEqual([]);
  });
  it("only for wellbeing and basic needs; the count is configurable", () => {
    expect(run({ frequent: [series("functioneren", [2, 2, 2])] }, rules)).toEqual([]);
    expect(run({ frequent: [series("welzijn", [8, 4, 4])] }, only("lowTwice", { lowCount: 3 }))).toEqual([]);
    expect(run({ frequent: [series("welzijn", [4, 4, 4])] }, only("lowTwice", { lowCount: 3 }))).toHaveLength(1);
  });
});

describe("drop_vs_median", () => {
  const rules = only("dropVsMedian");
  it("fires when the latest value is exactly 3 below the median of 4 earlier values", () => {
    const [f] = run({ frequent: [series("welzijn", [7, 8, 6, 7, 4])] }, rules);
    expect(f).toMatchObject({
      rule: "drop_vs_median",
      evidence: { median: 7, drop: 3, threshold: { points: 3, minEarlier: 4 } },
      evidenceKey: "104|100,101,102,103",
    });
  });
  it("does not fire just below the threshold, nor with fewer than 4 earlier values (fewer than 5 measurements)", () => {
    expect(run({ frequent: [series("welzijn", [7, 8, 6, 7, 4.01])] }, rules)).toEqual([]);
    expect(run({ frequent: [series("welzijn", [7, 8, 7, 2])] }, rules)).toEqual([]);
  });
  it("counts measurements, not fortnights: missing values between are left out of the median", () => {
    expect(run({ frequent: [series("welzijn", [7, null, 8, null, 6, 7, null, 4])] }, rules)).toHaveLength(1);
    expect(run({ frequent: [series("welzijn", [7, null, 8, null, 6, null, 3])] }, rules)).toEqual([]);
  });
  it("item means at the threshold count (floating point), and the thresholds are configurable", () => {
    expect(run({ frequent: [series("welzijn", [23 / 3, 23 / 3, 23 / 3, 23 / 3, 14 / 3])] }, rules)).toHaveLength(1);
    expect(
      run({ frequent: [series("welzijn", [7, 7, 5])] }, only("dropVsMedian", { dropPoints: 2, dropMinEarlier: 2 })),
    ).toHaveLength(1);
  });
});

describe("reliable_deterioration", () => {
  const rules = only("reliableDeterioration");
  const norm = { sd: 0.7, reliability: 0.85 }; // sdiff = 0.7·sqrt(0.15)·sqrt(2) ≈ 0.3834; critical drop ≈ 0.7515
  const scale = (scores: [string, number][], higherIsBetter = true, n: typeof norm | null = norm) => ({
    indicator: "gcir.groei",
    higherIsBetter,
    norm: n,
    scores: scores.map(([wave, score]) => ({ wave: wave as "T1", score })),
  });
  it("fires when T2 is reliably worse than T1, with the RCI as evidence", () => {
    const [f] = run(
      {
        waves: [
          scale([
            ["T1", 3.5],
            ["T2", 2.5],
          ]),
        ],
      },
      rules,
    );
    expect(f).toMatchObject({ rule: "reliable_deterioration", indicator: "gcir.groei", evidenceKey: "T1=3.5|T2=2.5" });
    expect(f!.evidence.rci as number).toBeLessThan(-1.96);
  });
  it("does not fire at |RCI| ≤ 1.96, for an improvement, or without a norm", () => {
    expect(
      run(
        {
          waves: [
            scale([
              ["T1", 3.5],
              ["T2", 2.8],
            ]),
          ],
        },
        rules,
      ),
    ).toEqual([]);
    expect(
      run(
        {
          waves: [
            scale([
              ["T1", 2.5],
              ["T2", 3.5],
            ]),
          ],
        },
        rules,
      ),
    ).toEqual([]);
    expect(
      run(
        {
          waves: [
            scale(
              [
                ["T1", 3.5],
                ["T2", 2.5],
              ],
              true,
              null,
            ),
          ],
        },
        rules,
      ),
    ).toEqual([]);
    expect(
      run(
        {
          waves: [
            scale(
              [
                ["T1", 2.5],
                ["T2", 3.5],
              ],
              false,
            ),
          ],
        },
        rules,
      ),
    ).toHaveLength(1);
  });
  it("compares T3 with T1 when T2 is missing, and the two latest waves otherwise", () => {
    expect(
      run(
        {
          waves: [
            scale([
              ["T3", 2.4],
              ["T1", 3.5],
            ]),
          ],
        },
        rules,
      )[0],
    ).toMatchObject({ evidenceKey: "T1=3.5|T3=2.4" });
    expect(
      run(
        {
          waves: [
            scale([
              ["T1", 3.5],
              ["T2", 2.4],
              ["T3", 2.4],
            ]),
          ],
        },
        rules,
      ),
    ).toEqual([]);
    expect(run({ waves: [scale([["T1", 3.5]])] }, rules)).toEqual([]);
  });
});

describe("a wave instrument asked at its own interval: its series", () => {
  const tascNorm = { sd: 0.5, reliability: 0.85 }; // sdiff = 0.5·sqrt(0.15)·sqrt(2) ≈ 0.2739; critical drop ≈ 0.5368
  /** TASC every 8 weeks up to NOW, the first measurement at T1; null = no measurement (missed between). */
  function tasc(
    scores: (number | null)[],
    opts: { higherIsBetter?: boolean; norm?: WaveSeries["norm"]; wave?: (i: number) => "T1" | "T2" | null } = {},
  ): WaveSeries {
    const points = scores
      .map((value, i) => ({
        occasionId: 500 + i,
        at: NOW - (scores.length - i) * 56 * DAY,
        wave: (opts.wave ? opts.wave(i) : i === 0 ? "T1" : null) as WaveSeries["points"][number]["wave"],
        value,
      }))
      .filter((p): p is WaveSeries["points"][number] => p.value !== null);
    return {
      indicator: "tasc.totaal",
      higherIsBetter: opts.higherIsBetter ?? true,
      norm: opts.norm === undefined ? tascNorm : opts.norm,
      points,
    };
  }
  /** The one finding over her series under `rules`. */
  const single = (s: WaveSeries, rules: SignalRules) => {
    const found = run({ series: [s] }, rules);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const rci = (before: number, after: number) =>
    reliableChange(before, after, { ...tascNorm, higherIsBetter: true }).rci;

  describe("reliable_deterioration", () => {
    const rules = only("reliableDeterioration");
    it("compares her latest measurement with the previous one, with both and the RCI as evidence", () => {
      const s = tasc([3, 3.2, 2.5]);
      const f = single(s, rules);
      expect(f).toMatchObject({
        rule: "reliable_deterioration",
        indicator: "tasc.totaal",
        evidenceKey: "501=3.2|502=2.5",
      });
      expect(f!.evidence).toEqual({
        values: [
          { occasionId: 501, at: s.points[1]!.at, wave: null, value: 3.2 },
          { occasionId: 502, at: s.points[2]!.at, wave: null, value: 2.5 },
        ],
        rci: rci(3.2, 2.5),
        threshold: { critical: 1.96, sd: 0.5, reliability: 0.85 },
      });
    });
    it("fires just beyond the critical RCI and not just within it", () => {
      expect(Math.abs(rci(3, 2.46))).toBeGreaterThan(1.96);
      expect(Math.abs(rci(3, 2.47))).toBeLessThan(1.96);
      expect(run({ series: [tasc([3, 2.46])] }, rules)).toHaveLength(1);
      expect(run({ series: [tasc([3, 2.47])] }, rules)).toEqual([]);
      // an improvement, and the favourable direction of a scale where higher is worse, raise nothing
      expect(run({ series: [tasc([2.4, 3])] }, rules)).toEqual([]);
      expect(run({ series: [tasc([3, 2.4], { higherIsBetter: false })] }, rules)).toEqual([]);
      expect(run({ series: [tasc([2.4, 3], { higherIsBetter: false })] }, rules)).toHaveLength(1);
    });
    it("needs two measurements, skips a missing one between, and sees no measurement after now", () => {
      expect(run({ series: [tasc([2.5])] }, rules)).toEqual([]);
      expect(run({ series: [tasc([null, 2.5])] }, rules)).toEqual([]);
      // the missed measurement between: the latest against the previous answered one
      expect(run({ series: [tasc([3.2, null, 2.5])] }, rules)[0]).toMatchObject({ evidenceKey: "500=3.2|502=2.5" });
      const later = tasc([3.2, 2.5]);
      expect(run({ series: [later] }, rules, later.points[1]!.at - 1)).toEqual([]);
      expect(run({ series: [later] }, rules, later.points[1]!.at)).toHaveLength(1);
    });
    it("raises nothing on a scale without a norm (or with a bad one)", () => {
      expect(run({ series: [tasc([3.2, 2.5], { norm: null })] }, rules)).toEqual([]);
      expect(run({ series: [tasc([3.2, 2.5], { norm: { sd: 0, reliability: 0.85 } })] }, rules)).toEqual([]);
    });
    it("orders by answer time, and a new measurement is new evidence", () => {
      // an interval measurement answered before T2, another after it: T2 is compared with the one before it
      const s = tasc([3.4, 3.3, 2.6, 2.55], { wave: (i) => (i === 0 ? "T1" : i === 2 ? "T2" : null) });
      expect(run({ series: [s] }, rules)).toEqual([]);
      const [f] = run({ series: [{ ...s, points: s.points.slice(0, 3) }] }, rules);
      expect(f).toMatchObject({ evidenceKey: "501=3.3|502=2.6" });
      expect((f!.evidence.values as { wave: string | null }[]).map((v) => v.wave)).toEqual([null, "T2"]);
      const next = tasc([3.4, 3.3, 2.6, 2]);
      expect(run({ series: [next] }, rules)[0]!.evidenceKey).toBe("502=2.6|503=2");
    });
    it("replaces the T-wave comparison of the same scale; without an interval measurement the waves decide", () => {
      const waves = [
        {
          indicator: "tasc.totaal",
          higherIsBetter: true,
          norm: tascNorm,
          scores: [
            { wave: "T1" as const, score: 3.5 },
            { wave: "T2" as const, score: 2.5 },
          ],
        },
      ];
      const onlyWaves = tasc([3.5, 2.5], { wave: (i) => (i === 0 ? "T1" : "T2") });
      expect(run({ waves, series: [onlyWaves] }, rules).map((f) => f.evidenceKey)).toEqual(["T1=3.5|T2=2.5"]);
      // her interval measurement after T2 did not fall further: no deterioration between the two latest
      const withInterval = tasc([3.5, 2.5, 2.6], { wave: (i) => (i === 0 ? "T1" : i === 1 ? "T2" : null) });
      expect(run({ waves, series: [withInterval] }, rules)).toEqual([]);
      // an interval measurement after now does not exist yet: the waves decide
      expect(run({ waves, series: [withInterval] }, rules, withInterval.points[2]!.at - 1)).toHaveLength(1);
      // another scale keeps its wave comparison
      const other = { ...waves[0]!, indicator: "gcir.groei" };
      expect(run({ waves: [other], series: [withInterval] }, rules).map((f) => f.indicator)).toEqual(["gcir.groei"]);
    });
  });

  describe("trend_down", () => {
    const rules = only("trendDown");
    it("a significant falling Mann-Kendall trend from 5 measurements, named after the stored series", () => {
      const s = tasc([3.5, 3.3, 3.1, 2.9, 2.7]);
      const f = single(s, rules);
      expect(f).toMatchObject({
        rule: "trend_down",
        indicator: "series:tasc.totaal",
        evidenceKey: "500,501,502,503,504",
      });
      const expected = describeSeries(s.points.map((p, day) => ({ day, value: p.value })));
      expect(expected.p!).toBeLessThan(0.05);
      expect(f!.evidence).toMatchObject({ p: expected.p, kendallS: -10 });
      expect(run({ series: [tasc([3.5, 3.3, 3.1, 2.9])] }, rules)).toEqual([]);
    });
    it("skips a missing measurement between, and follows the scale's direction", () => {
      const [f] = run({ series: [tasc([3.5, null, 3.3, 3.1, null, 2.9, 2.7])] }, rules);
      expect(f).toMatchObject({ evidenceKey: "500,502,503,505,506" });
      expect(run({ series: [tasc([3.5, null, 3.3, 3.1, null, 2.9])] }, rules)).toEqual([]);
      expect(run({ series: [tasc([3.5, 3.3, 3.1, 2.9, 2.7], { higherIsBetter: false })] }, rules)).toEqual([]);
      expect(run({ series: [tasc([2.7, 2.9, 3.1, 3.3, 3.5], { higherIsBetter: false })] }, rules)).toHaveLength(1);
      expect(run({ series: [tasc([2.7, 2.9, 3.1, 3.3, 3.5])] }, rules)).toEqual([]);
    });
    it("not over T waves alone (no series is stored then), nor with the rule switched off", () => {
      const waves = tasc([3.5, 3.3, 3.1, 2.9, 2.7], { wave: () => "T1" });
      expect(run({ series: [waves] }, rules)).toEqual([]);
      expect(run({ series: [tasc([3.5, 3.3, 3.1, 2.9, 2.7])] }, only("lowTwice"))).toEqual([]);
    });
  });
});

describe("missed_in_row", () => {
  const rules = only("missedInRow");
  const occ = (statuses: string[], closesOffset = 0): OccasionFact[] =>
    statuses.map((status, i) => ({
      id: 10 + i,
      kind: "frequent",
      seq: i + 1,
      dueDate: `2026-0${1 + Math.floor(i / 2)}-${i % 2 ? 15 : "01"}`,
      closesAt: NOW - (statuses.length - i) * DAY + closesOffset,
      status,
    }));
  it("fires on exactly three closed frequent occasions missed in a row", () => {
    const [f] = run({ occasions: occ(["completed", "missed", "missed", "missed"]) }, rules);
    expect(f).toMatchObject({
      rule: "missed_in_row",
      indicator: "response",
      evidenceKey: "11,12,13",
      evidence: { threshold: { count: 3 } },
    });
    expect(run({ occasions: occ(["missed", "missed", "completed", "missed", "missed"]) }, rules)).toEqual([]);
  });
  it("ignores open, cancelled and wave occasions, and occasions closing after now", () => {
    const list = [
      ...occ(["missed", "missed", "missed"]),
      { id: 99, kind: "frequent" as const, seq: 9, dueDate: "2026-12-01", closesAt: NOW + DAY, status: "open" },
    ];
    expect(run({ occasions: list }, rules)).toHaveLength(1);
    expect(run({ occasions: occ(["missed", "cancelled", "missed"]) }, rules)).toEqual([]);
    expect(
      run({ occasions: occ(["missed", "missed", "missed"]).map((o) => ({ ...o, kind: "wave" as const })) }, rules),
    ).toEqual([]);
    expect(run({ occasions: occ(["missed", "missed", "missed"], 2 * DAY) }, rules)).toEqual([]);
  });
});

describe("all rules together", () => {
  it("a youth can raise several rules at once; the defaults switch every rule on and the mail off", () => {
    expect(DEFAULT_SIGNAL_RULES).toMatchObject({
      trendDown: true,
      lowTwice: true,
      dropVsMedian: true,
      reliableDeterioration: true,
      missedInRow: true,
      mail: false,
    });
    const found = run({ frequent: [series("welzijn", [8, 8, 7, 7, 6, 5, 4, 3])] }, DEFAULT_SIGNAL_RULES).map(
      (f) => f.rule,
    );
    expect(found.sort()).toEqual(["drop_vs_median", "low_twice", "trend_down"]);
  });
});
