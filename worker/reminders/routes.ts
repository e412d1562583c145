// Reminder runs and the outbox for researchers, as JSON API and as a workspace page: dry run / real run,
// run history, the outbox with its failures and a retry, and who paused reminders. Participant codes
// only: never an e-mail address.
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { h, type VNode } from "preact";
import { RemindersPage, type Outcome } from "../../web/pages/reminders/RemindersPage";
import { AppError } from "../errors";
import { previewRun } from "../jobs/preview";
import { runScheduled } from "../jobs/scheduled";
import { renderStaffPage } from "../lib/render";
import { actorOf, formBody, pilotFor, requireStaff, staffUserOf, WRITE_ROLES, type StaffEnv } from "../staff/auth";
import { API_BASE, jsonBody, op, queryOf } from "../staff/openapi";
import { staffPageError } from "../staff/pages";
import { outboxResponse, pausesResponse, reminderRunResponse, retryResponse, runsResponse } from "../staff/responses";
import { repeatedFailures } from "./outbox";
import { listOutbox, listPauses, listRuns, OUTBOX_STATUSES, retryMessage } from "./queries";

export const runBody = z.object({ dryRun: z.boolean() }).strict();
export const outboxQuery = z
  .object({
    status: z.enum(OUTBOX_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    beforeId: z.coerce.number().int().min(1).optional(),
  })
  .strict();
export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }).strict();

const limitBody = bodyLimit({
  maxSize: 4 * 1024,
  onError: () => {
    throw new AppError("payload_too_large", "Body too large");
  },
});

async function startRun(c: Context<StaffEnv>, pilotId: number, dryRun: boolean) {
  const actor = actorOf(c);
  const trigger = { type: "api" as const, by: actor.id, actorType: actor.type, pilotId };
  const now = Date.now();
  if (dryRun) return previewRun(c.env, now, pilotId, trigger);
  const summary = await runScheduled(c.env, now, trigger);
  return { runId: summary.runId, dryRun: false as const, now, counts: summary };
}

// ---- JSON API -----------------------------------------------------------------------------------------

export const reminderRoutes = new Hono<StaffEnv>()
  .post(
    op({
      method: "post",
      path: `${API_BASE}/pilots/:pilot/reminder-runs`,
      summary:
        "Reminder run for a pilot: dryRun lists who would get what and why (nothing sent or queued); a real run sends",
      access: "write",
      body: runBody,
      response: reminderRunResponse,
    }),
    requireStaff,
    limitBody,
    async (c) => {
      const pilot = await pilotFor(c, WRITE_ROLES);
      const { dryRun } = await jsonBody(c, runBody);
      return c.json(await startRun(c, pilot.id, dryRun));
    },
  )
  .get(
    op({
      method: "get",
      path: `${API_BASE}/pilots/:pilot/reminder-runs`,
      summary:
        "Recorded reminder runs of a pilot, and the cron runs over all pilots with this pilot's share of their counts only",
      access: "write",
      query: runsQuery,
      response: runsResponse,
    }),
    requireStaff,
    async (c) => {
      const pilot = await pilotFor(c, WRITE_ROLES);
      const q = queryOf(c, runsQuery);
      return c.json({ runs: await listRuns(c.env.DB, pilot.id, q.limit ?? 50) });
    },
  )
  .get(
    op({
      method: "get",
      path: `${API_BASE}/pilots/:pilot/outbox`,
      summary: "Outbox of a pilot: queued, sent, failed with reason (participant codes only, never addresses)",
      access: "write",
      query: outboxQuery,
      response: outboxResponse,
    }),
    requireStaff,
    async (c) => {
      const pilot = await pilotFor(c, WRITE_ROLES);
      return c.json(await listOutbox(c.env.DB, pilot.id, queryOf(c, outboxQuery)));
    },
  )
  .post(
    op({
      method: "post",
      path: `${API_BASE}/pilots/:pilot/outbox/:id/retry`,
      summary: "Queue a failed message again and try to send it now (audited)",
      access: "write",
      response: retryResponse,
    }),
    requireStaff,
    limitBody,
    async (c) => {
      const pilot = await pilotFor(c, WRITE_ROLES);
      return c.json(await retryMessage(c.env, pilot.id, c.req.param("id") ?? "", actorOf(c)));
    },
  )
  .get(
    op({
      method: "get",
      path: `${API_BASE}/pilots/:pilot/reminder-pauses`,
      summary: "Youths who paused their reminders with the link in their mail, and until when",
      access: "write",
      response: pausesResponse,
    }),
    requireStaff,
    async (c) => {
      const pilot = await pilotFor(c, WRITE_ROLES);
      return c.json({ pauses: await listPauses(c.env.DB, pilot.id, Date.now()) });
    },
  );

// ---- workspace page (session cookie + CSRF through requireStaff) ------------------------------------

async function page(
  c: Context<StaffEnv>,
  pilot: { id: number; key: string; name: string; timezone: string },
  outcome: Outcome,
  status = 200 as 200 | 400,
) {
  const s = c.req.query("status");
  const filter = (OUTBOX_STATUSES as readonly string[]).includes(s ?? "")
    ? (s as (typeof OUTBOX_STATUSES)[number])
    : null;
  const now = Date.now();
  const [runs, outbox, pauses, warnings] = await Promise.all([
    listRuns(c.env.DB, pilot.id, 20),
    listOutbox(c.env.DB, pilot.id, { status: filter ?? undefined, limit: 200 }),
    listPauses(c.env.DB, pilot.id, now),
    // Repeated failures of one kind (an unreadable address after a key change, a relay that refuses): a warning.
    repeatedFailures(c.env.DB, now, pilot.id),
  ]);
  return renderStaffPage(
    c,
    h(RemindersPage, {
      user: staffUserOf(c),
      pilot,
      timezone: pilot.timezone,
      runs,
      outbox: outbox.messages,
      status: filter,
      pauses,
      outcome,
      warnings,
    }) as VNode,
    status,
  );
}

export const reminderPageRoutes = new Hono<StaffEnv>()
  .get("/staff/pilots/:pilot/reminders", requireStaff, async (c) => page(c, await pilotFor(c, WRITE_ROLES), null))
  .post("/staff/pilots/:pilot/reminders/run", requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const form = await formBody(c);
    if (form.dryRun !== "1" && form.dryRun !== "0") throw new AppError("validation", "dryRun must be 1 or 0");
    const r = await startRun(c, pilot.id, form.dryRun === "1");
    return page(
      c,
      pilot,
      r.dryRun
        ? { kind: "preview", items: r.items }
        : { kind: "run", counts: r.counts as unknown as Record<string, number> },
    );
  })
  .post("/staff/pilots/:pilot/reminders/outbox/:id/retry", requireStaff, limitBody, async (c) => {
    const pilot = await pilotFor(c, WRITE_ROLES);
    const r = await retryMessage(c.env, pilot.id, c.req.param("id") ?? "", actorOf(c));
    return page(c, pilot, { kind: "retried", status: r.status });
  })
  // A page: its refusals (401, 403, 404, 409, 413) are pages too, as on every other workspace page.
  .onError(staffPageError);
