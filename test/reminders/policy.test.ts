import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  DEFAULT_POLICY,
  decideNextMessage,
  isQuietTime,
  nextSendableTime,
  validatePolicy,
  type MessageKind,
  type OccasionState,
  type ReminderPolicy,
} from "../../worker/schedule/reminder-policy";

const AMS = "Europe/Amsterdam";
const H = 3_600_000;
const DAY = 86_400_000;
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
const pol = (over: Partial<ReminderPolicy> = {}): ReminderPolicy => ({ ...DEFAULT_POLICY, ...over });
const everyDay = pol({ quietWeekdays: [] });
/** Instants written in UTC; the local Amsterdam time is in the comment next to each use. */
const utc = (mo: number, d: number, h: number, mi = 0) => Date.UTC(2026, mo - 1, d, h, mi);

describe("policy defaults and validation", () => {
  it("has the agreed defaults", () => {
    expect(DEFAULT_POLICY).toEqual({
      firstReminderAfterDays: 3,
      maxReminders: 3,
      minSpacingDays: 3,
      quietHours: { start: "21:00", end: "08:00" },
      quietWeekdays: [7],
      mentorAfterLastReminder: false,
      mentorAfterDays: 2,
      timezone: AMS,
    });
    expect(validatePolicy(DEFAULT_POLICY)).toEqual([]);
  });

  it("reports problems as stable codes", () => {
    expect(validatePolicy(pol({ maxReminders: -1 }))).toEqual(["max_reminders"]);
    expect(validatePolicy(pol({ firstReminderAfterDays: 1.5 }))).toEqual(["first_reminder_after_days"]);
    expect(validatePolicy(pol({ minSpacingDays: -3 }))).toEqual(["min_spacing_days"]);
    expect(validatePolicy(pol({ mentorAfterDays: Number.NaN }))).toEqual(["mentor_after_days"]);
    expect(validatePolicy(pol({ quietHours: { start: "9:00", end: "08:00" } }))).toEqual(["quiet_hours"]);
    expect(validatePolicy(pol({ quietHours: { start: "21:00", end: "24:00" } }))).toEqual(["quiet_hours"]);
    expect(validatePolicy(pol({ quietWeekdays: [0] }))).toEqual(["quiet_weekdays"]);
    expect(validatePolicy(pol({ quietWeekdays: [1, 2, 3, 4, 5, 6, 7] }))).toEqual(["quiet_weekdays"]);
    expect(validatePolicy(pol({ timezone: "Nowhere/Land" }))).toEqual(["timezone"]);
  });
});

