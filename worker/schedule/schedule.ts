// Measurement planning and time-zone arithmetic. Deliberately clock-free (`today`/instants are always
// parameters), importing only pure core/ modules, so the same code runs in workerd, in Node tests and in the
// report renderer. Plans use ISO calendar dates ("YYYY-MM-DD"); instants are epoch milliseconds.
import { DAY_MS, MINUTE_MS } from "../../core/time";
import { INTERVAL_SEQ_BASE, type Wave } from "../../core/waves";

export type PilotSchedule = {
  timezone: string;
  /** Days between frequent occasions; the study design allows 2–4 weeks (14..28). */
  frequentIntervalDays: number;
  /** How long a frequent occasion stays open; at most the interval so two never overlap. */
  frequentWindowDays: number;
  waveOffsetsDays: { T1: 0; T2: number; T3: number };
  waveWindowDays: number;
  studyLengthDays: number;
  /** Ask an instrument only every k-th frequent occasion (1, 1+k, 1+2k, ...); default 1. */
  instrumentEvery?: Record<string, number>;
  /**
   * A wave instrument asked at its own interval besides T1/T2/T3 (e.g. TASC every 8 weeks, report §2.4):
   * see planOccasions. Only instruments the pilot asks at its waves.
   */
  waveSchedules?: Record<string, { everyWeeks: number }>;
};

/** Bounds of a wave instrument's own interval in weeks (a month to half a year). */
export const WAVE_EVERY_WEEKS = { min: 4, max: 26 } as const;

export const DEFAULT_SCHEDULE: PilotSchedule = {
  timezone: "Europe/Amsterdam",
  frequentIntervalDays: 14,
  frequentWindowDays: 10,
  waveOffsetsDays: { T1: 0, T2: 182, T3: 365 },
  waveWindowDays: 28,
  studyLengthDays: 365,
};

export type PlannedOccasion = {
  kind: "frequent" | "wave";
  wave: Wave | null;
  seq: number;
  dueDate: string;
  /** Exclusive: the occasion is open on dueDate <= day < closesDate. */
  closesDate: string;
  instruments: string[];
};

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a calendar date; rejects impossible dates instead of rolling them over. */
function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`invalid date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`invalid date: ${date}`);
  }
  return t / DAY_MS;
}

const fromDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

function assertInt(n: number, what: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${what} must be an integer: ${n}`);
}

export function addDays(date: string, n: number): string {
  assertInt(n, "days");
  return fromDayNumber(dayNumber(date) + n);
}

/** Signed number of calendar days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** ISO weekday of a calendar date: 1 = Monday .. 7 = Sunday. */
export function isoWeekday(date: string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

// Constructing a DateTimeFormat is far more expensive than using one; reminder runs call this per youth.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timezone, f);
  }
  return f;
}

export type WallClock = { date: string; hour: number; minute: number; second: number };

