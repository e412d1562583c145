// The whole-study archive for admins: download (optionally with encrypted contact data) and restore into
// an empty installation. The download form goes straight to the API (GET with the session cookie); the
// restore form posts the file to the page route, which answers with this page again.
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { t, type Lang } from "../../../core/i18n/messages";

export type ArchiveOutcome = { ok: true; counts: Record<string, number> } | { ok: false; message: string };

export function ArchivePage({
  user,
  outcome,
  maxUploadMb,
  lang = "nl",
}: {
  user: StaffUser;
  outcome?: ArchiveOutcome;
  maxUploadMb: number;
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={t("staff.archive.title", lang)} user={user}>
      <h1>{t("staff.archive.title", lang)}</h1>
      <p>{t("staff.archive.intro", lang)}</p>
      {outcome?.ok === false && (
        <div class="error" id="archive-error" role="alert">
          <p>{t("staff.archive.failed", lang)}</p>
          <p>{outcome.message}</p>
        </div>
      )}
      {outcome?.ok && (
        <div id="archive-restored">
          <p class="notice" role="status">
            {t("staff.archive.restored", lang)}
          </p>
          <table id="archive-counts">
            <thead>
              <tr>
                <th scope="col">{t("staff.archive.col.table", lang)}</th>
                <th scope="col">{t("staff.archive.col.rows", lang)}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(outcome.counts).map(([table, n]) => (
                <tr data-table={table}>
                  <td>{table}</td>
                  <td>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t("staff.archive.download.title", lang)}</h2>
      <form method="get" action="/api/v1/admin/archive" class="stack" id="archive-download-form">
        <label class="check">
          <input
            type="checkbox"
            name="contacts"
            id="archive-contacts"
            value="1"
            aria-describedby="archive-contacts-warning"
          />{" "}
          {t("staff.archive.contacts", lang)}
        </label>
        <p class="small muted" id="archive-contacts-warning">
          {t("staff.archive.contactsWarning", lang)}
        </p>
        <p>
          <button type="submit" id="archive-download">
            {t("staff.archive.download", lang)}
          </button>
        </p>
      </form>
      <h2>{t("staff.archive.restore.title", lang)}</h2>
      <p>{t("staff.archive.restore.intro", lang)}</p>
      <form
        method="post"
        action="/staff/admin/archive/restore"
        enctype="multipart/form-data"
        class="stack"
        id="archive-restore-form"
      >
        <CsrfField token={user?.csrf} />
        <label for="archive-file">{t("staff.archive.file", lang).replace("{max}", String(maxUploadMb))}</label>
        <input
          id="archive-file"
          name="file"
          type="file"
          accept=".gz,.ndjson,application/gzip,application/x-ndjson"
          required
        />
        <p>
          <button type="submit" id="archive-restore">
            {t("staff.archive.restore.submit", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}
