// Participants of one pilot. Every function takes the pilot id and filters by it, so a code or id of
// another pilot is simply not found here.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import { getDb, schema } from "../db";
import type { Env } from "../env";
import { AppError } from "../errors";
import { audit, type Actor } from "../lib/audit";
import { unanswered } from "./occasion-sql";
import { openDueOccasions } from "./occasions";
import { decideNextMessage, type OccasionState } from "../schedule/reminder-policy";
import { addDays, localDate, planOccasions } from "../schedule/schedule";
import { normaliseBackground } from "./background";
import { setContact, setContactField } from "./contacts";
import { instrumentsOf, policyOf, scheduleOf } from "./settings";
import type {
  StaffFormName,
  enrolBody,
  overviewRow,
  ParticipantPatch,
  publicParticipantResponse,
  scheduledOccasion,
} from "./validators";
import { DAY_MS } from "../../core/time";

type Pilot = typeof schema.pilots.$inferSelect;

/** drizzle wraps D1's error; the constraint message sits somewhere in the cause chain. */
export function isUniqueViolation(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    if (/UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(x instanceof Error ? x.message : String(x))) return true;
  }
  return false;
}
/** What `write` gives, or the error `conflict` makes when the write broke a UNIQUE constraint. */
export async function orConflict<T>(write: Promise<T>, conflict: () => Error): Promise<T> {
  try {
    return await write;
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict();
    throw e;
  }
}
type Participant = typeof schema.participants.$inferSelect;

/** Start dates may lie up to a year back (youths already in care) and up to 90 days ahead. */
export const START_PAST_DAYS = 366;
export const START_FUTURE_DAYS = 90;

export function checkStartDate(pilot: Pilot, date: string, now: number): string | null {
  const today = localDate(now, pilot.timezone);
  if (date < addDays(today, -START_PAST_DAYS)) return `pilot start date more than ${START_PAST_DAYS} days ago`;
  if (date > addDays(today, START_FUTURE_DAYS)) return `pilot start date more than ${START_FUTURE_DAYS} days ahead`;
  return null;
}

export function checkConsentDate(pilot: Pilot, date: string, now: number): string | null {
  const today = localDate(now, pilot.timezone);
  if (date > today) return "consent date in the future";
  if (date < addDays(today, -3 * 366)) return "consent date more than three years ago";
  return null;
}

export async function participantByCode(d1: D1Database, pilotId: number, code: string): Promise<Participant> {
  const db = getDb(d1);
  const [p] = await db
    .select()
    .from(schema.participants)
    .where(and(eq(schema.participants.pilotId, pilotId), eq(schema.participants.code, code)));
  if (!p) throw new AppError("not_found", "No such participant in this pilot");
  return p;
}

export const publicParticipant = (p: Participant): z.infer<typeof publicParticipantResponse> => ({
  code: p.code,
  pilotStartDate: p.pilotStartDate,
  status: p.status,
  consent: { by: p.consentBy, date: p.consentDate, recordedBy: p.consentRecordedBy },
  leftCareAt: p.leftCareAt,
  remindersPausedUntil: p.remindersPausedUntil,
  createdAt: p.createdAt,
});

export type ScheduledOccasion = z.infer<typeof scheduledOccasion>;

/** State shown to researchers; "overdue" = still open while the first reminder is already due. */
export function occasionState(
  o: { status: string; opensAt: number; closesAt: number },
  firstReminderAfterDays: number,
  now: number,
): ScheduledOccasion["state"] {
  if (o.status === "completed") return "answered";
  if (o.status === "missed") return "missed";
  if (o.status === "cancelled") return "cancelled";
  if (now >= o.closesAt) return "missed";
  return now >= o.opensAt + Math.max(1, firstReminderAfterDays) * DAY_MS ? "overdue" : "open";
}

/**
 * The youth's whole plan merged with the occasions already opened (imports included). A planned occasion
 * whose window passed without being opened counts as missed; after withdrawal or completion the rest of
 * the plan is cancelled.
 */
