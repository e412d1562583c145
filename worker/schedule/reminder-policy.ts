// Reminder policy: when the next invitation/reminder/mentor message for one measurement occasion may be
// sent. Pure and clock-free (`nowMs` is a parameter) so the cron job, the reminder-run preview and the tests
// all get the same answer. Quiet time is evaluated on the wall clock of the pilot's zone.

import { addDays, isoWeekday, localDate, localWallClock, offsetTransitionsOn, zonedTimeToUtc } from "./schedule";
import { DAY_MS } from "../../core/time";

export type ReminderPolicy = {
  firstReminderAfterDays: number;
  maxReminders: number;
  minSpacingDays: number;
  /** Local "HH:MM"; start > end spans midnight; start == end means no quiet hours. */
  quietHours: { start: string; end: string };
  /** ISO weekdays (1 = Monday .. 7 = Sunday) on which nothing is sent all day. */
  quietWeekdays: number[];
  mentorAfterLastReminder: boolean;
  mentorAfterDays: number;
  timezone: string;
};

export const DEFAULT_POLICY: ReminderPolicy = {
  firstReminderAfterDays: 3,
  maxReminders: 3,
  minSpacingDays: 3,
  quietHours: { start: "21:00", end: "08:00" },
  quietWeekdays: [7],
  mentorAfterLastReminder: false,
  mentorAfterDays: 2,
  timezone: "Europe/Amsterdam",
};

export type MessageKind = "invitation" | "reminder" | "mentor";
/**
 * What an outbox row may be: a planned message, or a researcher's re-send of her current link (never planned, ignored
 * here).
 */
export type OutboxKind = MessageKind | "resend";

export type OccasionState = {
  status: "open" | "started" | "completed" | "missed" | "cancelled";
  participantStatus: "active" | "paused" | "left_care" | "withdrawn" | "completed";
  pausedUntil: number | null;
  hasEmail: boolean;
  hasMentorEmail: boolean;
  openedAt: number;
  closesAt: number;
  sent: { kind: OutboxKind; seq: number; at: number }[];
};

export type SendReason = "invitation_due" | "reminder_due" | "mentor_due";
export type WaitReason = "not_yet_open" | "not_yet_due" | "reminders_paused" | "quiet_hours" | "quiet_day";
export type SkipReason =
  | "completed"
  | "missed"
  | "cancelled"
  | "withdrawn"
  | "participant_paused"
  | "participant_completed"
  | "closed"
  | "no_email"
  | "no_mentor_email"
  | "max_reminders_reached"
  | "mentor_sent"
  | "closes_before_next"
  /** the youth paused reminders until after the occasion closes */
  | "paused_past_close";

export type Decision =
  | { action: "send"; kind: MessageKind; seq: number; reason: SendReason }
  | { action: "wait"; until: number; reason: WaitReason }
  | { action: "skip"; reason: SkipReason };

