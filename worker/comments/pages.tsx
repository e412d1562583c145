// Staff pages of the comment timeline and light coding (issue 15): a youth's comments with tag forms, and
// the pilot's codebook. Write role of the pilot only (researchers; admins), as the API. A refused codebook
// post shows the page again with the reason and stores nothing; other errors are staff error pages.
import { renderStaffView } from "../http/staff-view";
import type { Context } from "hono";
import { AppError } from "../errors";
import { BODY_LIMITS } from "../http/body-limit";
import { mount, page, type Pilot } from "../http/operation";
import { actorOf, type StaffEnv } from "../http/auth";
import { staffPageError } from "../http/page-error";
import { CodebookPage, type CodebookNotice } from "../../web/pages/staff/Codebook";
import { YouthCommentsPage } from "../../web/pages/staff/Comments";
import { t } from "../../core/i18n/messages";
import { codebook, commentsOf, createCode, deleteCode, tagComment, untagComment, updateCode } from "./queries";
import { youthCounts, youthOf } from "./queries";
import { importCodebookText } from "./codebook-csv";
import { CodingRefusal, refusal } from "./refusal";
import { CODEBOOK_MAX_BYTES } from "./rules";

const SMALL = BODY_LIMITS.smallForm;
/** The codebook file plus its multipart framing. */
const UPLOAD = CODEBOOK_MAX_BYTES + 16 * 1024;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const idOf = (v: string | undefined) => (v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : NaN);

type Values = { label?: string; description?: string };
type Extra = { errors?: string[]; notice?: CodebookNotice; values?: Values };

async function codebookPage(
  c: Context<StaffEnv>,
  pilot: Pilot,
  extra: Extra = {},
  status: 200 | 400 | 409 | 413 = 200,
) {
  const codes = await codebook(c.env.DB, pilot.id);
  return renderStaffView(c, CodebookPage, { pilot, codes, ...extra }, status);
}

/** Validation, conflicts and too-large files are the researcher's to fix: the page again with the reason. */
async function refusedOr(c: Context<StaffEnv>, pilot: Pilot, e: unknown, values?: Values) {
  if (e instanceof AppError && (e.code === "validation" || e.code === "conflict" || e.code === "payload_too_large")) {
    // The reasons in Dutch from the catalogue (an import: one per bad line); a limit's own message otherwise.
    const lines = e instanceof CodingRefusal ? e.texts("nl") : [t(e.messageKey)];
    const status = e.code === "conflict" ? 409 : e.code === "payload_too_large" ? 413 : 400;
    return codebookPage(c, pilot, { errors: lines, values }, status);
  }
  throw e;
}

const NOTICES = ["created", "updated", "deleted"] as const;

const CODEBOOK = "/staff/pilots/:pilot/codebook";
const COMMENTS = "/staff/pilots/:pilot/youths/:code/comments";

