// The JSON/CSV API of the comment timeline and light coding (issue 15): the pilot's codebook (list, add,
// rename, delete, CSV export and import), a youth's comments with their codes, tagging, and the coded
// comments as CSV. Comments are for the researchers who follow the youths (DESIGN.md §3): every route is
// write role of the pilot (researchers; admins), so coordinators and the project coordinator get 403.
import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { toCsv } from "../lib/csv";
import { actorOf, type StaffEnv } from "../http/auth";
import { mount, route } from "../http/operation";
import {
  codebook,
  codedComments,
  CODED_COLUMNS,
  commentsOf,
  createCode,
  deleteCode,
  tagComment,
  untagComment,
  updateCode,
  youthCounts,
  youthOf,
} from "./queries";
import { codebookCsv, importCodebookText } from "./codebook-csv";
import { CODEBOOK_MAX_BYTES } from "./rules";

const P = "/api/v1/pilots/:pilot";

const count = z.int().min(0);
const code = z.strictObject({ id: z.int(), label: z.string(), description: z.string().nullable() });
const codeCount = z.strictObject({
  id: z.int(),
  label: z.string(),
  description: z.string().nullable(),
  tags: count,
  youths: count,
});
// Loose bounds here; the rules (rules.ts) give the exact refusal.
const codeBody = z
  .object({ label: z.string().max(400), description: z.string().max(2000).nullable().optional() })
  .strict();
const codePatch = z
  .object({ label: z.string().max(400).optional(), description: z.string().max(2000).nullable().optional() })
  .strict();
const deleteQuery = z.object({ removeTags: z.enum(["0", "1"]).optional() }).strict();
const commentsQuery = z
  .object({ youth: z.string().min(1).max(64).optional(), item: z.string().max(120).optional() })
  .strict();
const comment = z.strictObject({
  responseId: z.int(),
  youth: z.string(),
  instrument: z.string(),
  item: z.string(),
  value: z.number().nullable(),
  notApplicable: z.boolean(),
  comment: z.string(),
  answeredAt: z.int(),
  date: z.string(),
  kind: z.enum(["frequent", "wave"]),
  wave: z.string().nullable(),
  codes: z.array(z.strictObject({ id: z.int(), label: z.string() })),
});
const commentsResponse = z.strictObject({
  youth: z.string().nullable(),
  comments: z.array(comment),
  items: z.array(z.string()),
  counts: z.array(z.strictObject({ id: z.int(), label: z.string(), tags: count })),
});
const importResponse = z.strictObject({ created: count, updated: count, unchanged: count });

/** Route paths come from the operation registry, so Hono cannot type their parameters. */
const param = (c: Context<StaffEnv>, k: string) => c.req.param(k) ?? "";
const idParam = (c: Context<StaffEnv>, k: string) => (/^\d{1,12}$/.test(param(c, k)) ? Number(param(c, k)) : NaN);

