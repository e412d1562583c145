// The studies API: participants, pilot configuration, pilot items, staff forms and CSV imports of one
// pilot. Every route resolves the pilot through pilotFor (403 for a foreign pilot) and every query is
// filtered by that pilot's id.
import type { Context } from "hono";
import { z } from "zod";
import { rislScores } from "../../schema/staff-forms";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { actorOf, type StaffEnv } from "../http/auth";
import { mount, type Pilot, route, validated } from "../http/operation";
import { contactFlags } from "./contacts";
import { effectiveSettings, savePilotItems, settingsVersion, updateSettings } from "./config";
import {
  bilingual,
  decodeImport,
  importMeasurements,
  importParticipants,
  type ImportReport,
  type ImportRun,
  importTemplate,
  MAX_IMPORT_BYTES,
} from "./import";
import {
  enrol,
  eraseAnswers,
  formName,
  participantByCode,
  pilotOverview,
  publicParticipant,
  saveStaffForm,
  scheduleFor,
  staffForm,
  updateParticipant,
  withdraw,
} from "./participants";
import {
  backgroundForm,
  enrolBody,
  enrolResponse,
  eraseBody,
  eraseResponse,
  importQuery,
  importReport,
  instrumentVersionResponse,
  listQuery,
  participantListResponse,
  participantPatch,
  participantPatchResponse,
  participantResponse,
  pilotItemsBody,
  rislForm,
  STAFF_FORMS,
  settingsBody,
  settingsResponse,
  staffFormResponse,
  withdrawResponse,
} from "./validators";

const P = "/api/v1/pilots/:pilot";
const tooLarge = () =>
  new AppError("payload_too_large", bilingual("import.error.tooLarge", { mib: MAX_IMPORT_BYTES / 1024 / 1024 }));
/** A CSV import: the file as a text/csv body within MAX_IMPORT_BYTES, dryRun in the query. */
const importOperation = (kind: "participants" | "measurements", summary: string) =>
  ({
    method: "post",
    path: `${P}/imports/${kind}`,
    summary,
    access: "write",
    csv: true,
    limit: MAX_IMPORT_BYTES,
    tooLarge,
    query: importQuery,
    response: importReport,
    status: [200, 201],
  }) as const;

/**
 * A CSV import route: the posted file (its dryRun query) into the pilot, by the caller; a dry run answers 200,
 * a commit 201, a refused commit the validation error with the report.
 */
const importHandler =
  (runImport: (run: ImportRun) => Promise<ImportReport>) =>
  async (c: Context<StaffEnv>, { pilot, query }: { pilot: Pilot; query: { dryRun?: string } }) => {
    const recordedBy = c.get("principal").userId ?? null;
    const text = await csvText(c);
    const dryRun = isDry(query);
    const report = await runImport({ env: c.env, pilot, text, dryRun, actor: actorOf(c), recordedBy, now: Date.now() });
    if (!report.dryRun && !report.ok)
      throw new AppError("validation", bilingual("import.error.rejected", { n: report.errors.length }), report);
    return c.json(report, report.dryRun ? 200 : 201);
  };

/** A template per import, as Dutch Excel opens it: `;`, dd-mm-jjjj (worker/studies/import.ts importTemplate). */
const templateRoute = (kind: "participants" | "measurements", summary: string) =>
  route(
    { method: "get", path: `${P}/imports/${kind}/template.csv`, summary, access: "write", produces: "text/csv" },
    (c, { pilot }) => template(c, pilot, kind),
  );

const SETTINGS_GET_DOC =
  "The effective configuration. The ETag response header is its version: send " +
  "it back as If-Match with PUT /settings, so that a change based on values " +
  "someone else has changed since is refused (409) instead of overwriting theirs.";
const SETTINGS_PUT_DOC =
  "Optimistic concurrency: send If-Match with the ETag of the GET /settings your change is based on. " +
  "If the configuration changed since, the answer is 409 (error code `conflict`, `details[0].currentVersion` " +
  "the stored version) and nothing is stored: read it again and reapply your change. Without " +
  "If-Match the change is merged onto the stored configuration atomically (fields you do not send keep " +
  "their stored values; two concurrent changes never lose one another). The answer carries the new ETag.";

/** The version an If-Match header names: the first entity tag (weak or strong); `*` means any. */
export function ifMatchVersion(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const m = /^\s*(?:W\/)?"([^"]*)"/.exec(header) ?? /^\s*([^\s,]+)/.exec(header);
  return m?.[1] ?? "";
}