export function mergePlan(
  pilot: Pilot,
  p: Participant,
  rows: (typeof schema.occasions.$inferSelect)[],
  now: number,
): ScheduledOccasion[] {
  const policy = policyOf(pilot);
  const today = localDate(now, pilot.timezone);
  const byKey = new Map(rows.map((r) => [`${r.kind}:${r.seq}`, r]));
  const { frequent, wave } = instrumentsOf(pilot);
  const notFollowed = p.status === "withdrawn" || p.status === "completed";
  const out: ScheduledOccasion[] = [];
  for (const o of planOccasions(p.pilotStartDate, scheduleOf(pilot), frequent, wave)) {
    const row = byKey.get(`${o.kind}:${o.seq}`);
    byKey.delete(`${o.kind}:${o.seq}`);
    const state = row
      ? occasionState(row, policy.firstReminderAfterDays, now)
      : o.closesDate <= today
        ? "missed"
        : notFollowed
          ? "cancelled"
          : "planned";
    out.push({
      kind: o.kind,
      wave: o.wave,
      seq: o.seq,
      dueDate: o.dueDate,
      closesDate: o.closesDate,
      instruments: o.instruments,
      state,
      completedAt: row?.completedAt ?? null,
    });
  }
  for (const r of byKey.values()) {
    out.push({
      kind: r.kind,
      wave: r.wave,
      seq: r.seq,
      dueDate: r.dueDate,
      closesDate: null,
      instruments: [],
      state: occasionState(r, policy.firstReminderAfterDays, now),
      completedAt: r.completedAt,
    });
  }
  return out.sort((a, b) =>
    a.dueDate < b.dueDate
      ? -1
      : a.dueDate > b.dueDate
        ? 1
        : a.kind === b.kind
          ? a.seq - b.seq
          : a.kind === "wave"
            ? -1
            : 1,
  );
}

export async function scheduleFor(
  d1: D1Database,
  pilot: Pilot,
  p: Participant,
  now: number,
): Promise<ScheduledOccasion[]> {
  const db = getDb(d1);
  return mergePlan(
    pilot,
    p,
    await db.select().from(schema.occasions).where(eq(schema.occasions.participantId, p.id)),
    now,
  );
}

export async function enrol(
  d1: D1Database,
  env: Env,
  pilot: Pilot,
  input: z.infer<typeof enrolBody>,
  actor: Actor,
  recordedBy: number | null,
  now: number,
) {
  const db = getDb(d1);
  const problems = [
    checkStartDate(pilot, input.pilotStartDate, now),
    checkConsentDate(pilot, input.consent.date, now),
  ].filter((x): x is string => x !== null);
  if (problems.length)
    throw new AppError(
      "validation",
      problems.join("; "),
      problems.map((message) => ({ message })),
    );
  const [existing] = await db
    .select({ id: schema.participants.id })
    .from(schema.participants)
    .where(and(eq(schema.participants.pilotId, pilot.id), eq(schema.participants.code, input.code)));
  if (existing) throw new AppError("conflict", "A participant with this code exists in this pilot");
  const [p] = (await orConflict(
    db
      .insert(schema.participants)
      .values({
        pilotId: pilot.id,
        code: input.code,
        pilotStartDate: input.pilotStartDate,
        status: "active",
        consentBy: input.consent.by,
        consentDate: input.consent.date,
        consentRecordedBy: recordedBy,
        createdAt: now,
      })
      .returning(),
    () => new AppError("conflict", "A participant with this code exists in this pilot"),
  )) as [Participant];
  try {
    await setContact(d1, env, p.id, input.email ?? null, input.mentorEmail ?? null, now);
  } catch (e) {
    // Without its contact row the enrolment would be half-done: undo it.
    await db.delete(schema.participants).where(eq(schema.participants.id, p.id));
    throw e;
  }
  await openDueOccasions(d1, now, pilot.id);
  await audit(d1, actor, "participant.enrol", now, {
    pilotId: pilot.id,
    target: p.code,
    details: { consentBy: input.consent.by, hasEmail: !!input.email, hasMentorEmail: !!input.mentorEmail },
  });
  return { participant: p, schedule: await scheduleFor(d1, pilot, p, now) };
}

/**
 * Revokes the live links of a youth's open occasions and raises their generation, so the next message
 * carries a new link and the old one shows the kind "replaced" page (statements for the caller's batch).
 * Used when a researcher revokes her link and when her e-mail address changes.
 */