describe("isQuietTime in Europe/Amsterdam", () => {
  it("keeps 21:00–08:00 local on both sides of the spring-forward change (29 March 2026)", () => {
    // Before: CET, UTC+1.
    expect(isQuietTime(utc(3, 27, 19, 59), DEFAULT_POLICY)).toBe(false); // Fri 20:59
    expect(isQuietTime(utc(3, 27, 20, 0), DEFAULT_POLICY)).toBe(true); // Fri 21:00
    expect(isQuietTime(utc(3, 28, 6, 59), DEFAULT_POLICY)).toBe(true); // Sat 07:59
    expect(isQuietTime(utc(3, 28, 7, 0), DEFAULT_POLICY)).toBe(false); // Sat 08:00
    expect(isQuietTime(utc(3, 28, 19, 59), DEFAULT_POLICY)).toBe(false); // Sat 20:59
    expect(isQuietTime(utc(3, 28, 20, 0), DEFAULT_POLICY)).toBe(true); // Sat 21:00
    // After: CEST, UTC+2. A fixed +1 offset would get these wrong.
    expect(isQuietTime(utc(3, 30, 5, 59), DEFAULT_POLICY)).toBe(true); // Mon 07:59
    expect(isQuietTime(utc(3, 30, 6, 0), DEFAULT_POLICY)).toBe(false); // Mon 08:00
    expect(isQuietTime(utc(3, 30, 6, 30), DEFAULT_POLICY)).toBe(false); // Mon 08:30
    expect(isQuietTime(utc(3, 30, 18, 59), DEFAULT_POLICY)).toBe(false); // Mon 20:59
    expect(isQuietTime(utc(3, 30, 19, 0), DEFAULT_POLICY)).toBe(true); // Mon 21:00
    expect(isQuietTime(utc(3, 30, 19, 30), DEFAULT_POLICY)).toBe(true); // Mon 21:30
  });

  it("keeps 21:00–08:00 local on both sides of the fall-back change (25 October 2026)", () => {
    // Before: CEST, UTC+2.
    expect(isQuietTime(utc(10, 23, 18, 59), DEFAULT_POLICY)).toBe(false); // Fri 20:59
    expect(isQuietTime(utc(10, 23, 19, 0), DEFAULT_POLICY)).toBe(true); // Fri 21:00
    expect(isQuietTime(utc(10, 24, 5, 59), DEFAULT_POLICY)).toBe(true); // Sat 07:59
    expect(isQuietTime(utc(10, 24, 6, 0), DEFAULT_POLICY)).toBe(false); // Sat 08:00
    // After: CET, UTC+1.
    expect(isQuietTime(utc(10, 26, 6, 30), DEFAULT_POLICY)).toBe(true); // Mon 07:30
    expect(isQuietTime(utc(10, 26, 6, 59), DEFAULT_POLICY)).toBe(true); // Mon 07:59
    expect(isQuietTime(utc(10, 26, 7, 0), DEFAULT_POLICY)).toBe(false); // Mon 08:00
    expect(isQuietTime(utc(10, 26, 19, 59), DEFAULT_POLICY)).toBe(false); // Mon 20:59
    expect(isQuietTime(utc(10, 26, 20, 0), DEFAULT_POLICY)).toBe(true); // Mon 21:00
  });

  it("keeps Sundays quiet all day, including the change days themselves", () => {
    for (const h of [0, 1, 2, 6, 10, 12, 18, 21]) {
      expect(isQuietTime(utc(3, 29, h), DEFAULT_POLICY)).toBe(true);
      expect(isQuietTime(utc(10, 25, h), DEFAULT_POLICY)).toBe(true);
    }
    expect(isQuietTime(utc(3, 28, 22, 59), DEFAULT_POLICY)).toBe(true); // Sat 23:59 CET (quiet hours)
    expect(isQuietTime(utc(3, 29, 21, 59), DEFAULT_POLICY)).toBe(true); // Sun 23:59 CEST
    expect(isQuietTime(utc(3, 25, 12), DEFAULT_POLICY)).toBe(false); // Wed 13:00
  });

  it("applies quiet hours on the change days when Sundays are allowed", () => {
    expect(isQuietTime(utc(3, 29, 0, 30), everyDay)).toBe(true); // 01:30 CET
    expect(isQuietTime(utc(3, 29, 1, 0), everyDay)).toBe(true); // 03:00 CEST
    expect(isQuietTime(utc(3, 29, 5, 59), everyDay)).toBe(true); // 07:59 CEST
    expect(isQuietTime(utc(3, 29, 6, 0), everyDay)).toBe(false); // 08:00 CEST
    expect(isQuietTime(utc(3, 29, 18, 59), everyDay)).toBe(false); // 20:59 CEST
    expect(isQuietTime(utc(3, 29, 19, 0), everyDay)).toBe(true); // 21:00 CEST
    expect(isQuietTime(utc(10, 25, 0, 30), everyDay)).toBe(true); // 02:30 CEST
    expect(isQuietTime(utc(10, 25, 1, 30), everyDay)).toBe(true); // 02:30 CET
    expect(isQuietTime(utc(10, 25, 6, 59), everyDay)).toBe(true); // 07:59 CET
    expect(isQuietTime(utc(10, 25, 7, 0), everyDay)).toBe(false); // 08:00 CET
    expect(isQuietTime(utc(10, 25, 19, 59), everyDay)).toBe(false); // 20:59 CET
    expect(isQuietTime(utc(10, 25, 20, 0), everyDay)).toBe(true); // 21:00 CET
  });

  it("supports daytime quiet hours, no quiet hours and other zones", () => {
    const lunch = pol({ quietHours: { start: "12:00", end: "13:00" }, quietWeekdays: [] });
    expect(isQuietTime(utc(3, 25, 10, 59), lunch)).toBe(false); // 11:59
    expect(isQuietTime(utc(3, 25, 11, 0), lunch)).toBe(true); // 12:00
    expect(isQuietTime(utc(3, 25, 11, 59), lunch)).toBe(true); // 12:59
    expect(isQuietTime(utc(3, 25, 12, 0), lunch)).toBe(false); // 13:00
    expect(isQuietTime(utc(3, 24, 23, 0), lunch)).toBe(false); // 00:00
    const none = pol({ quietHours: { start: "08:00", end: "08:00" }, quietWeekdays: [] });
    for (let h = 0; h < 24; h++) expect(isQuietTime(utc(3, 25, h), none)).toBe(false);
    // 12:00 UTC on Wednesday is 08:00 in New York (EDT) but 13:00 in Amsterdam.
    expect(isQuietTime(utc(3, 25, 11, 59), pol({ timezone: "America/New_York" }))).toBe(true);
    expect(isQuietTime(utc(3, 25, 12, 0), pol({ timezone: "America/New_York" }))).toBe(false);
  });
});

