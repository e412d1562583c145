import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_SCHEDULE,
  addDays,
  daysBetween,
  dueOccasions,
  expiredOccasions,
  isoWeekday,
  localDate,
  localWallClock,
  offsetTransitionsOn,
  planOccasions,
  timeZoneOffsetMs,
  validateSchedule,
  zonedTimeToUtc,
  type PilotSchedule,
} from "../../worker/schedule/schedule";

const AMS = "Europe/Amsterdam";
const H = 3_600_000;
// Zones with unusual rules: 30-minute DST (Lord Howe), transitions at midnight (Santiago, Havana),
// 45-minute offsets (Chatham), southern hemisphere, no DST (Kolkata).
const ZONES = [
  AMS,
  "UTC",
  "America/New_York",
  "Australia/Lord_Howe",
  "America/Santiago",
  "America/Havana",
  "Pacific/Chatham",
  "Asia/Kolkata",
];
const FREQ = ["ors", "functioning", "needs", "pilot"];
const WAVES = ["gcir", "atmq"];
const sched = (over: Partial<PilotSchedule> = {}): PilotSchedule => ({ ...DEFAULT_SCHEDULE, ...over });
const dateArb = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })
  .map((t) => new Date(t).toISOString().slice(0, 10));

describe("calendar dates", () => {
  it("adds days across month, year and leap-day boundaries", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-01-01", 365)).toBe("2027-01-01");
    expect(addDays("2026-03-29", 0)).toBe("2026-03-29");
  });

  it("counts days signed, ignoring DST (calendar days, not 24h periods)", () => {
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
    expect(daysBetween("2028-01-01", "2029-01-01")).toBe(366);
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
    expect(daysBetween("2026-03-30", "2026-03-28")).toBe(-2);
  });

  it("rejects malformed and impossible dates and fractional day counts", () => {
    for (const bad of ["2026-02-30", "2026-2-3", "2026-13-01", "2026-00-10", "", "2026-03-29T00:00"]) {
      expect(() => addDays(bad, 1)).toThrow(RangeError);
    }
    expect(() => addDays("2026-01-01", 1.5)).toThrow(RangeError);
  });

  it("gives ISO weekdays", () => {
    expect(isoWeekday("1970-01-01")).toBe(4);
    expect(isoWeekday("2026-03-29")).toBe(7);
    expect(isoWeekday("2026-03-30")).toBe(1);
    expect(isoWeekday("2026-10-25")).toBe(7);
    expect(isoWeekday("1969-12-29")).toBe(1);
  });

  it("addDays and daysBetween are inverse (property)", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -4000, max: 4000 }), (d, n) => {
        expect(daysBetween(d, addDays(d, n))).toBe(n);
        expect(addDays(addDays(d, n), -n)).toBe(d);
        expect(isoWeekday(addDays(d, 7 * Math.trunc(n / 7)))).toBe(isoWeekday(d));
      }),
    );
  });
});

