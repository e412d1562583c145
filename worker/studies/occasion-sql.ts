// The one definition of an "open occasion" in SQL (and its JS twin), for every query that asks which
// questionnaires she can answer now, which the reminder run may mail about, and which the cron closes.
//
//   open at `now`  = not yet answered, missed or cancelled (status 'open' or 'started')
//                    AND opened (opens_at <= now) AND not yet closed (closes_at > now)
//                    AND her participation lets her answer (participant 'active' or 'left_care')
//   expired at now = not yet answered AND closes_at <= now (what the cron marks 'missed')
//
// Each helper returns a condition for a WHERE clause. `o` and `p` are the table aliases of occasions and
// participants in the query ("" when the column is not qualified); `now` is the SQL parameter or expression
// that holds the instant (e.g. "?1", ":now"). No runtime imports: any domain can use it without a cycle.

/** Occasion statuses in which she can still answer it. */
export const UNANSWERED_STATUSES = ["open", "started"] as const;
/** Participant statuses whose open occasions she can answer (and is reminded of). */
export const ANSWERING_STATUSES = ["active", "left_care"] as const;

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(",");
const col = (alias: string, name: string) => (alias ? `${alias}.${name}` : name);

/** JS twin of `unanswered`: the occasion's status lets her still answer it. */
export function isUnanswered(status: string): boolean {
  return (UNANSWERED_STATUSES as readonly string[]).includes(status);
}

/** The occasion is not yet answered, missed or cancelled (it may not have opened yet, or be past its window). */
export function unanswered(o = "o"): string {
  return `${col(o, "status")} IN (${list(UNANSWERED_STATUSES)})`;
}

/** Her participation lets her answer (not paused, withdrawn or completed). */
export function answering(p = "p"): string {
  return `${col(p, "status")} IN (${list(ANSWERING_STATUSES)})`;
}

/** Unanswered and opened by `now` (possibly past its window: the cron has not closed it yet). */
export function opened(now: string, o = "o"): string {
  return `${unanswered(o)} AND ${col(o, "opens_at")} <= ${now}`;
}

/** Unanswered and its window not yet over at `now`. */
export function notClosed(now: string, o = "o"): string {
  return `${unanswered(o)} AND ${col(o, "closes_at")} > ${now}`;
}

/** The occasion's own part of "open at now": unanswered, opened and not yet closed. */
export function openWindow(now: string, o = "o"): string {
  return `${opened(now, o)} AND ${col(o, "closes_at")} > ${now}`;
}

/** An open occasion at `now` that she can answer: the definition (needs participants joined as `p`). */
export function openOccasion(now: string, o = "o", p = "p"): string {
  return `${openWindow(now, o)} AND ${answering(p)}`;
}

/** Unanswered and past its window at `now`: what the cron closes as missed (the complement of its window end). */
export function expired(now: string, o = "o"): string {
  return `${unanswered(o)} AND ${col(o, "closes_at")} <= ${now}`;
}