function revokeOpenLinksStatements(d1: D1Database, participantId: number, now: number): D1PreparedStatement[] {
  const open = `SELECT id FROM occasions WHERE participant_id = ?2 AND ${unanswered("")}`;
  return [
    d1
      .prepare(`UPDATE secure_links SET revoked_at = ?1 WHERE revoked_at IS NULL AND occasion_id IN (${open})`)
      .bind(now, participantId),
    d1
      .prepare(
        `UPDATE occasions SET link_generation = link_generation + 1 WHERE participant_id = ?1 AND ${unanswered("")}`,
      )
      .bind(participantId),
  ];
}

export async function updateParticipant(
  d1: D1Database,
  env: Env,
  pilot: Pilot,
  p: Participant,
  patch: ParticipantPatch,
  actor: Actor,
  now: number,
) {
  const db = getDb(d1);
  if (p.status === "withdrawn") throw new AppError("conflict", "A withdrawn participant cannot be changed");
  const set: Partial<typeof schema.participants.$inferInsert> = {};
  if (patch.status) set.status = patch.status;
  if (patch.status === "left_care") set.leftCareAt = patch.leftCareAt ?? p.leftCareAt ?? localDate(now, pilot.timezone);
  else if (patch.leftCareAt !== undefined) set.leftCareAt = patch.leftCareAt;
  if (set.leftCareAt && (set.leftCareAt < p.pilotStartDate || set.leftCareAt > localDate(now, pilot.timezone)))
    throw new AppError("validation", "left-care date must lie between the pilot start and today");
  if (Object.keys(set).length)
    await db
      .update(schema.participants)
      .set(set)
      .where(and(eq(schema.participants.id, p.id), eq(schema.participants.pilotId, pilot.id)));
  if (patch.email !== undefined) {
    await setContactField(d1, env, p.id, "email", patch.email, now);
    // A new (or removed) address: the links mailed to the old one stop working; the next message carries a new link.
    await env.DB.batch(revokeOpenLinksStatements(env.DB, p.id, now));
  }
  if (patch.mentorEmail !== undefined) await setContactField(d1, env, p.id, "mentor", patch.mentorEmail, now);
  if (patch.status === "active" || patch.status === "left_care") await openDueOccasions(d1, now, pilot.id);
  await audit(d1, actor, "participant.update", now, {
    pilotId: pilot.id,
    target: p.code,
    details: { fields: Object.keys(patch), status: patch.status ?? null },
  });
  const [fresh] = await db.select().from(schema.participants).where(eq(schema.participants.id, p.id));
  return fresh!;
}

/** Withdrawal stops all contact at once and erases contact data, in one D1 transaction. */
export async function withdraw(d1: D1Database, pilot: Pilot, p: Participant, actor: Actor, now: number) {
  if (p.status === "withdrawn") throw new AppError("conflict", "Already withdrawn");
  await d1.batch([
    d1.prepare("UPDATE participants SET status = 'withdrawn' WHERE id = ? AND pilot_id = ?").bind(p.id, pilot.id),
    d1.prepare("DELETE FROM participant_contacts WHERE participant_id = ?").bind(p.id),
    // Claimed rows whose send has not started are stopped too (their delivery re-checks before sending).
    d1
      .prepare(
        "UPDATE outbox SET status = 'cancelled', last_error = 'withdrawn' WHERE participant_id = " +
          "? AND (status IN ('queued','failed') OR (status = 'sending' AND send_started_at IS NULL))",
      )
      .bind(p.id),
    d1
      .prepare(
        "UPDATE secure_links SET revoked_at = ? WHERE revoked_at IS NULL AND " +
          "occasion_id IN (SELECT id FROM occasions WHERE participant_id = ?)",
      )
      .bind(now, p.id),
    d1
      .prepare("UPDATE occasions SET status = 'cancelled' WHERE participant_id = ? AND status IN ('open','started')")
      .bind(p.id),
    d1
      .prepare(
        "INSERT INTO audit_log (at, actor_type, actor_id, action, pilot_id, " +
          "target, details) VALUES (?, ?, ?, 'participant.withdraw', ?, ?, ?)",
      )
      .bind(now, actor.type, actor.id, pilot.id, p.code, JSON.stringify({ contactErased: true })),
  ]);
}