export const commentPageRoutes = mount(
  page({ method: "get", path: CODEBOOK, access: "write" }, async (c, { pilot }) => {
    const done = c.req.query("done");
    const n = (k: string) => Math.max(0, Math.min(1e6, Number(c.req.query(k)) || 0));
    const simple = NOTICES.find((x) => x === done);
    const notice: CodebookNotice | undefined =
      done === "imported"
        ? { kind: "imported", created: n("created"), updated: n("updated"), unchanged: n("unchanged") }
        : simple && { kind: simple };
    return codebookPage(c, pilot, { notice });
  }),
  page({ method: "post", path: CODEBOOK, access: "write", limit: SMALL, form: true }, async (c, { pilot, form }) => {
    const values = { label: str(form.label), description: str(form.description) };
    try {
      await createCode(c.env.DB, pilot, values, actorOf(c), Date.now());
    } catch (e) {
      return refusedOr(c, pilot, e, values);
    }
    return c.redirect(`/staff/pilots/${pilot.key}/codebook?done=created`, 303);
  }),
  // Registered before /:id so that "import" is never read as a code id.
  page({ method: "post", path: `${CODEBOOK}/import`, access: "write", limit: UPLOAD, form: true }, async (c, input) => {
    const { pilot, form } = input;
    const file = form.file;
    if (!(file instanceof File) || file.size === 0) {
      return codebookPage(c, pilot, { errors: [t("staff.codes.noFile")] }, 400);
    }
    let counts: Awaited<ReturnType<typeof importCodebookText>>;
    try {
      if (file.size > CODEBOOK_MAX_BYTES) {
        throw refusal("payload_too_large", {
          key: "staff.coding.csv.tooLarge",
          params: { max: CODEBOOK_MAX_BYTES / 1024 },
        });
      }
      counts = await importCodebookText(c.env.DB, pilot, await file.text(), actorOf(c), Date.now());
    } catch (e) {
      return refusedOr(c, pilot, e);
    }
    const { created, updated, unchanged } = counts;
    const q = new URLSearchParams({
      done: "imported",
      created: `${created}`,
      updated: `${updated}`,
      unchanged: `${unchanged}`,
    });
    return c.redirect(`/staff/pilots/${pilot.key}/codebook?${q}`, 303);
  }),
  page(
    { method: "post", path: `${CODEBOOK}/:id`, access: "write", limit: SMALL, form: true },
    async (c, { pilot, form }) => {
      try {
        const input = { label: str(form.label), description: str(form.description) };
        await updateCode(c.env.DB, pilot, idOf(c.req.param("id")), input, actorOf(c), Date.now());
      } catch (e) {
        return refusedOr(c, pilot, e);
      }
      return c.redirect(`/staff/pilots/${pilot.key}/codebook?done=updated`, 303);
    },
  ),
  page(
    { method: "post", path: `${CODEBOOK}/:id/delete`, access: "write", limit: SMALL, form: true },
    async (c, input) => {
      const { pilot, form } = input;
      try {
        await deleteCode(c.env.DB, pilot, idOf(c.req.param("id")), form.removeTags === "1", actorOf(c), Date.now());
      } catch (e) {
        return refusedOr(c, pilot, e);
      }
      return c.redirect(`/staff/pilots/${pilot.key}/codebook?done=deleted`, 303);
    },
  ),
  page({ method: "get", path: COMMENTS, access: "write" }, async (c, { pilot }) => {
    const youth = await youthOf(c.env.DB, pilot.id, c.req.param("code") ?? "");
    const item = c.req.query("item") || undefined;
    const [{ comments, items }, counts, codes] = await Promise.all([
      commentsOf(c.env.DB, pilot, youth.id, item),
      youthCounts(c.env.DB, pilot.id, youth.id),
      codebook(c.env.DB, pilot.id),
    ]);
    const done = c.req.query("done");
    const notice = done === "tagged" || done === "untagged" ? done : undefined;
    return renderStaffView(c, YouthCommentsPage, {
      pilot,
      code: youth.code,
      comments,
      items,
      item,
      counts,
      codes,
      notice,
    });
  }),
  page(
    { method: "post", path: `${COMMENTS}/:response/tags`, access: "write", limit: SMALL, form: true },
    async (c, input) => {
      const { pilot, form } = input;
      const youth = await youthOf(c.env.DB, pilot.id, c.req.param("code") ?? "");
      const op = str(form.op);
      if (op !== "add" && op !== "remove") throw new AppError("validation", "Choose to add or remove a code");
      const responseId = idOf(c.req.param("response"));
      const codeId = idOf(str(form.code));
      const now = Date.now();
      // The comment must be hers: a response id of another youth of the pilot is refused like an unknown one.
      const userId = c.get("principal").userId ?? null;
      if (op === "add") await tagComment(c.env.DB, pilot, responseId, codeId, userId, actorOf(c), now, youth.id);
      else await untagComment(c.env.DB, pilot, responseId, codeId, actorOf(c), now, youth.id);
      const item = c.req.query("item");
      const q = new URLSearchParams({ ...(item ? { item } : {}), done: op === "add" ? "tagged" : "untagged" });
      const back = `/staff/pilots/${pilot.key}/youths/${encodeURIComponent(youth.code)}/comments`;
      return c.redirect(`${back}?${q}#c${responseId}`, 303);
    },
  ),
).onError(staffPageError);
