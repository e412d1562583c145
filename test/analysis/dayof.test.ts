// dayOf caches zone offsets per 15-minute bucket; it must agree with the exact Intl-based computation
// everywhere, also around daylight-saving changes and local midnight.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayOf } from "../../worker/analysis/recompute";
import { daysBetween, localDate } from "../../worker/schedule/schedule";

const ZONES = ["Europe/Amsterdam", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"];

describe("dayOf", () => {
  it("equals daysBetween(start, localDate(at)) for any instant and zone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(...ZONES),
        (at, tz) => {
          expect(dayOf("2024-02-29", at, tz)).toBe(daysBetween("2024-02-29", localDate(at, tz)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("is exact minute by minute across both Amsterdam daylight-saving changes and around midnight", () => {
    for (const base of [Date.UTC(2026, 2, 29, 0, 0), Date.UTC(2026, 9, 25, 0, 0), Date.UTC(2026, 5, 1, 21, 30)]) {
      for (let m = 0; m < 4 * 60; m++) {
        const at = base + m * 60_000 + 59_999;
        expect(dayOf("2026-01-01", at, "Europe/Amsterdam")).toBe(
          daysBetween("2026-01-01", localDate(at, "Europe/Amsterdam")),
        );
      }
    }
  });
});