/**
 * Erases a youth's answers on request (separate from withdrawal), in one D1 transaction, audited with the
 * counts. Complete: her answers and unsubmitted drafts, answer timings and times, staff forms (background and
 * RIS-L: data about her that the study does not need to keep once she asks; DESIGN.md §4) and computed
 * indicators all go. Her occasions stay, marked erased, so that response figures count them as erased
 * rather than as answered or as non-response. Her erase generation is raised in the same transaction: a
 * recompute that read her answers before this writes nothing for her afterwards (worker/analysis/recompute.ts).
 */
export async function eraseAnswers(d1: D1Database, pilot: Pilot, p: Participant, actor: Actor, now: number) {
  const mine = "participant_id = ?1";
  const erasedOccasions =
    `participant_id = ?1 AND answers_erased_at IS NULL AND (status = ` +
    `'completed' OR id IN (SELECT occasion_id FROM responses WHERE ${mine}))`;
  const res = await d1.batch([
    // First, inside the transaction: what is about to go, for the audit entry.
    d1
      .prepare(
        `INSERT INTO audit_log (at, actor_type, actor_id, action, pilot_id, target, details)
         SELECT ?2, ?3, ?4, 'participant.erase_answers', ?5, ?6, json_object(
           'responses', (SELECT COUNT(*) FROM responses WHERE ${mine}), ` +
          `'staffForms', (SELECT COUNT(*) FROM staff_forms WHERE ${mine}),
           'indicators', (SELECT COUNT(*) FROM indicator_results WHERE ${mine}), ` +
          `'occasions', (SELECT COUNT(*) FROM occasions WHERE ${erasedOccasions}),
           'draftAnswers', (SELECT COUNT(*) FROM draft_answers WHERE ${mine}),
           'commentTags', (SELECT COUNT(*) FROM comment_tags ` +
          `WHERE response_id IN (SELECT id FROM responses WHERE ${mine})))`,
      )
      .bind(p.id, now, actor.type, actor.id, pilot.id, p.code),
    d1
      .prepare("UPDATE participants SET erase_generation = erase_generation + 1 WHERE id = ?1 AND pilot_id = ?2")
      .bind(p.id, pilot.id),
    d1
      .prepare(
        `UPDATE occasions SET answers_erased_at = ?2, started_at = NULL, completed_at = NULL WHERE ${erasedOccasions}`,
      )
      .bind(p.id, now),
    // Codes on her comments (worker/comments) go before her answers they point at (foreign key).
    d1.prepare(`DELETE FROM comment_tags WHERE response_id IN (SELECT id FROM responses WHERE ${mine})`).bind(p.id),
    d1.prepare(`DELETE FROM responses WHERE ${mine}`).bind(p.id),
    d1.prepare(`DELETE FROM staff_forms WHERE ${mine}`).bind(p.id),
    d1.prepare(`DELETE FROM indicator_results WHERE ${mine}`).bind(p.id),
    d1.prepare(`DELETE FROM recompute_queue WHERE ${mine}`).bind(p.id),
    d1
      .prepare("DELETE FROM occasion_timings WHERE occasion_id IN (SELECT id FROM occasions WHERE participant_id = ?1)")
      .bind(p.id),
    // Answers saved page by page but not yet submitted (issue 14), comments included.
    d1.prepare(`DELETE FROM draft_answers WHERE ${mine}`).bind(p.id),
    d1.prepare(`DELETE FROM drafts WHERE ${mine}`).bind(p.id),
    // Staff signals are evidence drawn from her answers (worker/signals): they go with them.
    d1.prepare(`DELETE FROM signals WHERE ${mine}`).bind(p.id),
  ]);
  const changes = (i: number) => res[i]!.meta.changes;
  return {
    erasedResponses: changes(4),
    erasedStaffForms: changes(5),
    erasedIndicators: changes(6),
    erasedOccasions: changes(2),
  };
}

export type OverviewRow = z.infer<typeof overviewRow>;