function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`invalid time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Problems with a policy as stable codes; empty when valid. */
export function validatePolicy(p: ReminderPolicy): string[] {
  const problems: string[] = [];
  const nonNegInt = (n: number) => Number.isInteger(n) && n >= 0;
  if (!nonNegInt(p.firstReminderAfterDays)) problems.push("first_reminder_after_days");
  if (!nonNegInt(p.maxReminders)) problems.push("max_reminders");
  if (!nonNegInt(p.minSpacingDays)) problems.push("min_spacing_days");
  if (!nonNegInt(p.mentorAfterDays)) problems.push("mentor_after_days");
  try {
    minutesOf(p.quietHours.start);
    minutesOf(p.quietHours.end);
  } catch {
    problems.push("quiet_hours");
  }
  const days = new Set(p.quietWeekdays);
  if (p.quietWeekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7) || days.size >= 7)
    problems.push("quiet_weekdays");
  try {
    localDate(0, p.timezone);
  } catch {
    problems.push("timezone");
  }
  return problems;
}

function quietKind(nowMs: number, p: ReminderPolicy): "quiet_day" | "quiet_hours" | null {
  const w = localWallClock(nowMs, p.timezone);
  if (p.quietWeekdays.includes(isoWeekday(w.date))) return "quiet_day";
  const m = w.hour * 60 + w.minute,
    s = minutesOf(p.quietHours.start),
    e = minutesOf(p.quietHours.end);
  const inHours = s < e ? m >= s && m < e : s > e ? m >= s || m < e : false;
  return inHours ? "quiet_hours" : null;
}

export function isQuietTime(nowMs: number, policy: ReminderPolicy): boolean {
  return quietKind(nowMs, policy) !== null;
}

/**
 * `nowMs` when sending is allowed, else the first instant at which it is. A quiet period can only end at
 * a local midnight (new weekday), at the quiet-hours end, or at a UTC-offset change (a clock set back can
 * jump out of quiet hours); zonedTimeToUtc resolves wall times inside a spring-forward gap to the
 * transition, so checking those candidates in order finds the exact first sendable instant.
 */
export function nextSendableTime(nowMs: number, policy: ReminderPolicy): number {
  if (!isQuietTime(nowMs, policy)) return nowMs;
  const tz = policy.timezone,
    end = minutesOf(policy.quietHours.end);
  const today = localDate(nowMs, tz);
  const candidates: number[] = [];
  // At least one weekday is not quiet, so eight local days always contain a sendable instant.
  for (let i = 0; i <= 8; i++) {
    const d = addDays(today, i);
    candidates.push(zonedTimeToUtc(d, 0, 0, tz), zonedTimeToUtc(d, Math.floor(end / 60), end % 60, tz));
    candidates.push(...offsetTransitionsOn(d, tz));
  }
  candidates.sort((a, b) => a - b);
  for (const t of candidates) if (t > nowMs && !isQuietTime(t, policy)) return t;
  throw new RangeError("no_sendable_time");
}

const lastAt = (sent: OccasionState["sent"], kinds: OutboxKind[]): number | null =>
  sent.reduce<number | null>((acc, m) => (kinds.includes(m.kind) && (acc === null || m.at > acc) ? m.at : acc), null);

/**
 * What to do next for one occasion. "Days" are 24-hour periods from the previous message; the resulting
 * time is then pushed out of quiet time. A `wait` always carries the instant at which sending is actually
 * allowed, so the job can sleep until then without re-checking. Youths who left care stay in follow-up.
 */
export function decideNextMessage(state: OccasionState, policy: ReminderPolicy, nowMs: number): Decision {
  const skip = (reason: SkipReason): Decision => ({ action: "skip", reason });
  if (state.status === "completed" || state.status === "missed" || state.status === "cancelled")
    return skip(state.status);
  if (state.participantStatus === "withdrawn") return skip("withdrawn");
  if (state.participantStatus === "completed") return skip("participant_completed");
  if (state.participantStatus === "paused") return skip("participant_paused");
  if (nowMs >= state.closesAt) return skip("closed");

  const count = (k: MessageKind) => state.sent.filter((m) => m.kind === k).length;
  let kind: MessageKind, seq: number, earliest: number, dueReason: WaitReason;
  const invitationAt = lastAt(state.sent, ["invitation"]);
  const reminders = count("reminder");
  if (invitationAt === null) {
    if (!state.hasEmail) return skip("no_email");
    [kind, seq, earliest, dueReason] = ["invitation", 1, state.openedAt, "not_yet_open"];
  } else if (reminders < policy.maxReminders) {
    if (!state.hasEmail) return skip("no_email");
    const previous = lastAt(state.sent, ["invitation", "reminder"]) ?? invitationAt;
    earliest = Math.max(
      invitationAt + policy.firstReminderAfterDays * DAY_MS,
      previous + policy.minSpacingDays * DAY_MS,
    );
    [kind, seq, dueReason] = ["reminder", reminders + 1, "not_yet_due"];
  } else {
    if (!policy.mentorAfterLastReminder) return skip("max_reminders_reached");
    if (count("mentor") > 0) return skip("mentor_sent");
    if (!state.hasMentorEmail) return skip("no_mentor_email");
    const last = lastAt(state.sent, ["reminder"]) ?? invitationAt;
    [kind, seq, earliest, dueReason] = ["mentor", 1, last + policy.mentorAfterDays * DAY_MS, "not_yet_due"];
  }

  let until = earliest,
    reason: WaitReason = dueReason;
  if (state.pausedUntil !== null && state.pausedUntil > Math.max(nowMs, earliest)) {
    [until, reason] = [state.pausedUntil, "reminders_paused"];
  }
  if (until <= nowMs) {
    const quiet = quietKind(nowMs, policy);
    if (quiet === null) return { action: "send", kind, seq, reason: `${kind}_due` };
    [until, reason] = [nextSendableTime(nowMs, policy), quiet];
  } else {
    until = nextSendableTime(until, policy);
  }
  if (until >= state.closesAt) return skip(reason === "reminders_paused" ? "paused_past_close" : "closes_before_next");
  return { action: "wait", until, reason };
}
