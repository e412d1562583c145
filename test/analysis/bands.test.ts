// Every colour-band method of DESIGN.md §3 (report table 2.3), with the group statistics checked
// against NumPy and R (test/analysis/reference/vectors.json, "groups").
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BAND_LEGEND,
  bandFixed,
  bandNormSd,
  bandOwnGroupPercentiles,
  bandOwnGroupSd,
  bandPercentiles,
  quantileType7,
  sampleSd,
} from "../../worker/analysis/bands";
import vectors from "./reference/vectors.json";

const close = (a: number | null, b: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs(a! - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

describe("group statistics agree with NumPy and R to 1e-9", () => {
  it.each(vectors.groups.map((g) => [JSON.stringify(g.scores), g] as [string, (typeof vectors.groups)[number]]))(
    "%s",
    (_k, g) => {
      close(sampleSd(g.scores), g.sd);
      close(quantileType7(g.scores, 0.25), g.p25);
      close(quantileType7(g.scores, 0.75), g.p75);
    },
  );

  it("handles degenerate input", () => {
    expect(sampleSd([3])).toBeNull();
    expect(quantileType7([], 0.5)).toBeNull();
    expect(quantileType7([1, 2], 1.5)).toBeNull();
    expect(quantileType7([4], 0.25)).toBe(4);
  });
});

describe("fixed cut-offs (adapted ORS, basic needs, pilot items): ≥ 7 high, > 5 and < 7 middle, ≤ 5 low", () => {
  it.each([
    [0, "low"],
    [5, "low"],
    [5.0001, "middle"],
    [6.9999, "middle"],
    [7, "high"],
    [10, "high"],
  ] as const)("%s → %s", (score, band) => expect(bandFixed(score)).toBe(band));

  it("no score, no band", () => {
    expect(bandFixed(null)).toBeNull();
    expect(bandFixed(undefined)).toBeNull();
    expect(bandFixed(Number.NaN)).toBeNull();
  });
});

describe("±1 SD of a norm (GCI-R)", () => {
  const norm = { mean: 3.4, sd: 0.7, higherIsBetter: true };
  it("strictly above mean + SD is high, strictly below mean − SD low, the cut-offs themselves middle", () => {
    expect(bandNormSd(4.2, norm)).toBe("high");
    expect(bandNormSd(3.4 + 0.7, norm)).toBe("middle");
    expect(bandNormSd(3.4, norm)).toBe("middle");
    expect(bandNormSd(3.4 - 0.7, norm)).toBe("middle");
    expect(bandNormSd(2.6, norm)).toBe("low");
  });
  it("inverts for Repressie (higher is worse), so green always reads as favourable", () => {
    const rep = { mean: 2.9, sd: 0.7, higherIsBetter: false };
    expect(bandNormSd(4, rep)).toBe("low");
    expect(bandNormSd(2, rep)).toBe("high");
    expect(bandNormSd(2.9, rep)).toBe("middle");
  });
});

describe("norm percentiles (ATMQ)", () => {
  const norm = { p25: 2.0, p75: 2.6 };
  it("above P75 high, below P25 low, between (inclusive) middle", () => {
    expect(bandPercentiles(2.7, norm)).toBe("high");
    expect(bandPercentiles(2.6, norm)).toBe("middle");
    expect(bandPercentiles(2.0, norm)).toBe("middle");
    expect(bandPercentiles(1.9, norm)).toBe("low");
    expect(bandPercentiles(null, norm)).toBeNull();
  });
});

describe("±1 SD of the own group at T1 (TASC)", () => {
  const group = vectors.groups[0]!; // mean 3.5, sd 0.524…
  it("uses the group's mean and sample SD", () => {
    expect(bandOwnGroupSd(group.mean + group.sd + 1e-6, group.scores)).toBe("high");
    expect(bandOwnGroupSd(group.mean + group.sd - 1e-6, group.scores)).toBe("middle");
    expect(bandOwnGroupSd(group.mean - group.sd - 1e-6, group.scores)).toBe("low");
    expect(bandOwnGroupSd(group.mean, group.scores)).toBe("middle");
  });
  it("ignores missing group scores and gives no band below two scores", () => {
    expect(bandOwnGroupSd(3, [null, 3.2, undefined, Number.NaN])).toBeNull();
    expect(bandOwnGroupSd(10, [null, ...group.scores])).toBe("high");
    expect(bandOwnGroupSd(null, group.scores)).toBeNull();
  });
  it("a group of identical scores has SD 0: only exact equals are middle", () => {
    expect(bandOwnGroupSd(2.5, [2.5, 2.5])).toBe("middle");
    expect(bandOwnGroupSd(2.6, [2.5, 2.5])).toBe("high");
  });
});

describe("percentiles of the own group (RIS-L)", () => {
  const g = vectors.groups[2]!; // skewed counts
  it("uses type-7 quartiles of the group and can invert for risks", () => {
    expect(bandOwnGroupPercentiles(g.p75 + 1, g.scores)).toBe("high");
    expect(bandOwnGroupPercentiles(g.p25 - 1, g.scores)).toBe("low");
    expect(bandOwnGroupPercentiles(g.p75, g.scores)).toBe("middle");
    expect(bandOwnGroupPercentiles(g.p75 + 1, g.scores, false)).toBe("low");
    expect(bandOwnGroupPercentiles(1, [1])).toBeNull();
  });
});

describe("band properties", () => {
  it("every band function returns a legend key or null, and is monotone in the score", () => {
    const rank = { low: 0, middle: 1, high: 2 } as const;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 2, maxLength: 15 }),
        fc.double({ min: -5, max: 15, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (group, x, d) => {
          for (const f of [
            (s: number) => bandFixed(s),
            (s: number) => bandNormSd(s, { mean: 5, sd: 1, higherIsBetter: true }),
            (s: number) => bandOwnGroupSd(s, group),
            (s: number) => bandOwnGroupPercentiles(s, group),
          ]) {
            const a = f(x);
            const b = f(x + d);
            expect(a === null || a in BAND_LEGEND).toBe(true);
            if (a && b) expect(rank[b]).toBeGreaterThanOrEqual(rank[a]);
          }
        },
      ),
    );
  });
});