/** Youths × occasions of one pilot with last contact and next reminder (researcher workspace). */
export async function pilotOverview(d1: D1Database, pilot: Pilot, now: number): Promise<OverviewRow[]> {
  const db = getDb(d1);
  const people = await db
    .select()
    .from(schema.participants)
    .where(eq(schema.participants.pilotId, pilot.id))
    .orderBy(schema.participants.code);
  if (!people.length) return [];
  const ids = people.map((p) => p.id);
  const chunks = <T>(a: T[], n: number) =>
    Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, i * n + n));
  const occ: (typeof schema.occasions.$inferSelect)[] = [];
  const sent: (typeof schema.outbox.$inferSelect)[] = [];
  const contacts: (typeof schema.participantContacts.$inferSelect)[] = [];
  for (const part of chunks(ids, 90)) {
    occ.push(...(await db.select().from(schema.occasions).where(inArray(schema.occasions.participantId, part))));
    sent.push(
      ...(await db
        .select()
        .from(schema.outbox)
        .where(and(eq(schema.outbox.pilotId, pilot.id), inArray(schema.outbox.participantId, part)))
        .orderBy(desc(schema.outbox.sentAt))),
    );
    contacts.push(
      ...(await db
        .select()
        .from(schema.participantContacts)
        .where(inArray(schema.participantContacts.participantId, part))),
    );
  }
  const policy = policyOf(pilot);
  const contactOf = new Map(contacts.map((c) => [c.participantId, c]));
  return people.map((p) => {
    const mine = occ.filter((o) => o.participantId === p.id);
    const planned = mergePlan(pilot, p, mine, now);
    const mySent = sent.filter((m) => m.participantId === p.id && m.status === "sent" && m.sentAt !== null);
    const lastContactAt = mySent.reduce<number | null>(
      (acc, m) => (acc === null || m.sentAt! > acc ? m.sentAt! : acc),
      null,
    );
    const contact = contactOf.get(p.id);
    let nextReminderAt: number | null = null;
    for (const o of mine) {
      if (o.status !== "open" && o.status !== "started") continue;
      const state: OccasionState = {
        status: o.status,
        participantStatus: p.status,
        pausedUntil: p.remindersPausedUntil,
        hasEmail: !!contact?.emailEnc,
        hasMentorEmail: !!contact?.mentorEmailEnc,
        openedAt: o.opensAt,
        closesAt: o.closesAt,
        sent: mySent.filter((m) => m.occasionId === o.id).map((m) => ({ kind: m.kind, seq: m.seq, at: m.sentAt! })),
      };
      const d = decideNextMessage(state, policy, now);
      const at = d.action === "send" ? now : d.action === "wait" ? d.until : null;
      if (at !== null && (nextReminderAt === null || at < nextReminderAt)) nextReminderAt = at;
    }
    return {
      code: p.code,
      status: p.status,
      pilotStartDate: p.pilotStartDate,
      leftCareAt: p.leftCareAt,
      occasions: planned,
      lastContactAt,
      nextReminderAt,
      overdue: planned.some((o) => o.state === "overdue"),
    };
  });
}

/** Saves a staff form (background or RIS-L) of a youth; audited. The data has been validated by the caller. */
export async function saveStaffForm(
  d1: D1Database,
  pilot: Pilot,
  p: Participant,
  form: StaffFormName,
  data: Record<string, unknown>,
  actor: Actor,
  userId: number | null,
  now: number,
) {
  const db = getDb(d1);
  if (p.status === "withdrawn") throw new AppError("conflict", "Participant has withdrawn");
  const values = { participantId: p.id, form, data, updatedBy: userId, updatedAt: now };
  await db
    .insert(schema.staffForms)
    .values(values)
    .onConflictDoUpdate({ target: [schema.staffForms.participantId, schema.staffForms.form], set: values });
  await audit(d1, actor, "staff_form.save", now, { pilotId: pilot.id, target: p.code, details: { form } });
}

export async function staffForm(d1: D1Database, p: Participant, form: StaffFormName) {
  const db = getDb(d1);
  const [row] = await db
    .select()
    .from(schema.staffForms)
    .where(and(eq(schema.staffForms.participantId, p.id), eq(schema.staffForms.form, form)));
  if (!row) return null;
  // A background form from before the fixed lists: its free text loads as the option it spells, else "anders".
  return form === "background" ? { ...row, data: normaliseBackground(row.data as Record<string, unknown>) } : row;
}

/** The staff form a path names; any other name is not found. */
export function formName(f: string): StaffFormName {
  if (f !== "background" && f !== "risl") throw new AppError("not_found", "Unknown form");
  return f;
}