async function csvText(c: { req: { header(n: string): string | undefined; arrayBuffer(): Promise<ArrayBuffer> } }) {
  const type = c.req.header("content-type") ?? "";
  if (!/^text\/(csv|plain)\b/.test(type)) throw new AppError("validation", bilingual("import.error.contentType"));
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > MAX_IMPORT_BYTES) throw tooLarge();
  // UTF-8, or Windows-1252 as Dutch Excel saves a plain CSV.
  return decodeImport(bytes);
}
/** Route paths come from the operation registry, so Hono cannot type their parameters. */
const param = (c: { req: { param(k: string): string | undefined } }, k: string) => c.req.param(k) ?? "";
const isDry = (q: { dryRun?: string }) => q.dryRun === undefined || q.dryRun === "true" || q.dryRun === "1";

export const studyRoutes = mount(
  route(
    {
      method: "get",
      path: `${P}/settings`,
      summary: "Pilot configuration (effective values)",
      description: SETTINGS_GET_DOC,
      responseHeaders: { ETag: "The version of the configuration; send it back in If-Match when you change it." },
      access: "read",
      response: settingsResponse,
    },
    async (c, { pilot }) => {
      c.header("ETag", `"${await settingsVersion(pilot)}"`);
      return c.json(effectiveSettings(pilot, c.env.MAIL_FROM_NAME));
    },
  ),
  route(
    {
      method: "put",
      path: `${P}/settings`,
      summary: "Change the pilot configuration (partial; validated as a whole)",
      description: SETTINGS_PUT_DOC,
      headerParams: [
        {
          name: "If-Match",
          description:
            "The ETag of GET /settings (or of the previous PUT) this change is based on. A " +
            "version that is no longer the stored one is refused with 409 (error code conflict; " +
            "details[0].currentVersion names the stored version) and nothing is changed.",
        },
      ],
      responseHeaders: { ETag: "The version after this change." },
      access: "write",
      body: settingsBody,
      response: settingsResponse,
    },
    async (c, { pilot, body }) => {
      const updated = await updateSettings(c.env.DB, pilot, body, actorOf(c), Date.now(), {
        ifVersion: ifMatchVersion(c.req.header("if-match")),
      });
      c.header("ETag", `"${await settingsVersion(updated)}"`);
      return c.json(effectiveSettings({ ...pilot, ...updated }, c.env.MAIL_FROM_NAME));
    },
  ),
  route(
    {
      method: "put",
      path: `${P}/items`,
      summary: "Set the pilot-specific items (a change makes a new instrument version)",
      access: "write",
      body: pilotItemsBody,
      response: instrumentVersionResponse,
    },
    async (c, { pilot, body }) => c.json(await savePilotItems(c.env.DB, pilot, body, actorOf(c), Date.now())),
  ),
  route(
    {
      method: "get",
      path: `${P}/participants`,
      summary: "Participants with their occasions, last contact and next reminder",
      access: "read",
      query: listQuery,
      response: participantListResponse,
    },
    async (c, { pilot, query: q }) => {
      const rows = await pilotOverview(c.env.DB, pilot, Date.now());
      return c.json({ participants: rows.filter((r) => !q.status || r.status === q.status) });
    },
  ),
  route(
    {
      method: "post",
      path: `${P}/participants`,
      summary: "Enrol a youth (creates her schedule)",
      access: "write",
      body: enrolBody,
      response: enrolResponse,
      status: 201,
    },
    async (c, { pilot, body }) => {
      const { participant, schedule } = await enrol(
        c.env.DB,
        c.env,
        pilot,
        body,
        actorOf(c),
        c.get("principal").userId ?? null,
        Date.now(),
      );
      return c.json({ participant: publicParticipant(participant), schedule }, 201);
    },
  ),
  route(
    {
      method: "get",
      path: `${P}/participants/:code`,
      summary: "One participant with her schedule (no contact data)",
      access: "read",
      response: participantResponse,
    },
    async (c, { pilot }) => {
      const p = await participantByCode(c.env.DB, pilot.id, param(c, "code"));
      await audit(c.env.DB, actorOf(c), "participant.read", Date.now(), { pilotId: pilot.id, target: p.code });
      return c.json({
        participant: { ...publicParticipant(p), ...(await contactFlags(c.env.DB, p.id)) },
        schedule: await scheduleFor(c.env.DB, pilot, p, Date.now()),
      });
    },
  ),
  route(
    {
      method: "patch",
      path: `${P}/participants/:code`,
      summary: "Change status (active, paused, left_care, completed) or contact data",
      access: "write",
      body: participantPatch,
      response: participantPatchResponse,
    },
    async (c, { pilot, body }) => {
      const p = await participantByCode(c.env.DB, pilot.id, param(c, "code"));
      const updated = await updateParticipant(c.env.DB, c.env, pilot, p, body, actorOf(c), Date.now());
      return c.json({ participant: publicParticipant(updated) });
    },
  ),
  route(
    {
      method: "post",
      path: `${P}/participants/:code/withdraw`,
      summary: "Withdraw: stops all contact at once and erases contact data",
      access: "write",
      response: withdrawResponse,
    },
    async (c, { pilot }) => {
      const p = await participantByCode(c.env.DB, pilot.id, param(c, "code"));
      await withdraw(c.env.DB, pilot, p, actorOf(c), Date.now());
      return c.json({ code: p.code, status: "withdrawn", contactErased: true });
    },
  ),
  route(
    {
      method: "post",
      path: `${P}/participants/:code/erase-answers`,
      summary:
        "Erase a youth's answers on request, with her staff forms and indicators (audited); " +
        "confirm with her code. Her occasions count as erased in the response figures",
      access: "write",
      body: eraseBody,
      response: eraseResponse,
    },
    async (c, { pilot, body }) => {
      const p = await participantByCode(c.env.DB, pilot.id, param(c, "code"));
      if (body.confirmCode !== p.code)
        throw new AppError("validation", "confirmCode must repeat the participant's code");
      return c.json({ code: p.code, ...(await eraseAnswers(c.env.DB, pilot, p, actorOf(c), Date.now())) });
    },
  ),
  // Raw staff forms (referral reason, DSM codes) are for the researchers of the pilot only (DESIGN.md §3); every read
  // is audited.
  route(
    {
      method: "get",
      path: `${P}/participants/:code/forms/:form`,
      summary: "A staff form (background, risl); researchers of the pilot only, audited",
      access: "write",
      response: staffFormResponse,
    },
    async (c, { pilot }) => {
      const form = formName(param(c, "form"));
      const p = await participantByCode(c.env.DB, pilot.id, param(c, "code"));
      const row = await staffForm(c.env.DB, p, form);
      await audit(c.env.DB, actorOf(c), "staff_form.read", Date.now(), {
        pilotId: pilot.id,
        target: p.code,
        details: { form, found: !!row },
      });
      if (!row) throw new AppError("not_found", "This form has not been filled in");
      return c.json({
        form,
        data: row.data,
        updatedAt: row.updatedAt,
        ...(form === "risl" ? { scores: rislScores(row.data as z.infer<typeof rislForm>) } : {}),
      });
    },
  ),
  route(
    {
      method: "put",
      path: `${P}/participants/:code/forms/:form`,
      summary: "Fill in or replace a staff form (background or risl)",
      access: "write",
      body: z.union([backgroundForm, rislForm]),
      response: staffFormResponse,
    },
    async (c, { pilot, body }) => {
      const form = formName(param(c, "form"));
      const p = await participantByCode(c.env.DB, pilot.id, param(c, "code"));
      // The declaration parses either form; the path names which one this body must be.
      const data = validated(STAFF_FORMS[form], body) as Record<string, unknown>;
      const now = Date.now();
      await saveStaffForm(c.env.DB, pilot, p, form, data, actorOf(c), c.get("principal").userId ?? null, now);
      return c.json({
        form,
        data,
        updatedAt: now,
        ...(form === "risl" ? { scores: rislScores(data as z.infer<typeof rislForm>) } : {}),
      });
    },
  ),
  route(
    importOperation(
      "participants",
      "CSV import of participants (dryRun=true by default: 200; a commit is all or nothing: 201)",
    ),
    importHandler(importParticipants),
  ),
  route(
    importOperation(
      "measurements",
      "CSV import of historical measurements in long format (dryRun=true by default: 200; a commit: 201)",
    ),
    importHandler(importMeasurements),
  ),
  templateRoute(
    "participants",
    "Template of the participant import: header and an example " +
      "row, ';'-separated with dd-mm-jjjj dates for Dutch Excel",
  ),
  templateRoute(
    "measurements",
    "Template of the measurement import: one example row per importable " +
      "item, ';'-separated with dd-mm-jjjj dates for Dutch Excel",
  ),
);

async function template(c: Context<StaffEnv>, pilot: Pilot, kind: "participants" | "measurements") {
  const csv = await importTemplate(c.env.DB, pilot, kind, Date.now());
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="${pilot.key}-${kind}-template.csv"`);
  c.header("Cache-Control", "no-store");
  return c.body(csv);
}
