// Reminder runs and the outbox for researchers, as JSON API and as a workspace page: dry run / real run,
// run history, the outbox with its failures and a retry, and who paused reminders. Participant codes
// only: never an e-mail address. In jobs/, not reminders/: the API and the page start runs of the scheduled
// job, which orchestrates the reminders (jobs imports reminders, never the other way round).
import type { Context } from "hono";
import { z } from "zod";
import { h, type VNode } from "preact";
import { RemindersPage, type Outcome } from "../../web/pages/reminders/RemindersPage";
import { AppError } from "../errors";
import { renderStaffPage } from "../lib/render";
import { actorOf, staffUserOf, type StaffEnv } from "../http/auth";
import { BODY_LIMITS } from "../http/body-limit";
import { API_BASE, mount, page, route } from "../http/operation";
import { staffPageError } from "../http/page-error";
import { outboxResponse, pausesResponse, reminderRunResponse, retryResponse, runsResponse } from "./schemas";
import { repeatedFailures } from "../reminders/outbox";
import { listOutbox, listPauses, OUTBOX_STATUSES, retryMessage } from "../reminders/queries";
import { previewRun } from "./preview";
import { listRuns } from "./queries";
import { runScheduled } from "./scheduled";

export const runBody = z.object({ dryRun: z.boolean() }).strict();
export const outboxQuery = z
  .object({
    status: z.enum(OUTBOX_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    beforeId: z.coerce.number().int().min(1).optional(),
  })
  .strict();
export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }).strict();

async function startRun(c: Context<StaffEnv>, pilotId: number, dryRun: boolean) {
  const actor = actorOf(c);
  const trigger = { type: "api" as const, by: actor.id, actorType: actor.type, pilotId };
  const now = Date.now();
  if (dryRun) return previewRun(c.env, now, pilotId, trigger);
  const summary = await runScheduled(c.env, now, trigger);
  return { runId: summary.runId, dryRun: false as const, now, counts: summary };
}

// ---- JSON API -----------------------------------------------------------------------------------------

export const reminderRoutes = mount(
  route(
    {
      method: "post",
      path: `${API_BASE}/pilots/:pilot/reminder-runs`,
      summary:
        "Reminder run for a pilot: dryRun lists who would get what and why (nothing sent or queued); a real run sends",
      access: "write",
      body: runBody,
      limit: BODY_LIMITS.smallForm,
      response: reminderRunResponse,
    },
    async (c, { pilot, body }) => c.json(await startRun(c, pilot.id, body.dryRun)),
  ),
  route(
    {
      method: "get",
      path: `${API_BASE}/pilots/:pilot/reminder-runs`,
      summary:
        "Recorded reminder runs of a pilot, and the cron runs over " +
        "all pilots with this pilot's share of their counts only",
      access: "write",
      query: runsQuery,
      response: runsResponse,
    },
    async (c, { pilot, query }) => c.json({ runs: await listRuns(c.env.DB, pilot.id, query.limit ?? 50) }),
  ),
  route(
    {
      method: "get",
      path: `${API_BASE}/pilots/:pilot/outbox`,
      summary: "Outbox of a pilot: queued, sent, failed with reason (participant codes only, never addresses)",
      access: "write",
      query: outboxQuery,
      response: outboxResponse,
    },
    async (c, { pilot, query }) => c.json(await listOutbox(c.env.DB, pilot.id, query)),
  ),
  route(
    {
      method: "post",
      path: `${API_BASE}/pilots/:pilot/outbox/:id/retry`,
      summary: "Queue a failed message again and try to send it now (audited)",
      access: "write",
      limit: BODY_LIMITS.smallForm,
      response: retryResponse,
    },
    async (c, { pilot }) => c.json(await retryMessage(c.env, pilot.id, c.req.param("id") ?? "", actorOf(c))),
  ),
  route(
    {
      method: "get",
      path: `${API_BASE}/pilots/:pilot/reminder-pauses`,
      summary: "Youths who paused their reminders with the link in their mail, and until when",
      access: "write",
      response: pausesResponse,
    },
    async (c, { pilot }) => c.json({ pauses: await listPauses(c.env.DB, pilot.id, Date.now()) }),
  ),
);

// ---- workspace page (session cookie + CSRF through the declaration) ----------------------------------

async function reminderPage(
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

export const reminderPageRoutes = mount(
  page({ method: "get", path: "/staff/pilots/:pilot/reminders", access: "write" }, (c, { pilot }) =>
    reminderPage(c, pilot, null),
  ),
  page(
    {
      method: "post",
      path: "/staff/pilots/:pilot/reminders/run",
      access: "write",
      limit: BODY_LIMITS.smallForm,
      form: true,
    },
    async (c, { pilot, form }) => {
      if (form.dryRun !== "1" && form.dryRun !== "0") throw new AppError("validation", "dryRun must be 1 or 0");
      const r = await startRun(c, pilot.id, form.dryRun === "1");
      return reminderPage(
        c,
        pilot,
        r.dryRun
          ? { kind: "preview", items: r.items }
          : { kind: "run", counts: r.counts as unknown as Record<string, number> },
      );
    },
  ),
  page(
    {
      method: "post",
      path: "/staff/pilots/:pilot/reminders/outbox/:id/retry",
      access: "write",
      limit: BODY_LIMITS.smallForm,
    },
    async (c, { pilot }) => {
      const r = await retryMessage(c.env, pilot.id, c.req.param("id") ?? "", actorOf(c));
      return reminderPage(c, pilot, { kind: "retried", status: r.status });
    },
  ),
  // A page: its refusals (401, 403, 404, 409, 413) are pages too, as on every other workspace page.
).onError(staffPageError);
