// The whole-study archive over HTTP (admins only): the streamed download, the streamed restore, and the
// staff page with both. The format and its rules: ./ARCHIVE.md and ./archive.ts.
import { renderStaffView } from "../http/staff-view";
import type { Context } from "hono";
import { z } from "zod";
import { ArchivePage, type ArchiveOutcome } from "../../web/pages/staff/ArchivePage";
import { t } from "../../core/i18n/messages";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { actorOf, formBody, LARGE_FORMS, type StaffEnv } from "../http/auth";
import { API_BASE, mount, page, route } from "../http/operation";
import { staffPageError } from "../http/page-error";
import { ARCHIVE_LIMITS, exportArchive, restoreArchive } from "./archive";

export const archiveRestoredResponse = z.strictObject({
  /** rows read per table (equal to the archive's trailer) */
  counts: z.record(z.string(), z.int()),
  contacts: z.boolean(),
  /** archived rows that joined rows already here (setup's staff by e-mail, built-in instruments by key) */
  merged: z.strictObject({ staffUsers: z.int(), instruments: z.int(), instrumentVersions: z.int() }),
  exportedAt: z.string(),
  ms: z.int(),
});

const ARCHIVE_QUERY = z.object({ contacts: z.enum(["0", "1"]).optional() }).strict();
/** The page's upload is a multipart form, which Workers buffer whole: smaller than the streamed API body. */
export const MAX_PAGE_UPLOAD_BYTES = 32 * 1024 * 1024;
const RESTORE_PAGE = "/staff/admin/archive/restore";
LARGE_FORMS.set(RESTORE_PAGE, MAX_PAGE_UPLOAD_BYTES + 64 * 1024);

export const archiveRoutes = mount(
  route(
    {
      method: "get",
      path: `${API_BASE}/admin/archive`,
      summary:
        "The whole study as one gzip NDJSON archive (admins); contact data, still encrypted, only with contacts=1",
      access: "admin",
      query: ARCHIVE_QUERY,
      produces: "application/gzip",
    },
    async (c, { query }) => {
      const contacts = query.contacts === "1";
      const now = Date.now();
      const { stream, counts } = await exportArchive(c.env.DB, { contacts, now });
      await audit(c.env.DB, actorOf(c), "export.archive", now, { details: { contacts, counts } });
      return new Response(stream, {
        headers: {
          "Content-Type": "application/gzip",
          "Content-Disposition": `attachment; filename="study-${new Date(now).toISOString().slice(0, 10)}.ndjson.gz"`,
          "Cache-Control": "no-store",
          "X-Content-Type-Options": "nosniff",
        },
      });
    },
  ),
  route(
    {
      method: "post",
      path: `${API_BASE}/admin/archive/restore`,
      summary:
        `Restore an archive (gzip or plain NDJSON, at most ${ARCHIVE_LIMITS.bytes / 1024 / 1024} ` +
        `MiB) into a database without a study (admins); all or nothing`,
      access: "admin",
      upload: ["application/gzip", "application/x-ndjson"],
      response: archiveRestoredResponse,
      status: 201,
      // restoreArchive counts the stream as it reads it; the declared length is refused at once
      limit: ARCHIVE_LIMITS.bytes,
      streamed: true,
      tooLarge: () => new AppError("payload_too_large", `Archive larger than ${ARCHIVE_LIMITS.bytes} bytes`),
    },
    async (c) => {
      const body = c.req.raw.body;
      if (!body) throw new AppError("validation", "The request has no archive in its body");
      // a cookie session's form (its CSRF token in a field) has been read by the CSRF check: not an archive
      if (c.req.raw.bodyUsed)
        throw new AppError(
          "validation",
          "Send the archive as the request body (application/gzip or application/x-ndjson), not as a form",
        );
      const started = Date.now();
      const result = await restoreArchive(c.env.DB, body, actorOf(c), started);
      return c.json({ ...result, ms: Date.now() - started }, 201);
    },
  ),
);

export const archivePageRoutes = mount(
  page({ method: "get", path: "/staff/admin/archive", access: "admin" }, (c) => archivePage(c)),
  page({ method: "post", path: RESTORE_PAGE, access: "admin" }, async (c) => {
    // Over the limit: this page with the reason (the form is read only within it).
    if (Number(c.req.header("content-length") ?? "0") > MAX_PAGE_UPLOAD_BYTES + 64 * 1024)
      return archivePage(c, { ok: false, message: t("error.payload_too_large") }, 413);
    const file = (await formBody(c)).file;
    if (!(file instanceof File) || file.size === 0)
      return archivePage(c, { ok: false, message: t("staff.archive.noFile") }, 400);
    try {
      const result = await restoreArchive(c.env.DB, file.stream(), actorOf(c), Date.now());
      return archivePage(c, { ok: true, counts: result.counts });
    } catch (e) {
      if (e instanceof AppError && e.code !== "internal")
        return archivePage(c, { ok: false, message: e.message }, e.status as 400 | 409 | 413);
      throw e;
    }
  }),
).onError(staffPageError);

const archivePage = (c: Context<StaffEnv>, outcome?: ArchiveOutcome, status: 200 | 400 | 409 | 413 = 200) =>
  renderStaffView(c, ArchivePage, { outcome, maxUploadMb: MAX_PAGE_UPLOAD_BYTES / 1024 / 1024 }, status);