/** The wall clock shown in `timezone` at an instant (throws RangeError for an unknown zone). */
export function localWallClock(instantMs: number, timezone: string): WallClock {
  if (!Number.isFinite(instantMs)) throw new RangeError(`invalid instant: ${instantMs}`);
  const p: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(instantMs)) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const y = p.year ?? 0,
    mo = p.month ?? 0,
    d = p.day ?? 0;
  return {
    date: `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
    // Some older ICU builds still print midnight as "24" despite h23.
    hour: (p.hour ?? 0) % 24,
    minute: p.minute ?? 0,
    second: p.second ?? 0,
  };
}

export function localDate(instantMs: number, timezone: string): string {
  return localWallClock(instantMs, timezone).date;
}

/** UTC offset (local − UTC) in ms in force at an instant. */
export function timeZoneOffsetMs(instantMs: number, timezone: string): number {
  const w = localWallClock(instantMs, timezone);
  const wallAsUtc = dayNumber(w.date) * DAY_MS + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  return wallAsUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/** First instant in (lo, hi] whose offset differs from the offset at lo (offsets change on whole seconds). */
function firstOffsetChange(lo: number, hi: number, timezone: string): number {
  const before = timeZoneOffsetMs(lo, timezone);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (timeZoneOffsetMs(mid, timezone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The instant at which the wall clock in `timezone` shows `date hour:minute`.
 * - Non-existent local time (spring-forward gap, e.g. 02:30 on 2026-03-29 in Amsterdam): the first valid
 *   instant after it, i.e. the transition instant itself (03:00 local), so nothing is ever scheduled early.
 * - Ambiguous local time (fall-back, e.g. 02:30 on 2026-10-25 in Amsterdam): the earlier instant (CEST).
 */
export function zonedTimeToUtc(date: string, hour: number, minute: number, timezone: string): number {
  assertInt(hour, "hour");
  assertInt(minute, "minute");
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) throw new RangeError(`invalid time ${hour}:${minute}`);
  const wall = dayNumber(date) * DAY_MS + (hour * 60 + minute) * MINUTE_MS;
  // Offsets a day either side bracket every offset that can apply to this wall time (|offset| < 1 day).
  const offsets = [...new Set([timeZoneOffsetMs(wall - DAY_MS, timezone), timeZoneOffsetMs(wall + DAY_MS, timezone)])];
  const candidates = offsets.map((o) => wall - o).sort((a, b) => a - b);
  for (const t of candidates) if (t + timeZoneOffsetMs(t, timezone) === wall) return t;
  const lo = candidates[0] ?? wall,
    hi = candidates[candidates.length - 1] ?? wall;
  return lo === hi ? lo : firstOffsetChange(lo, hi, timezone);
}

/** Instants during the local calendar day at which the zone's UTC offset changes (normally none). */
export function offsetTransitionsOn(date: string, timezone: string): number[] {
  const start = zonedTimeToUtc(date, 0, 0, timezone);
  const end = zonedTimeToUtc(addDays(date, 1), 0, 0, timezone);
  if (timeZoneOffsetMs(start, timezone) === timeZoneOffsetMs(end, timezone)) return [];
  return [firstOffsetChange(start, end, timezone)];
}

/** Problems with a schedule as stable codes; empty when valid. */
export function validateSchedule(s: PilotSchedule): string[] {
  const problems: string[] = [];
  const int = (n: number) => Number.isInteger(n);
  try {
    formatter(s.timezone);
  } catch {
    problems.push("timezone");
  }
  const iv = s.frequentIntervalDays;
  if (!int(iv) || iv < 14 || iv > 28) problems.push("frequent_interval_days");
  if (!int(s.frequentWindowDays) || s.frequentWindowDays < 1 || s.frequentWindowDays > iv)
    problems.push("frequent_window_days");
  const { T1, T2, T3 } = s.waveOffsetsDays;
  if (T1 !== 0 || !int(T2) || !int(T3) || !(T2 > 0 && T3 > T2)) problems.push("wave_offsets_days");
  if (!int(s.waveWindowDays) || s.waveWindowDays < 1) problems.push("wave_window_days");
  if (!int(s.studyLengthDays) || s.studyLengthDays < 0) problems.push("study_length_days");
  for (const k of Object.values(s.instrumentEvery ?? {})) {
    if (!int(k) || k < 1) {
      problems.push("instrument_every");
      break;
    }
  }
  for (const { everyWeeks: w } of Object.values(s.waveSchedules ?? {})) {
    if (!int(w) || w < WAVE_EVERY_WEEKS.min || w > WAVE_EVERY_WEEKS.max) problems.push("wave_schedules_every_weeks");
    // never once between T1 and the study's end: an interval that would ask nothing is refused, not ignored
    else if (w * 7 > s.studyLengthDays) problems.push("wave_schedules_beyond_study");
    else continue;
    break;
  }
  return problems;
}

/**
 * The whole study plan for one participant. Frequent occasion seq n is due on start + (n−1)·interval for
 * every such day ≤ studyLengthDays; an instrument with instrumentEvery k is asked on seq 1, 1+k, 1+2k, ...
 * A frequent occasion left without instruments is omitted (its seq number stays unused, so seq keeps
 * meaning "position in the fortnightly grid"). Sorted by due date, waves before frequent on the same day.
 */
export function planOccasions(
  startDate: string,
  schedule: PilotSchedule,
  frequentInstruments: string[],
  waveInstruments: string[],
): PlannedOccasion[] {
  const problems = validateSchedule(schedule);
  if (problems.length) throw new RangeError(`invalid schedule: ${problems.join(", ")}`);
  const start = dayNumber(startDate);
  const every = schedule.instrumentEvery ?? {};
  const plan: PlannedOccasion[] = [];
  for (let seq = 1, offset = 0; offset <= schedule.studyLengthDays; seq++, offset += schedule.frequentIntervalDays) {
    const instruments = frequentInstruments.filter((name) => (seq - 1) % (every[name] ?? 1) === 0);
    if (instruments.length === 0) continue;
    plan.push({
      kind: "frequent",
      wave: null,
      seq,
      dueDate: fromDayNumber(start + offset),
      closesDate: fromDayNumber(start + offset + schedule.frequentWindowDays),
      instruments,
    });
  }
  if (waveInstruments.length > 0) {
    (["T1", "T2", "T3"] as const).forEach((wave, i) => {
      const due = start + schedule.waveOffsetsDays[wave];
      plan.push({
        kind: "wave",
        wave,
        seq: i + 1,
        dueDate: fromDayNumber(due),
        closesDate: fromDayNumber(due + schedule.waveWindowDays),
        instruments: [...waveInstruments],
      });
    });
  }
  plan.push(...intervalWaves(start, schedule, waveInstruments));
  const rank = (o: PlannedOccasion) => (o.kind === "wave" ? 0 : 1);
  return plan.sort((a, b) =>
    a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : rank(a) - rank(b) || a.seq - b.seq,
  );
}

/**
 * A wave instrument's own interval (schedule.waveSchedules): asked every `everyWeeks` weeks from the pilot
 * start up to the study's length, as wave occasions without a T label (`wave` null) whose seq is
 * INTERVAL_SEQ_BASE + the week number, so one date is one occasion (instruments due the same week share it)
 * and re-planning never makes a second one. A date inside a T1/T2/T3 window is left out for the instruments
 * that wave asks (that wave is the measurement). Window: the wave window, at most until the next interval.
 */
function intervalWaves(start: number, schedule: PilotSchedule, waveInstruments: string[]): PlannedOccasion[] {
  const own = Object.entries(schedule.waveSchedules ?? {}).filter(([k]) => waveInstruments.includes(k));
  if (!own.length) return [];
  const inWave = (day: number) =>
    (["T1", "T2", "T3"] as const).some(
      (w) => day >= schedule.waveOffsetsDays[w] && day < schedule.waveOffsetsDays[w] + schedule.waveWindowDays,
    );
  const out: PlannedOccasion[] = [];
  for (let week = 1; week * 7 <= schedule.studyLengthDays; week++) {
    const due = own.filter(([, v]) => week % v.everyWeeks === 0);
    if (!due.length || inWave(week * 7)) continue;
    const window = Math.min(schedule.waveWindowDays, ...due.map(([, v]) => v.everyWeeks * 7));
    out.push({
      kind: "wave",
      wave: null,
      seq: INTERVAL_SEQ_BASE + week,
      dueDate: fromDayNumber(start + week * 7),
      closesDate: fromDayNumber(start + week * 7 + window),
      instruments: due.map(([k]) => k),
    });
  }
  return out;
}

type DateRange = Pick<PlannedOccasion, "dueDate" | "closesDate">;

/** Occasions open on `today` (dueDate ≤ today < closesDate); `today` is a date in the pilot's zone. */
export function dueOccasions<T extends DateRange>(plan: readonly T[], today: string): T[] {
  dayNumber(today);
  return plan.filter((o) => o.dueDate <= today && today < o.closesDate);
}

/** Occasions whose window has closed by `today` (closesDate ≤ today). */
export function expiredOccasions<T extends DateRange>(plan: readonly T[], today: string): T[] {
  dayNumber(today);
  return plan.filter((o) => o.closesDate <= today);
}
