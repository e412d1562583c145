// Staff signals over HTTP (issue 15): GET /api/v1/pilots/{pilot}/signals and POST …/signals/{id}/acknowledge
// for researchers (WRITE_ROLES; coordinators and other pilots get 403 from pilotFor), and the workspace
// page with the same checks (session cookie + CSRF from its page() declaration).
import { renderStaffView } from "../http/staff-view";
import type { Context } from "hono";
import { z } from "zod";
import { pilotIndicators } from "../analysis/recompute";
import { SIGNAL_RULES } from "../../schema/tables";
import { t } from "../../core/i18n/messages";
import { SignalsPage } from "../../web/pages/staff/Signals";
import { AppError } from "../errors";
import { BODY_LIMITS } from "../http/body-limit";
import { actorOf, type StaffEnv } from "../http/auth";
import { API_BASE, mount, page, route } from "../http/operation";
import { staffPageError } from "../http/page-error";
import { acknowledgeSignal, listSignals, NOTE_MAX } from "./store";

const STATUSES = ["open", "acknowledged", "cleared"] as const;
export const signalsQuery = z.object({ status: z.enum([...STATUSES, "all"]).optional() }).strict();
export const acknowledgeBody = z.object({ note: z.string().trim().min(1).max(NOTE_MAX) }).strict();
export const signalResponse = z.strictObject({
  id: z.int(),
  participantCode: z.string(),
  rule: z.enum(SIGNAL_RULES),
  indicator: z.string(),
  status: z.enum(STATUSES),
  /** the rule's evidence: values with their occasion and time, or waves and RCI, or missed occasions; the threshold */
  evidence: z.record(z.string(), z.unknown()),
  raisedAt: z.int(),
  evaluatedAt: z.int(),
  acknowledgedAt: z.int().nullable(),
  acknowledgedBy: z.string().nullable(),
  note: z.string().nullable(),
});
export const signalsResponse = z.strictObject({ signals: z.array(signalResponse) });

/** indicator key → Dutch label, for the pages: from the pilot's stored instrument versions (retired items too). */
export async function indicatorLabels(d1: D1Database, pilotKey: string): Promise<Record<string, string>> {
  return {
    ...Object.fromEntries((await pilotIndicators(d1, pilotKey)).map((i) => [i.key, i.label.nl])),
    response: t("staff.col.occasions"),
  };
}

/** Acknowledges an open signal of the pilot with the actor's note (API and page alike). */
const acknowledge = (c: Context<StaffEnv>, pilotId: number, note: string) =>
  acknowledgeSignal(
    c.env.DB,
    pilotId,
    c.req.param("id") ?? "",
    note,
    actorOf(c),
    c.get("principal").userId ?? null,
    Date.now(),
  );

type Pilot = { id: number; key: string; name: string; timezone: string };
/** The signals page of a pilot, with a refusal when an acknowledgement was refused. */
async function signalsPage(c: Context<StaffEnv>, pilot: Pilot, showCleared: boolean, error?: string, status = 200) {
  const signals = await listSignals(c.env.DB, pilot.id, { status: showCleared ? "all" : undefined });
  return renderStaffView(
    c,
    SignalsPage,
    {
      pilot,
      signals,
      timezone: pilot.timezone,
      labels: await indicatorLabels(c.env.DB, pilot.key),
      showCleared,
      error,
    },
    status as 200 | 400 | 409,
  );
}

export const signalRoutes = mount(
  route(
    {
      method: "get",
      path: `${API_BASE}/pilots/:pilot/signals`,
      summary:
        "Staff signals of a pilot (open and acknowledged by default; " +
        "?status=cleared or all), with their evidence; researchers only",
      access: "write",
      query: signalsQuery,
      response: signalsResponse,
    },
    async (c, { pilot, query }) => c.json({ signals: await listSignals(c.env.DB, pilot.id, { status: query.status }) }),
  ),
  route(
    {
      method: "post",
      path: `${API_BASE}/pilots/:pilot/signals/:id/acknowledge`,
      summary:
        "Acknowledge an open signal of this pilot with a short note " +
        "(audited); it opens again only when new evidence arrives",
      access: "write",
      body: acknowledgeBody,
      limit: BODY_LIMITS.smallForm,
      response: signalResponse,
    },
    async (c, { pilot, body }) => c.json(await acknowledge(c, pilot.id, body.note)),
  ),
);

export const signalPageRoutes = mount(
  page({ method: "get", path: "/staff/pilots/:pilot/signals", access: "write" }, (c, { pilot }) =>
    signalsPage(c, pilot, c.req.query("status") === "all"),
  ),
  page(
    {
      method: "post",
      path: "/staff/pilots/:pilot/signals/:id/acknowledge",
      access: "write",
      limit: BODY_LIMITS.smallForm,
      form: true,
    },
    async (c, { pilot, form }) => {
      const note = typeof form.note === "string" ? form.note : "";
      try {
        const s = await acknowledge(c, pilot.id, note);
        if (form.back === "youth")
          return c.redirect(
            `/staff/pilots/${pilot.key}/youths/${encodeURIComponent(s.participantCode)}?done=signal#youth-signals`,
            303,
          );
        return c.redirect(`/staff/pilots/${pilot.key}/signals`, 303);
      } catch (e) {
        // A refused note (empty, too long) or a signal no longer open: the list with the reason; nothing stored.
        if (!(e instanceof AppError) || (e.code !== "validation" && e.code !== "conflict")) throw e;
        const error =
          e.code === "conflict"
            ? t("signals.ack.notOpen")
            : note.trim()
              ? t("signals.ack.tooLong")
              : t("signals.ack.empty");
        return signalsPage(c, pilot, false, error, e.code === "conflict" ? 409 : 400);
      }
    },
  ),
).onError(staffPageError);
