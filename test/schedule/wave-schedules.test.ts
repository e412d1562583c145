// A wave instrument at its own interval besides T1/T2/T3 (issue 16 item 3; Gezinshuizen asked TASC every two
// months, report §2.4): pure planning, validated with bounds, never a duplicate occasion.
import { describe, expect, it } from "vitest";
import {
  addDays,
  DEFAULT_SCHEDULE,
  dueOccasions,
  planOccasions,
  validateSchedule,
  type PilotSchedule,
} from "../../worker/schedule/schedule";
import { INTERVAL_SEQ_BASE } from "../../core/waves";

const START = "2026-01-05";
const FREQUENT = ["welzijn"];
const schedule = (more: Partial<PilotSchedule> = {}): PilotSchedule => ({ ...DEFAULT_SCHEDULE, ...more });

describe("wave instrument at its own interval", () => {
  it("plans TASC every 8 weeks besides T1/T2/T3, leaving out dates inside a T window", () => {
    const plan = planOccasions(START, schedule({ waveSchedules: { tasc: { everyWeeks: 8 } } }), FREQUENT, [
      "gcir",
      "tasc",
    ]);
    const waves = plan.filter((o) => o.kind === "wave");
    expect(waves.filter((o) => o.wave).map((o) => [o.wave, o.seq, o.instruments])).toEqual([
      ["T1", 1, ["gcir", "tasc"]],
      ["T2", 2, ["gcir", "tasc"]],
      ["T3", 3, ["gcir", "tasc"]],
    ]);
    const interval = waves.filter((o) => o.wave === null);
    // weeks 8, 16, ..., 48 (week 0 is T1; T2 at day 182 is week 26, not a multiple of 8; T3 at day 365 is past week 52)
    expect(interval.map((o) => o.seq - INTERVAL_SEQ_BASE)).toEqual([8, 16, 24, 32, 40, 48]);
    for (const o of interval) {
      expect(o.instruments).toEqual(["tasc"]);
      expect(o.dueDate).toBe(addDays(START, (o.seq - INTERVAL_SEQ_BASE) * 7));
      expect(o.closesDate).toBe(addDays(o.dueDate, DEFAULT_SCHEDULE.waveWindowDays));
    }
    // one occasion per (kind, seq): the occasions' unique key never meets a duplicate
    const keys = plan.map((o) => `${o.kind}:${o.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
    // sorted by date
    expect(plan.map((o) => o.dueDate)).toEqual([...plan.map((o) => o.dueDate)].sort());
  });

  it("skips an interval date inside a T window, shares one occasion between instruments due the same week", () => {
    const plan = planOccasions(
      START,
      schedule({
        waveOffsetsDays: { T1: 0, T2: 56, T3: 365 },
        waveSchedules: { tasc: { everyWeeks: 8 }, atmq: { everyWeeks: 4 } },
      }),
      FREQUENT,
      ["tasc", "atmq"],
    );
    const interval = plan.filter((o) => o.kind === "wave" && o.wave === null);
    expect(interval.find((o) => o.seq === INTERVAL_SEQ_BASE + 8)).toBeUndefined(); // day 56 = T2
    expect(interval.find((o) => o.seq === INTERVAL_SEQ_BASE + 4)!.instruments).toEqual(["atmq"]);
    const week16 = interval.find((o) => o.seq === INTERVAL_SEQ_BASE + 16)!;
    expect(week16.instruments).toEqual(["tasc", "atmq"]);
    // the window never reaches the next interval date of the shortest interval due that day
    expect(week16.closesDate).toBe(addDays(week16.dueDate, 28));
  });

  it(
    "asks nothing extra for an instrument the pilot does " + "not ask at its waves, and is pure (today as a parameter)",
    () => {
      const s = schedule({ waveSchedules: { tasc: { everyWeeks: 8 } } });
      expect(planOccasions(START, s, FREQUENT, ["gcir"]).filter((o) => o.kind === "wave" && o.wave === null)).toEqual(
        [],
      );
      const plan = planOccasions(START, s, FREQUENT, ["gcir", "tasc"]);
      expect(dueOccasions(plan, addDays(START, 56)).map((o) => [o.kind, o.seq])).toEqual([
        ["wave", INTERVAL_SEQ_BASE + 8],
        ["frequent", 5],
      ]);
      expect(dueOccasions(plan, addDays(START, 55)).filter((o) => o.kind === "wave")).toEqual([]);
      expect(planOccasions(START, s, FREQUENT, ["gcir", "tasc"])).toEqual(plan);
    },
  );

  it("refuses impossible intervals with a clear code", () => {
    expect(validateSchedule(schedule({ waveSchedules: { tasc: { everyWeeks: 8 } } }))).toEqual([]);
    for (const everyWeeks of [0, 3, 27, 8.5, Number.NaN]) {
      expect(validateSchedule(schedule({ waveSchedules: { tasc: { everyWeeks } } })), String(everyWeeks)).toEqual([
        "wave_schedules_every_weeks",
      ]);
    }
    expect(
      validateSchedule(
        schedule({
          studyLengthDays: 50,
          waveOffsetsDays: { T1: 0, T2: 20, T3: 40 },
          waveSchedules: { tasc: { everyWeeks: 8 } },
        }),
      ),
    ).toEqual(["wave_schedules_beyond_study"]);
    expect(() =>
      planOccasions(START, schedule({ waveSchedules: { tasc: { everyWeeks: 2 } } }), FREQUENT, ["tasc"]),
    ).toThrow(/wave_schedules_every_weeks/);
  });
});