describe("localDate / localWallClock", () => {
  it("uses the zone's date around local midnight in winter and summer", () => {
    expect(localDate(Date.UTC(2026, 0, 1, 22, 59), AMS)).toBe("2026-01-01");
    expect(localDate(Date.UTC(2026, 0, 1, 23, 0), AMS)).toBe("2026-01-02");
    expect(localDate(Date.UTC(2026, 6, 1, 21, 59), AMS)).toBe("2026-07-01");
    expect(localDate(Date.UTC(2026, 6, 1, 22, 0), AMS)).toBe("2026-07-02");
    expect(localDate(Date.UTC(2026, 0, 1, 10, 0), "Pacific/Kiritimati")).toBe("2026-01-02");
    expect(localDate(Date.UTC(2026, 0, 1, 7, 59), "America/Los_Angeles")).toBe("2025-12-31");
    expect(localDate(Date.UTC(2026, 0, 1, 0, 0), "UTC")).toBe("2026-01-01");
  });

  it("follows both 2026 Amsterdam clock changes", () => {
    expect(localWallClock(Date.UTC(2026, 2, 29, 0, 59, 59), AMS)).toEqual({
      date: "2026-03-29",
      hour: 1,
      minute: 59,
      second: 59,
    });
    expect(localWallClock(Date.UTC(2026, 2, 29, 1, 0), AMS)).toEqual({
      date: "2026-03-29",
      hour: 3,
      minute: 0,
      second: 0,
    });
    expect(localWallClock(Date.UTC(2026, 9, 25, 0, 59), AMS)).toEqual({
      date: "2026-10-25",
      hour: 2,
      minute: 59,
      second: 0,
    });
    expect(localWallClock(Date.UTC(2026, 9, 25, 1, 0), AMS)).toEqual({
      date: "2026-10-25",
      hour: 2,
      minute: 0,
      second: 0,
    });
    expect(localWallClock(Date.UTC(2026, 0, 1, 23, 0), AMS).hour).toBe(0);
  });

  it("reports offsets and transition instants", () => {
    expect(timeZoneOffsetMs(Date.UTC(2026, 0, 15), AMS)).toBe(H);
    expect(timeZoneOffsetMs(Date.UTC(2026, 6, 15), AMS)).toBe(2 * H);
    expect(timeZoneOffsetMs(Date.UTC(2026, 6, 15, 0, 0, 0, 999), AMS)).toBe(2 * H);
    expect(timeZoneOffsetMs(Date.UTC(2026, 0, 15), "Asia/Kolkata")).toBe(5.5 * H);
    expect(offsetTransitionsOn("2026-03-29", AMS)).toEqual([Date.UTC(2026, 2, 29, 1, 0)]);
    expect(offsetTransitionsOn("2026-10-25", AMS)).toEqual([Date.UTC(2026, 9, 25, 1, 0)]);
    expect(offsetTransitionsOn("2026-03-28", AMS)).toEqual([]);
    expect(offsetTransitionsOn("2026-06-01", "Asia/Kolkata")).toEqual([]);
  });

  it("rejects unknown zones and non-finite instants", () => {
    expect(() => localDate(0, "Mars/Olympus_Mons")).toThrow(RangeError);
    expect(() => localDate(Number.NaN, AMS)).toThrow(RangeError);
  });
});