function download(c: Context<StaffEnv>, body: string, filename: string) {
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="${filename}"`);
  c.header("Cache-Control", "no-store");
  return c.body(body);
}

export const commentApiRoutes = mount(
  route(
    {
      method: "get",
      path: `${P}/codes`,
      summary: "The pilot's comment codebook with, per code, its tagged comments and youths",
      access: "write",
      response: z.strictObject({ codes: z.array(codeCount) }),
    },
    async (c, { pilot }) => c.json({ codes: await codebook(c.env.DB, pilot.id) }),
  ),
  route(
    {
      method: "post",
      path: `${P}/codes`,
      summary: "Add a code (1–40 letters, digits, spaces, - and _; duplicates refused, case does not count)",
      access: "write",
      body: codeBody,
      response: code,
      status: 201,
    },
    async (c, { pilot, body }) => c.json(await createCode(c.env.DB, pilot, body, actorOf(c), Date.now()), 201),
  ),
  route(
    {
      method: "get",
      path: `${P}/codes.csv`,
      summary: "The codebook as CSV (code,description), the format the import reads",
      access: "write",
      produces: "text/csv",
    },
    async (c, { pilot }) => download(c, await codebookCsv(c.env.DB, pilot.id), `${pilot.key}-comment-codes.csv`),
  ),
  route(
    {
      method: "post",
      path: `${P}/codes.csv`,
      summary:
        "Import a codebook CSV: new codes are added, existing ones " +
        "get the file's description; any bad row refuses the file",
      description:
        "Header `code,description` (or `code;omschrijving`, separator from the header line). Unknown columns, bad or " +
        "duplicate codes refuse the file with every problem (400); nothing is deleted.",
      access: "write",
      csv: true,
      limit: CODEBOOK_MAX_BYTES,
      response: importResponse,
    },
    async (c, { pilot }) => {
      const type = c.req.header("content-type") ?? "";
      if (!/^text\/(csv|plain)\b/.test(type)) throw new AppError("validation", "Send the file as text/csv");
      return c.json(await importCodebookText(c.env.DB, pilot, await c.req.text(), actorOf(c), Date.now()));
    },
  ),
  route(
    {
      method: "patch",
      path: `${P}/codes/:id`,
      summary: "Rename a code or change its description (its tags stay)",
      access: "write",
      body: codePatch,
      response: code,
    },
    async (c, { pilot, body }) =>
      c.json(await updateCode(c.env.DB, pilot, idParam(c, "id"), body, actorOf(c), Date.now())),
  ),
  route(
    {
      method: "delete",
      path: `${P}/codes/:id`,
      summary: "Delete a code; a code in use is refused (409) unless removeTags=1, which removes its tags with it",
      access: "write",
      query: deleteQuery,
      response: z.strictObject({ label: z.string(), removedTags: count }),
    },
    async (c, { pilot, query }) => {
      const removeTags = query.removeTags === "1";
      return c.json(await deleteCode(c.env.DB, pilot, idParam(c, "id"), removeTags, actorOf(c), Date.now()));
    },
  ),
  route(
    {
      method: "get",
      path: `${P}/comments`,
      summary: "A youth's comments, newest first, with item, date, value and codes, and her counts per code",
      description:
        "Without youth: every youth's comments of the pilot and the " +
        "pilot's counts. item (instrument.item) narrows to one item.",
      access: "write",
      query: commentsQuery,
      response: commentsResponse,
    },
    async (c, { pilot, query: q }) => {
      const youth = q.youth === undefined ? null : await youthOf(c.env.DB, pilot.id, q.youth);
      const { comments, items } = await commentsOf(c.env.DB, pilot, youth?.id ?? null, q.item);
      const counts = youth
        ? await youthCounts(c.env.DB, pilot.id, youth.id)
        : (await codebook(c.env.DB, pilot.id))
            .filter((k) => k.tags > 0)
            .map(({ id, label, tags }) => ({ id, label, tags }));
      return c.json({ youth: youth?.code ?? null, comments, items, counts });
    },
  ),
  route(
    {
      method: "get",
      path: `${P}/comments/coded.csv`,
      summary:
        "Coded comments as CSV: code, comment, item, value, date, youth_code (one row per code × comment; audited)",
      access: "write",
      produces: "text/csv",
    },
    async (c, { pilot }) => {
      const rows = await codedComments(c.env.DB, pilot);
      const details = { rows: rows.length };
      await audit(c.env.DB, actorOf(c), "export.coded_comments_csv", Date.now(), { pilotId: pilot.id, details });
      return download(c, toCsv([...CODED_COLUMNS], rows), `${pilot.key}-coded-comments.csv`);
    },
  ),
  route(
    {
      method: "put",
      path: `${P}/comments/:response/codes/:id`,
      summary: "Tag a comment with a code of the pilot (tagging twice changes nothing)",
      access: "write",
      response: z.strictObject({ added: z.boolean() }),
    },
    async (c, { pilot }) => {
      const [response, id] = [idParam(c, "response"), idParam(c, "id")];
      const userId = c.get("principal").userId ?? null;
      const r = await tagComment(c.env.DB, pilot, response, id, userId, actorOf(c), Date.now());
      return c.json({ added: r.added });
    },
  ),
  route(
    {
      method: "delete",
      path: `${P}/comments/:response/codes/:id`,
      summary: "Remove a code from a comment",
      access: "write",
      response: z.strictObject({ removed: z.boolean() }),
    },
    async (c, { pilot }) => {
      const r = await untagComment(c.env.DB, pilot, idParam(c, "response"), idParam(c, "id"), actorOf(c), Date.now());
      return c.json({ removed: r.removed });
    },
  ),
);
