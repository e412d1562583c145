// The dry run of a reminder run for one pilot: the same planning and the same delivery gate as the
// real run, with the occasions the run would open added in memory. It writes nothing but its own
// reminder_runs row and audit entry; nothing is sent and the outbox is untouched.
import type { OUTBOX_KINDS } from "../../schema/tables";
import type { Env } from "../env";
import { audit } from "../lib/audit";
import { decideAll, loadPlanningRows, previewDueOutbox } from "../reminders/outbox";
import { collectDueOccasions, notYetOpened } from "../studies/occasions";
import { occasionCodes, planningPeople, recordDryRun } from "./queries";
import type { RunTrigger } from "./scheduled";

/** One youth's next message in the dry run: what the real run would do with it, and why. */
export type PreviewItem = {
  participantCode: string;
  /** null: an occasion the real run opens first */
  occasionId: number | null;
  occasionDueDate: string;
  action: "send" | "wait" | "skip";
  kind?: (typeof OUTBOX_KINDS)[number];
  seq?: number;
  reason: string;
  /** when a waiting message may go out */
  until?: number;
  /** "plan": decided by the reminder policy; "outbox": already queued (e.g. a retry after backoff) */
  source: "plan" | "outbox";
};
/** The dry run: who would get what and why; nothing is sent or queued (worker/jobs/schemas.ts). */
export type Preview = {
  runId: number;
  dryRun: true;
  now: number;
  counts: { send: number; wait: number; skip: number; opens: number };
  items: PreviewItem[];
};

export async function previewRun(env: Env, now: number, pilotId: number, trigger: RunTrigger): Promise<Preview> {
  const d1 = env.DB;
  const toOpen = await notYetOpened(d1, await collectDueOccasions(d1, now, pilotId), pilotId);
  const { rows, policies } = await loadPlanningRows(d1, now, pilotId);

  if (toOpen.length) {
    const people = new Map((await planningPeople(d1, pilotId)).map((r) => [r.id, r]));
    for (const o of toOpen) {
      const p = people.get(o.participantId)!;
      if (o.opensAt > now) continue; // the real run would open it but plan nothing for it yet
      rows.push({
        occasionId: null,
        occasionDueDate: o.dueDate,
        participantId: o.participantId,
        pilotId,
        code: o.code,
        state: {
          status: "open",
          participantStatus: p.status,
          pausedUntil: p.reminders_paused_until,
          hasEmail: !!p.has_email,
          hasMentorEmail: !!p.has_mentor,
          openedAt: o.opensAt,
          closesAt: o.closesAt,
          sent: [],
        },
      });
    }
  }

  const items: PreviewItem[] = decideAll(rows, policies, now).map((p) => {
    const base = {
      participantCode: p.code,
      occasionId: p.occasionId,
      occasionDueDate: p.occasionDueDate,
      source: "plan" as const,
    };
    const d = p.decision;
    if (d.action === "send") return { ...base, action: "send", kind: d.kind, seq: d.seq, reason: d.reason };
    if (d.action === "wait") return { ...base, action: "wait", reason: d.reason, until: d.until };
    return { ...base, action: "skip", reason: d.reason };
  });

  const queued = await previewDueOutbox(d1, now, pilotId);
  if (queued.length) {
    const codes = new Map((await occasionCodes(d1, pilotId)).map((r) => [r.occasion_id, r]));
    for (const q of queued) {
      const o = codes.get(q.occasionId);
      const base = {
        participantCode: o?.code ?? "?",
        occasionId: q.occasionId,
        occasionDueDate: o?.due_date ?? "",
        kind: q.kind,
        seq: Number(q.key.split(":")[2]),
        source: "outbox" as const,
      };
      const g = q.gate;
      if (g.action === "send") items.push({ ...base, action: "send", reason: q.attempts > 0 ? "retry_due" : "queued" });
      else if (g.action === "defer") items.push({ ...base, action: "wait", reason: g.reason, until: g.until });
      else items.push({ ...base, action: "skip", reason: g.reason });
    }
  }

  const order = { send: 0, wait: 1, skip: 2 };
  items.sort(
    (a, b) =>
      order[a.action] - order[b.action] ||
      a.participantCode.localeCompare(b.participantCode) ||
      (a.occasionDueDate < b.occasionDueDate ? -1 : 1),
  );
  const counts = { send: 0, wait: 0, skip: 0, opens: toOpen.length };
  for (const i of items) counts[i.action]++;

  const runId = await recordDryRun(d1, { pilotId, trigger: trigger.type, by: trigger.by }, now, Date.now(), counts);
  await audit(d1, { type: trigger.actorType ?? "staff", id: trigger.by }, "reminder_run.dry", now, {
    pilotId,
    target: `run:${runId}`,
    details: counts,
  });
  return { runId, dryRun: true, now, counts, items };
}