describe("zonedTimeToUtc", () => {
  it("converts ordinary winter and summer times", () => {
    expect(zonedTimeToUtc("2026-01-15", 8, 0, AMS)).toBe(Date.UTC(2026, 0, 15, 7, 0));
    expect(zonedTimeToUtc("2026-07-15", 8, 0, AMS)).toBe(Date.UTC(2026, 6, 15, 6, 0));
    expect(zonedTimeToUtc("2026-07-15", 0, 0, AMS)).toBe(Date.UTC(2026, 6, 14, 22, 0));
    expect(zonedTimeToUtc("2026-07-15", 23, 59, "UTC")).toBe(Date.UTC(2026, 6, 15, 23, 59));
    expect(zonedTimeToUtc("2026-01-15", 8, 0, "Asia/Kolkata")).toBe(Date.UTC(2026, 0, 15, 2, 30));
  });

  it("spring forward 2026-03-29 Amsterdam: gap times move to 03:00 CEST", () => {
    expect(zonedTimeToUtc("2026-03-29", 1, 59, AMS)).toBe(Date.UTC(2026, 2, 29, 0, 59));
    for (const [h, m] of [
      [2, 0],
      [2, 30],
      [2, 59],
      [3, 0],
    ] as const) {
      expect(zonedTimeToUtc("2026-03-29", h, m, AMS)).toBe(Date.UTC(2026, 2, 29, 1, 0));
    }
    expect(zonedTimeToUtc("2026-03-29", 3, 1, AMS)).toBe(Date.UTC(2026, 2, 29, 1, 1));
    expect(zonedTimeToUtc("2026-03-29", 8, 0, AMS)).toBe(Date.UTC(2026, 2, 29, 6, 0));
    expect(zonedTimeToUtc("2026-03-28", 8, 0, AMS)).toBe(Date.UTC(2026, 2, 28, 7, 0));
  });

  it("fall back 2026-10-25 Amsterdam: ambiguous times take the earlier (CEST) instant", () => {
    expect(zonedTimeToUtc("2026-10-25", 1, 59, AMS)).toBe(Date.UTC(2026, 9, 24, 23, 59));
    expect(zonedTimeToUtc("2026-10-25", 2, 0, AMS)).toBe(Date.UTC(2026, 9, 25, 0, 0));
    expect(zonedTimeToUtc("2026-10-25", 2, 30, AMS)).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(zonedTimeToUtc("2026-10-25", 2, 59, AMS)).toBe(Date.UTC(2026, 9, 25, 0, 59));
    expect(zonedTimeToUtc("2026-10-25", 3, 0, AMS)).toBe(Date.UTC(2026, 9, 25, 2, 0));
    expect(zonedTimeToUtc("2026-10-25", 8, 0, AMS)).toBe(Date.UTC(2026, 9, 25, 7, 0));
    expect(zonedTimeToUtc("2026-10-26", 8, 0, AMS)).toBe(Date.UTC(2026, 9, 26, 7, 0));
  });

  it("handles other zones' gaps and overlaps", () => {
    expect(zonedTimeToUtc("2026-03-08", 2, 30, "America/New_York")).toBe(Date.UTC(2026, 2, 8, 7, 0));
    expect(zonedTimeToUtc("2026-11-01", 1, 30, "America/New_York")).toBe(Date.UTC(2026, 10, 1, 5, 30));
    // Lord Howe shifts by 30 minutes: 02:00 → 02:30 on 2026-10-04.
    expect(
      localWallClock(zonedTimeToUtc("2026-10-04", 2, 15, "Australia/Lord_Howe"), "Australia/Lord_Howe"),
    ).toMatchObject({ hour: 2, minute: 30 });
  });

  it("rejects invalid wall times", () => {
    expect(() => zonedTimeToUtc("2026-01-01", 24, 0, AMS)).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2026-01-01", 8, 60, AMS)).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2026-01-01", -1, 0, AMS)).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2026-01-01", 8.5, 0, AMS)).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2026-02-29", 8, 0, AMS)).toThrow(RangeError);
  });

  it(
    "round-trips every instant's wall clock to that instant " +
      "or an earlier one showing the same wall time (property)",
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...ZONES),
          fc.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2040, 0, 1) / 60_000 }),
          (tz, min) => {
            const t = min * 60_000;
            const w = localWallClock(t, tz);
            const r = zonedTimeToUtc(w.date, w.hour, w.minute, tz);
            expect(localWallClock(r, tz)).toEqual(w);
            expect(r).toBeLessThanOrEqual(t);
            if (r < t) expect(t - r).toBeLessThanOrEqual(2 * H); // only an ambiguous (repeated) wall time
          },
        ),
        { numRuns: 500 },
      );
    },
  );

  it("returns the requested wall time, or the transition instant right after a gap (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        dateArb,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (tz, d, h, m) => {
          const r = zonedTimeToUtc(d, h, m, tz);
          const w = localWallClock(r, tz);
          const asked = `${d} ${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
          const got = `${w.date} ${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}`;
          if (got !== asked) {
            expect(got > asked).toBe(true);
            expect(timeZoneOffsetMs(r - 1, tz)).not.toBe(timeZoneOffsetMs(r, tz));
            const before = localWallClock(r - 1, tz);
            expect(
              `${before.date} ${String(before.hour).padStart(2, "0")}:${String(before.minute).padStart(2, "0")}` <
                asked,
            ).toBe(true);
          }
          // Earliest instant: a minute earlier the wall clock did not show the requested time yet.
          const prev = localWallClock(r - 60_000, tz);
          expect(
            `${prev.date} ${String(prev.hour).padStart(2, "0")}:${String(prev.minute).padStart(2, "0")}` < asked ||
              got !== asked,
          ).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("planOccasions", () => {
  const plan = planOccasions("2026-01-05", DEFAULT_SCHEDULE, FREQ, WAVES);
  const frequent = plan.filter((o) => o.kind === "frequent");
  const waves = plan.filter((o) => o.kind === "wave");

  it("has sane defaults", () => {
    expect(DEFAULT_SCHEDULE).toEqual({
      timezone: AMS,
      frequentIntervalDays: 14,
      frequentWindowDays: 10,
      waveOffsetsDays: { T1: 0, T2: 182, T3: 365 },
      waveWindowDays: 28,
      studyLengthDays: 365,
    });
    expect(validateSchedule(DEFAULT_SCHEDULE)).toEqual([]);
  });

  it("plans fortnightly frequent occasions through day 365, seq 1 on the start date", () => {
    expect(frequent).toHaveLength(27); // days 0, 14, ..., 364
    expect(frequent.map((o) => o.seq)).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
    expect(frequent[0]).toEqual({
      kind: "frequent",
      wave: null,
      seq: 1,
      dueDate: "2026-01-05",
      closesDate: "2026-01-15",
      instruments: FREQ,
    });
    expect(frequent[1]?.dueDate).toBe("2026-01-19");
    expect(frequent[26]?.dueDate).toBe("2027-01-04");
    for (const o of frequent) expect(daysBetween(o.dueDate, o.closesDate)).toBe(10);
  });

  it("plans waves T1/T2/T3 at the offsets with the wave window", () => {
    expect(waves).toEqual([
      { kind: "wave", wave: "T1", seq: 1, dueDate: "2026-01-05", closesDate: "2026-02-02", instruments: WAVES },
      { kind: "wave", wave: "T2", seq: 2, dueDate: "2026-07-06", closesDate: "2026-08-03", instruments: WAVES },
      { kind: "wave", wave: "T3", seq: 3, dueDate: "2027-01-05", closesDate: "2027-02-02", instruments: WAVES },
    ]);
  });

  it("sorts by due date, waves first on a shared day", () => {
    expect(plan).toHaveLength(30);
    expect(plan[0]?.wave).toBe("T1");
    expect(plan[1]).toMatchObject({ kind: "frequent", seq: 1 });
    expect(plan[plan.length - 1]?.wave).toBe("T3");
    for (let i = 1; i < plan.length; i++) expect(plan[i - 1]!.dueDate <= plan[i]!.dueDate).toBe(true);
  });

  it("includes an occasion landing exactly on studyLengthDays and respects the interval", () => {
    expect(planOccasions("2026-01-05", sched({ studyLengthDays: 364 }), FREQ, []).length).toBe(27);
    expect(planOccasions("2026-01-05", sched({ studyLengthDays: 363 }), FREQ, []).length).toBe(26);
    expect(planOccasions("2026-01-05", sched({ frequentIntervalDays: 28 }), FREQ, []).length).toBe(14);
    expect(planOccasions("2026-01-05", sched({ studyLengthDays: 0 }), FREQ, [])).toHaveLength(1);
  });

  it("asks instruments with instrumentEvery only on every k-th occasion, all on seq 1", () => {
    const p = planOccasions("2026-01-05", sched({ instrumentEvery: { pilot: 4, ors: 1 } }), FREQ, []);
    const withPilot = p.filter((o) => o.instruments.includes("pilot")).map((o) => o.seq);
    expect(withPilot).toEqual([1, 5, 9, 13, 17, 21, 25]);
    expect(p.every((o) => o.instruments.includes("ors"))).toBe(true);
    expect(p[1]?.instruments).toEqual(["ors", "functioning", "needs"]);
  });

  it("omits frequent occasions left without instruments but keeps grid seq numbers", () => {
    const p = planOccasions("2026-01-05", sched({ instrumentEvery: { a: 2, b: 4 } }), ["a", "b"], []);
    expect(p.map((o) => o.seq)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27]);
    expect(p[2]).toMatchObject({ seq: 5, dueDate: "2026-03-02", instruments: ["a", "b"] });
    expect(planOccasions("2026-01-05", DEFAULT_SCHEDULE, [], WAVES).every((o) => o.kind === "wave")).toBe(true);
    expect(planOccasions("2026-01-05", DEFAULT_SCHEDULE, FREQ, []).every((o) => o.kind === "frequent")).toBe(true);
  });

  it("does not share instrument arrays with the caller", () => {
    const freq = ["x"];
    const waveInstr = ["y"];
    const p = planOccasions("2026-01-05", DEFAULT_SCHEDULE, freq, waveInstr);
    p[0]!.instruments.push("mutated");
    expect(freq).toEqual(["x"]);
    expect(waveInstr).toEqual(["y"]);
    expect(p.filter((o) => o.instruments.includes("mutated"))).toHaveLength(1);
  });

  it("validates schedules with stable codes and refuses to plan invalid ones", () => {
    const cases: [Partial<PilotSchedule>, string][] = [
      [{ frequentIntervalDays: 13 }, "frequent_interval_days"],
      [{ frequentIntervalDays: 29 }, "frequent_interval_days"],
      [{ frequentIntervalDays: 14.5 }, "frequent_interval_days"],
      [{ frequentWindowDays: 0 }, "frequent_window_days"],
      [{ frequentWindowDays: 15 }, "frequent_window_days"],
      [{ waveOffsetsDays: { T1: 0, T2: 0, T3: 365 } }, "wave_offsets_days"],
      [{ waveOffsetsDays: { T1: 0, T2: 182, T3: 182 } }, "wave_offsets_days"],
      [{ waveWindowDays: 0 }, "wave_window_days"],
      [{ studyLengthDays: -1 }, "study_length_days"],
      [{ instrumentEvery: { pilot: 0 } }, "instrument_every"],
      [{ instrumentEvery: { pilot: 1.5 } }, "instrument_every"],
      [{ timezone: "Nowhere/Land" }, "timezone"],
    ];
    for (const [over, code] of cases) {
      expect(validateSchedule(sched(over))).toEqual([code]);
      expect(() => planOccasions("2026-01-05", sched(over), FREQ, WAVES)).toThrow(RangeError);
    }
    expect(validateSchedule(sched({ frequentIntervalDays: 28, frequentWindowDays: 28 }))).toEqual([]);
    expect(() => planOccasions("2026-02-30", DEFAULT_SCHEDULE, FREQ, WAVES)).toThrow(RangeError);
  });

  it("never overlaps frequent occasions and stays within the study length (property)", () => {
    const arb = fc.record({
      start: dateArb,
      interval: fc.integer({ min: 14, max: 28 }),
      windowFrac: fc.double({ min: 0, max: 1, noNaN: true }),
      length: fc.integer({ min: 0, max: 800 }),
      every: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(arb, ({ start, interval, windowFrac, length, every }) => {
        const window = Math.max(1, Math.round(windowFrac * interval));
        const p = planOccasions(
          start,
          sched({
            frequentIntervalDays: interval,
            frequentWindowDays: window,
            studyLengthDays: length,
            instrumentEvery: { b: every },
          }),
          ["a", "b"],
          WAVES,
        );
        const f = p.filter((o) => o.kind === "frequent");
        expect(f).toHaveLength(Math.floor(length / interval) + 1);
        f.forEach((o, i) => {
          expect(daysBetween(start, o.dueDate)).toBe(i * interval);
          expect(o.seq).toBe(i + 1);
          expect(o.instruments.includes("b")).toBe(i % every === 0);
          expect(daysBetween(start, o.dueDate)).toBeLessThanOrEqual(length);
          const next = f[i + 1];
          if (next) expect(o.closesDate <= next.dueDate).toBe(true);
        });
        expect(p.filter((o) => o.kind === "wave").map((o) => daysBetween(start, o.dueDate))).toEqual([0, 182, 365]);
      }),
    );
  });
});

describe("dueOccasions / expiredOccasions", () => {
  const plan = planOccasions("2026-01-05", DEFAULT_SCHEDULE, FREQ, WAVES);
  const keys = (os: typeof plan) => os.map((o) => `${o.kind}:${o.seq}`);

  it("opens on the due date and closes on closesDate (exclusive)", () => {
    expect(dueOccasions(plan, "2026-01-04")).toEqual([]);
    expect(keys(dueOccasions(plan, "2026-01-05"))).toEqual(["wave:1", "frequent:1"]);
    expect(keys(dueOccasions(plan, "2026-01-14"))).toEqual(["wave:1", "frequent:1"]);
    expect(keys(dueOccasions(plan, "2026-01-15"))).toEqual(["wave:1"]);
    expect(keys(dueOccasions(plan, "2026-01-19"))).toEqual(["wave:1", "frequent:2"]);
    expect(keys(dueOccasions(plan, "2026-02-02"))).toEqual(["frequent:3"]);
    expect(keys(expiredOccasions(plan, "2026-01-15"))).toEqual(["frequent:1"]);
    expect(keys(expiredOccasions(plan, "2026-02-02"))).toEqual(["wave:1", "frequent:1", "frequent:2"]);
    expect(expiredOccasions(plan, "2026-01-14")).toEqual([]);
    expect(expiredOccasions(plan, "2028-01-01")).toHaveLength(plan.length);
  });

  it("keeps extra fields of caller rows", () => {
    const rows = [{ id: 7, dueDate: "2026-01-05", closesDate: "2026-01-15" }];
    expect(dueOccasions(rows, "2026-01-10")[0]?.id).toBe(7);
    expect(() => dueOccasions(rows, "10-01-2026")).toThrow(RangeError);
  });

  it("puts every occasion in exactly one of future / open / expired on any day (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -30, max: 420 }), (n) => {
        const today = addDays("2026-01-05", n);
        const open = new Set(dueOccasions(plan, today));
        const expired = new Set(expiredOccasions(plan, today));
        for (const o of plan) {
          const future = today < o.dueDate;
          expect([future, open.has(o), expired.has(o)].filter(Boolean)).toHaveLength(1);
        }
        expect(dueOccasions(plan, today).filter((o) => o.kind === "frequent").length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