describe("nextSendableTime in Europe/Amsterdam", () => {
  it("returns now unchanged when sending is allowed", () => {
    const now = utc(3, 25, 12, 34) + 567;
    expect(nextSendableTime(now, DEFAULT_POLICY)).toBe(now);
  });

  it("skips the night and Sunday across the spring-forward change", () => {
    expect(nextSendableTime(utc(3, 27, 21), DEFAULT_POLICY)).toBe(utc(3, 28, 7)); // Fri 22:00 CET → Sat 08:00 CET
    expect(nextSendableTime(utc(3, 28, 20, 30), DEFAULT_POLICY)).toBe(utc(3, 30, 6)); // Sat 21:30 CET → Mon 08:00 CEST
    expect(nextSendableTime(utc(3, 29, 10), DEFAULT_POLICY)).toBe(utc(3, 30, 6)); // Sun 12:00 CEST → Mon 08:00 CEST
    expect(nextSendableTime(utc(3, 30, 5) + 1, DEFAULT_POLICY)).toBe(utc(3, 30, 6)); // Mon 07:00 CEST
    expect(nextSendableTime(utc(3, 28, 22, 0), everyDay)).toBe(utc(3, 29, 6)); // Sat 23:00 CET → Sun 08:00 CEST
    expect(nextSendableTime(utc(3, 29, 1, 30), everyDay)).toBe(utc(3, 29, 6)); // Sun 03:30 CEST
  });

  it("skips the night and Sunday across the fall-back change", () => {
    // Sat 21:30 CEST → Mon 08:00 CET
    expect(nextSendableTime(utc(10, 24, 19, 30), DEFAULT_POLICY)).toBe(utc(10, 26, 7));
    expect(nextSendableTime(utc(10, 26, 6, 30), DEFAULT_POLICY)).toBe(utc(10, 26, 7)); // Mon 07:30 CET
    expect(nextSendableTime(utc(10, 24, 21), everyDay)).toBe(utc(10, 25, 7)); // Sat 23:00 CEST → Sun 08:00 CET
    expect(nextSendableTime(utc(10, 25, 1, 30), everyDay)).toBe(utc(10, 25, 7)); // Sun 02:30 CET (second time)
    expect(nextSendableTime(utc(10, 25, 19, 59), everyDay)).toBe(utc(10, 25, 19, 59)); // Sun 20:59 CET
  });

  it("ends quiet hours at the transition when the end time falls in the spring-forward gap", () => {
    const p = pol({ quietHours: { start: "01:00", end: "02:30" }, quietWeekdays: [] });
    expect(nextSendableTime(utc(3, 29, 0, 30), p)).toBe(utc(3, 29, 1)); // 01:30 CET → 03:00 CEST
  });

  it("ends quiet hours when the clock is set back out of them", () => {
    const p = pol({ quietHours: { start: "02:30", end: "05:00" }, quietWeekdays: [] });
    // 02:45 CEST is quiet; at 03:00 CEST the clock shows 02:00 CET, which is before the quiet start.
    expect(nextSendableTime(utc(10, 25, 0, 45), p)).toBe(utc(10, 25, 1));
    expect(isQuietTime(utc(10, 25, 1, 30), p)).toBe(true); // 02:30 CET again
    expect(nextSendableTime(utc(10, 25, 1, 30), p)).toBe(utc(10, 25, 4)); // 05:00 CET
  });

  it("handles several quiet weekdays and other zones", () => {
    const weekend = pol({ quietWeekdays: [6, 7] });
    expect(nextSendableTime(utc(3, 27, 20), weekend)).toBe(utc(3, 30, 6)); // Fri 21:00 CET → Mon 08:00 CEST
    const ny = pol({ timezone: "America/New_York", quietWeekdays: [] });
    expect(nextSendableTime(Date.UTC(2026, 2, 8, 6, 30), ny)).toBe(Date.UTC(2026, 2, 8, 12)); // 01:30 EST → 08:00 EDT
  });

  it("always returns a non-quiet instant ≥ now, with quiet time all the way from now (property)", () => {
    const arb = fc.record({
      tz: fc.constantFrom(...ZONES),
      now: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
      start: fc.integer({ min: 0, max: 1439 }),
      end: fc.integer({ min: 0, max: 1439 }),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 6 }),
      probes: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 5 }),
    });
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
    fc.assert(
      fc.property(arb, ({ tz, now, start, end, days, probes }) => {
        const p = pol({ timezone: tz, quietHours: { start: hhmm(start), end: hhmm(end) }, quietWeekdays: days });
        const t = nextSendableTime(now, p);
        expect(t).toBeGreaterThanOrEqual(now);
        expect(isQuietTime(t, p)).toBe(false);
        if (t > now) {
          expect(isQuietTime(t - 1, p)).toBe(true);
          for (const f of probes) expect(isQuietTime(now + Math.floor(f * (t - now)), p)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("works with the (near-)default policy on every random instant (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.boolean(),
        (now, sundays) => {
          const p = sundays ? DEFAULT_POLICY : everyDay;
          const t = nextSendableTime(now, p);
          expect(t).toBeGreaterThanOrEqual(now);
          expect(isQuietTime(t, p)).toBe(false);
          // 11 h of night (35 h over a quiet Sunday), one hour more on the night the clocks go back.
          expect(t - now).toBeLessThanOrEqual((sundays ? 36 : 12) * H);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("decideNextMessage", () => {
  // Monday 2 March 2026 09:00 CET, open for 28 days.
  const opened = utc(3, 2, 8);
  const base: OccasionState = {
    status: "open",
    participantStatus: "active",
    pausedUntil: null,
    hasEmail: true,
    hasMentorEmail: true,
    openedAt: opened,
    closesAt: opened + 28 * DAY,
    sent: [],
  };
  const st = (over: Partial<OccasionState> = {}): OccasionState => ({ ...base, ...over });
  const inv = { kind: "invitation" as const, seq: 1, at: opened };
  const rem = (seq: number, at: number) => ({ kind: "reminder" as const, seq, at });
  const noon = (mo: number, d: number) => utc(mo, d, 11); // 12:00 CET in March before the change

  it("sends the invitation first, once the occasion is open", () => {
    expect(decideNextMessage(st(), DEFAULT_POLICY, opened)).toEqual({
      action: "send",
      kind: "invitation",
      seq: 1,
      reason: "invitation_due",
    });
    expect(decideNextMessage(st(), DEFAULT_POLICY, opened - H)).toEqual({
      action: "wait",
      until: opened,
      reason: "not_yet_open",
    });
    // Opened at 06:00 CET: wait for the end of quiet hours.
    expect(decideNextMessage(st({ openedAt: utc(3, 3, 5) }), DEFAULT_POLICY, utc(3, 3, 4))).toEqual({
      action: "wait",
      until: utc(3, 3, 7),
      reason: "not_yet_open",
    });
    expect(decideNextMessage(st({ openedAt: utc(3, 3, 5) }), DEFAULT_POLICY, utc(3, 3, 5))).toEqual({
      action: "wait",
      until: utc(3, 3, 7),
      reason: "quiet_hours",
    });
  });

  it("reminds after firstReminderAfterDays, then keeps minSpacingDays, up to maxReminders", () => {
    expect(decideNextMessage(st({ sent: [inv] }), DEFAULT_POLICY, opened + DAY)).toEqual({
      action: "wait",
      until: opened + 3 * DAY,
      reason: "not_yet_due",
    });
    expect(decideNextMessage(st({ sent: [inv] }), DEFAULT_POLICY, opened + 3 * DAY)).toEqual({
      action: "send",
      kind: "reminder",
      seq: 1,
      reason: "reminder_due",
    });
    // First reminder sent late (day 5): the second waits until day 8, not day 6.
    const late = [inv, rem(1, opened + 5 * DAY)];
    expect(decideNextMessage(st({ sent: late }), DEFAULT_POLICY, opened + 6 * DAY)).toEqual({
      action: "wait",
      until: opened + 8 * DAY,
      reason: "not_yet_due",
    });
    expect(decideNextMessage(st({ sent: late }), DEFAULT_POLICY, opened + 8 * DAY)).toMatchObject({
      action: "send",
      kind: "reminder",
      seq: 2,
    });
    const all = [inv, rem(1, opened + 3 * DAY), rem(2, opened + 7 * DAY), rem(3, opened + 10 * DAY)];
    expect(decideNextMessage(st({ sent: all }), DEFAULT_POLICY, opened + 20 * DAY)).toEqual({
      action: "skip",
      reason: "max_reminders_reached",
    });
    expect(decideNextMessage(st({ sent: [inv] }), pol({ maxReminders: 0 }), opened + 5 * DAY)).toEqual({
      action: "skip",
      reason: "max_reminders_reached",
    });
  });

  it("reminds a youth who started but did not submit, and youths who left care", () => {
    expect(decideNextMessage(st({ status: "started", sent: [inv] }), DEFAULT_POLICY, opened + 3 * DAY)).toMatchObject({
      action: "send",
      kind: "reminder",
      seq: 1,
    });
    expect(decideNextMessage(st({ participantStatus: "left_care" }), DEFAULT_POLICY, opened)).toMatchObject({
      action: "send",
      kind: "invitation",
    });
    expect(
      decideNextMessage(st({ participantStatus: "left_care", sent: [inv] }), DEFAULT_POLICY, opened + 3 * DAY),
    ).toMatchObject({ action: "send", kind: "reminder" });
  });

  it("stops with a reason for finished occasions and inactive participants", () => {
    const now = opened + 3 * DAY;
    for (const status of ["completed", "missed", "cancelled"] as const) {
      expect(decideNextMessage(st({ status, sent: [inv] }), DEFAULT_POLICY, now)).toEqual({
        action: "skip",
        reason: status,
      });
    }
    expect(decideNextMessage(st({ participantStatus: "withdrawn" }), DEFAULT_POLICY, now)).toEqual({
      action: "skip",
      reason: "withdrawn",
    });
    expect(decideNextMessage(st({ participantStatus: "completed" }), DEFAULT_POLICY, now)).toEqual({
      action: "skip",
      reason: "participant_completed",
    });
    expect(decideNextMessage(st({ participantStatus: "paused" }), DEFAULT_POLICY, now)).toEqual({
      action: "skip",
      reason: "participant_paused",
    });
    expect(decideNextMessage(st({ hasEmail: false }), DEFAULT_POLICY, now)).toEqual({
      action: "skip",
      reason: "no_email",
    });
    expect(decideNextMessage(st({ hasEmail: false, sent: [inv] }), DEFAULT_POLICY, now)).toEqual({
      action: "skip",
      reason: "no_email",
    });
    expect(decideNextMessage(st(), DEFAULT_POLICY, base.closesAt)).toEqual({ action: "skip", reason: "closed" });
    // Withdrawal wins over everything else, even without an address or after closing.
    expect(
      decideNextMessage(st({ participantStatus: "withdrawn", hasEmail: false }), DEFAULT_POLICY, base.closesAt + DAY),
    ).toEqual({ action: "skip", reason: "withdrawn" });
  });

  it("waits for a youth's pause and gives up when it outlasts the occasion", () => {
    const until = utc(3, 9, 9, 17); // Mon 10:17 CET
    expect(decideNextMessage(st({ pausedUntil: until }), DEFAULT_POLICY, opened)).toEqual({
      action: "wait",
      until,
      reason: "reminders_paused",
    });
    expect(decideNextMessage(st({ pausedUntil: until }), DEFAULT_POLICY, until)).toMatchObject({
      action: "send",
      kind: "invitation",
    });
    expect(decideNextMessage(st({ pausedUntil: opened - DAY }), DEFAULT_POLICY, opened)).toMatchObject({
      action: "send",
    });
    // A pause ending on Sunday resumes on Monday 08:00.
    expect(decideNextMessage(st({ pausedUntil: utc(3, 8, 11) }), DEFAULT_POLICY, opened)).toEqual({
      action: "wait",
      until: utc(3, 9, 7),
      reason: "reminders_paused",
    });
    // A pause shorter than the reminder delay does not change the due time.
    expect(decideNextMessage(st({ sent: [inv], pausedUntil: opened + DAY }), DEFAULT_POLICY, opened + H)).toEqual({
      action: "wait",
      until: opened + 3 * DAY,
      reason: "not_yet_due",
    });
    expect(decideNextMessage(st({ pausedUntil: base.closesAt }), DEFAULT_POLICY, opened)).toEqual({
      action: "skip",
      reason: "paused_past_close",
    });
  });

  it("gives up when the next message could only go out after closing", () => {
    const short = st({ sent: [inv], closesAt: opened + 2 * DAY });
    expect(decideNextMessage(short, DEFAULT_POLICY, opened + DAY)).toEqual({
      action: "skip",
      reason: "closes_before_next",
    });
    // Due Saturday 21:30 CET, closing Sunday noon: quiet until Monday, so nothing more will be sent.
    const weekend = st({
      sent: [{ kind: "invitation", seq: 1, at: utc(3, 4, 20, 30) }],
      openedAt: utc(3, 4, 20, 30),
      closesAt: noon(3, 8),
    });
    expect(decideNextMessage(weekend, DEFAULT_POLICY, utc(3, 7, 20, 30))).toEqual({
      action: "skip",
      reason: "closes_before_next",
    });
  });

  it("respects quiet hours and quiet days for every kind of message", () => {
    const sat = utc(3, 7, 21, 30); // Sat 22:30 CET
    expect(decideNextMessage(st({ openedAt: sat - DAY }), DEFAULT_POLICY, sat)).toEqual({
      action: "wait",
      until: utc(3, 9, 7),
      reason: "quiet_hours",
    });
    expect(decideNextMessage(st({ openedAt: sat - DAY }), DEFAULT_POLICY, noon(3, 8))).toEqual({
      action: "wait",
      until: utc(3, 9, 7),
      reason: "quiet_day",
    });
    // Reminder due on Sunday 09:00 CET: announced as due Monday 08:00.
    const sent = [{ kind: "invitation" as const, seq: 1, at: utc(3, 5, 8) }];
    expect(decideNextMessage(st({ sent }), DEFAULT_POLICY, utc(3, 6, 8))).toEqual({
      action: "wait",
      until: utc(3, 9, 7),
      reason: "not_yet_due",
    });
    const mentor = pol({ mentorAfterLastReminder: true });
    const done = [inv, rem(1, opened + 3 * DAY), rem(2, opened + 6 * DAY), rem(3, utc(3, 12, 20, 30))];
    expect(decideNextMessage(st({ sent: done }), mentor, utc(3, 14, 20, 30))).toEqual({
      action: "wait",
      until: utc(3, 16, 7),
      reason: "quiet_hours",
    });
  });

  it("counts days as 24-hour periods and resolves quiet time in local time across DST", () => {
    // Invitation Fri 27 March 10:00 CET; 72 hours later is Mon 30 March 11:00 CEST.
    const fri = utc(3, 27, 9);
    const s = st({ openedAt: fri, closesAt: fri + 14 * DAY, sent: [{ kind: "invitation", seq: 1, at: fri }] });
    expect(decideNextMessage(s, DEFAULT_POLICY, fri + H)).toEqual({
      action: "wait",
      until: fri + 3 * DAY,
      reason: "not_yet_due",
    });
    // Invitation Thu 22 October 09:30 CEST: reminder due Sunday 25th, sent Monday 08:00 CET.
    const thu = utc(10, 22, 7, 30);
    const o = st({ openedAt: thu, closesAt: thu + 14 * DAY, sent: [{ kind: "invitation", seq: 1, at: thu }] });
    expect(decideNextMessage(o, DEFAULT_POLICY, thu + H)).toEqual({
      action: "wait",
      until: utc(10, 26, 7),
      reason: "not_yet_due",
    });
    expect(decideNextMessage(o, DEFAULT_POLICY, utc(10, 26, 6, 59))).toEqual({
      action: "wait",
      until: utc(10, 26, 7),
      reason: "quiet_hours",
    });
    expect(decideNextMessage(o, DEFAULT_POLICY, utc(10, 26, 7))).toMatchObject({
      action: "send",
      kind: "reminder",
      seq: 1,
    });
  });

  it("sends one mentor message after the last reminder when enabled", () => {
    const mentor = pol({ mentorAfterLastReminder: true });
    const last = noon(3, 12);
    const done = [inv, rem(1, opened + 3 * DAY), rem(2, opened + 6 * DAY), rem(3, last)];
    expect(decideNextMessage(st({ sent: done }), mentor, last + DAY)).toEqual({
      action: "wait",
      until: last + 2 * DAY,
      reason: "not_yet_due",
    });
    expect(decideNextMessage(st({ sent: done }), mentor, last + 2 * DAY)).toEqual({
      action: "send",
      kind: "mentor",
      seq: 1,
      reason: "mentor_due",
    });
    const withMentor = [...done, { kind: "mentor" as const, seq: 1, at: last + 2 * DAY }];
    expect(decideNextMessage(st({ sent: withMentor }), mentor, last + 5 * DAY)).toEqual({
      action: "skip",
      reason: "mentor_sent",
    });
    expect(decideNextMessage(st({ sent: done, hasMentorEmail: false }), mentor, last + 2 * DAY)).toEqual({
      action: "skip",
      reason: "no_mentor_email",
    });
    expect(decideNextMessage(st({ sent: done }), DEFAULT_POLICY, last + 2 * DAY)).toEqual({
      action: "skip",
      reason: "max_reminders_reached",
    });
    // Without reminders configured, the mentor hears after the invitation.
    expect(
      decideNextMessage(st({ sent: [inv] }), pol({ mentorAfterLastReminder: true, maxReminders: 0 }), opened + 2 * DAY),
    ).toMatchObject({ action: "send", kind: "mentor" });
    // The mentor is not contacted for a youth who completed or withdrew.
    expect(decideNextMessage(st({ sent: done, status: "completed" }), mentor, last + 2 * DAY)).toEqual({
      action: "skip",
      reason: "completed",
    });
  });

  it("runs a full default cycle: invitation, three reminders (Sunday skipped), mentor", () => {
    const policy = pol({ mentorAfterLastReminder: true });
    const state = st();
    const log: string[] = [];
    let now = opened;
    for (let i = 0; i < 50; i++) {
      const d = decideNextMessage(state, policy, now);
      if (d.action === "skip") {
        log.push(`skip:${d.reason}`);
        break;
      }
      if (d.action === "wait") {
        expect(d.until).toBeGreaterThan(now);
        now = d.until;
        continue;
      }
      state.sent.push({ kind: d.kind, seq: d.seq, at: now });
      log.push(`${d.kind}${d.seq}@${new Date(now).toISOString()}`);
    }
    expect(log).toEqual([
      "invitation1@2026-03-02T08:00:00.000Z", // Mon 09:00 CET
      "reminder1@2026-03-05T08:00:00.000Z", // Thu 09:00
      "reminder2@2026-03-09T07:00:00.000Z", // due Sun 09:00 → Mon 08:00
      "reminder3@2026-03-12T07:00:00.000Z", // Thu 08:00
      "mentor1@2026-03-14T07:00:00.000Z", // Sat 08:00
      "skip:mentor_sent",
    ]);
  });

  it(
    "never sends more than 1 invitation + maxReminders reminders " +
      "+ 1 mentor message, and only when allowed (property)",
    () => {
      const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
      const arb = fc.record({
        policy: fc.record({
          firstReminderAfterDays: fc.integer({ min: 0, max: 5 }),
          maxReminders: fc.integer({ min: 0, max: 5 }),
          minSpacingDays: fc.integer({ min: 0, max: 5 }),
          quietHours: fc.record({
            start: fc.integer({ min: 0, max: 1439 }).map(hhmm),
            end: fc.integer({ min: 0, max: 1439 }).map(hhmm),
          }),
          quietWeekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 3 }),
          mentorAfterLastReminder: fc.boolean(),
          mentorAfterDays: fc.integer({ min: 0, max: 4 }),
          timezone: fc.constantFrom(...ZONES),
        }),
        status: fc.constantFrom("open" as const, "started" as const),
        participantStatus: fc.constantFrom("active" as const, "left_care" as const),
        hasMentorEmail: fc.boolean(),
        openedAt: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        openDays: fc.integer({ min: 1, max: 60 }),
        pause: fc.option(fc.integer({ min: 0, max: 20 * DAY })),
        startOffset: fc.integer({ min: -2 * DAY, max: 2 * DAY }),
        steps: fc.array(fc.record({ ms: fc.integer({ min: 0, max: 3 * DAY }), jump: fc.boolean() }), {
          minLength: 1,
          maxLength: 80,
        }),
      });
      fc.assert(
        fc.property(arb, (a) => {
          const state: OccasionState = {
            status: a.status,
            participantStatus: a.participantStatus,
            pausedUntil: a.pause === null ? null : a.openedAt + a.pause,
            hasEmail: true,
            hasMentorEmail: a.hasMentorEmail,
            openedAt: a.openedAt,
            closesAt: a.openedAt + a.openDays * DAY,
            sent: [],
          };
          const p = a.policy;
          let now = a.openedAt + a.startOffset;
          for (const step of a.steps) {
            const d = decideNextMessage(state, p, now);
            if (d.action === "send") {
              expect(isQuietTime(now, p)).toBe(false);
              expect(now).toBeGreaterThanOrEqual(state.openedAt);
              expect(now).toBeLessThan(state.closesAt);
              if (state.pausedUntil !== null) expect(now).toBeGreaterThanOrEqual(state.pausedUntil);
              state.sent.push({ kind: d.kind, seq: d.seq, at: now });
              // Deciding again at the same instant must not produce the same message twice.
              const again = decideNextMessage(state, p, now);
              if (again.action === "send") expect(`${again.kind}${again.seq}`).not.toBe(`${d.kind}${d.seq}`);
            } else if (d.action === "wait") {
              expect(d.until).toBeGreaterThan(now);
              expect(d.until).toBeLessThan(state.closesAt);
              expect(isQuietTime(d.until, p)).toBe(false);
            }
            now = d.action === "wait" && step.jump ? d.until : now + step.ms;
          }
          const n = (k: MessageKind) => state.sent.filter((m) => m.kind === k);
          expect(n("invitation").length).toBeLessThanOrEqual(1);
          expect(n("reminder").length).toBeLessThanOrEqual(p.maxReminders);
          expect(n("mentor").length).toBeLessThanOrEqual(p.mentorAfterLastReminder && a.hasMentorEmail ? 1 : 0);
          expect(n("reminder").map((m) => m.seq)).toEqual(n("reminder").map((_, i) => i + 1));
          // Order and spacing: invitation first, reminders spaced, mentor last.
          const kinds = state.sent.map((m) => m.kind);
          expect(kinds).toEqual([...n("invitation"), ...n("reminder"), ...n("mentor")].map((m) => m.kind));
          const youth = state.sent.filter((m) => m.kind !== "mentor");
          for (let i = 1; i < youth.length; i++) {
            expect(youth[i]!.at - youth[i - 1]!.at).toBeGreaterThanOrEqual(p.minSpacingDays * DAY);
            expect(youth[i]!.at - youth[0]!.at).toBeGreaterThanOrEqual(p.firstReminderAfterDays * DAY);
          }
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe("the longest quiet stretch", () => {
  it(
    "is 12 hours on the night the clocks go back (25 October " + "2026) and 10 hours on the spring night (29 March)",
    () => {
      const everyDayPolicy = { ...DEFAULT_POLICY, quietWeekdays: [] };
      // Saturday 24 October 21:00 CEST = 19:00Z; the next 08:00 local is Sunday 08:00 CET = 07:00Z.
      expect(nextSendableTime(Date.UTC(2026, 9, 24, 19, 0), everyDayPolicy) - Date.UTC(2026, 9, 24, 19, 0)).toBe(
        12 * 3_600_000,
      );
      // Saturday 28 March 21:00 CET = 20:00Z; Sunday 08:00 CEST = 06:00Z.
      expect(nextSendableTime(Date.UTC(2026, 2, 28, 20, 0), everyDayPolicy) - Date.UTC(2026, 2, 28, 20, 0)).toBe(
        10 * 3_600_000,
      );
    },
  );
});
