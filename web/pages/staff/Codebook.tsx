// A pilot's codebook for comments (issue 15): the codes with, per code, the tagged comments and youths
// (the per-pilot counts); add, rename, delete (a code in use only with its tags, confirmed), CSV import
// and export, and the coded-comments download. Researchers only; no script, CSRF on every post.
// Stable ids: #codebook, tr[data-code], #code-add-form, #codebook-import-form, #codebook-errors.
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { t, type Lang } from "../../../core/i18n/messages";

export type CodebookEntry = { id: number; label: string; description: string | null; tags: number; youths: number };
export type CodebookNotice =
  | { kind: "created" | "updated" | "deleted" }
  | { kind: "imported"; created: number; updated: number; unchanged: number };

export function CodebookPage({
  user,
  pilot,
  codes,
  errors = [],
  notice,
  values = {},
  lang = "nl",
}: {
  user: StaffUser;
  pilot: { key: string; name: string };
  codes: CodebookEntry[];
  /** why the last post was refused (nothing was stored) */
  errors?: string[];
  notice?: CodebookNotice;
  /** the refused add form's values, shown again */
  values?: { label?: string; description?: string };
  lang?: Lang;
}) {
  const base = `/staff/pilots/${pilot.key}/codebook`;
  return (
    <StaffLayout lang={lang} title={t("staff.codes.title", lang)} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`} id="back-to-pilot">
          {pilot.name}
        </a>
      </p>
      <h1 id="codebook-title">{t("staff.codes.title", lang)}</h1>
      {notice && (
        <p class="notice" id="codebook-notice" role="status">
          {notice.kind === "imported"
            ? t("staff.codes.imported", lang)
                .replace("{created}", String(notice.created))
                .replace("{updated}", String(notice.updated))
                .replace("{unchanged}", String(notice.unchanged))
            : t(`staff.codes.${notice.kind}`, lang)}
        </p>
      )}
      {errors.length > 0 && (
        <div class="error" id="codebook-errors" role="alert">
          <p>{t("staff.codes.refused", lang)}</p>
          <ul>
            {errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <p class="muted">{t("staff.codes.rules", lang)}</p>
      {codes.length === 0 ? (
        <p id="codebook-empty">{t("staff.codes.empty", lang)}</p>
      ) : (
        <table id="codebook">
          <thead>
            <tr>
              <th scope="col">{t("staff.codes.code", lang)}</th>
              <th scope="col">{t("staff.codes.tags", lang)}</th>
              <th scope="col">{t("staff.codes.youths", lang)}</th>
              <th scope="col">{t("staff.codes.delete", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {codes.map((c) => (
              <tr data-code={c.id} data-label={c.label}>
                <td>
                  <form method="post" action={`${base}/${c.id}`} class="stack code-edit">
                    <CsrfField token={user?.csrf} />
                    <label for={`label-${c.id}`}>{t("staff.codes.code", lang)}</label>
                    <input id={`label-${c.id}`} name="label" value={c.label} maxLength={40} required />
                    <label for={`description-${c.id}`}>{t("staff.codes.description", lang)}</label>
                    <input id={`description-${c.id}`} name="description" value={c.description ?? ""} maxLength={200} />
                    <p>
                      <button type="submit">{t("staff.codes.save", lang)}</button>
                    </p>
                  </form>
                </td>
                <td class="count-tags">{c.tags}</td>
                <td class="count-youths">{c.youths}</td>
                <td>
                  <form method="post" action={`${base}/${c.id}/delete`} class="stack code-delete">
                    <CsrfField token={user?.csrf} />
                    {c.tags > 0 && (
                      <label>
                        <input type="checkbox" name="removeTags" value="1" required />{" "}
                        {t("staff.codes.removeTags", lang)} ({c.tags})
                      </label>
                    )}
                    <p>
                      <button type="submit">{t("staff.codes.delete", lang)}</button>
                    </p>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("staff.codes.add", lang)}</h2>
      <form method="post" action={base} class="stack" id="code-add-form">
        <CsrfField token={user?.csrf} />
        <label for="label">{t("staff.codes.code", lang)}</label>
        <input id="label" name="label" value={values.label ?? ""} maxLength={40} required />
        <label for="description">{t("staff.codes.description", lang)}</label>
        <input id="description" name="description" value={values.description ?? ""} maxLength={200} />
        <p>
          <button type="submit" id="code-add-submit">
            {t("staff.codes.add", lang)}
          </button>
        </p>
      </form>
      <h2>{t("staff.codes.import", lang)}</h2>
      <p class="muted">{t("staff.codes.importHint", lang)}</p>
      <form
        method="post"
        action={`${base}/import`}
        enctype="multipart/form-data"
        class="stack"
        id="codebook-import-form"
      >
        <CsrfField token={user?.csrf} />
        <label for="file">{t("staff.codes.import", lang)}</label>
        <input type="file" id="file" name="file" accept=".csv,text/csv" required />
        <p>
          <button type="submit" id="codebook-import-submit">
            {t("staff.codes.importSubmit", lang)}
          </button>
        </p>
      </form>
      <h2>{t("report.downloads", lang)}</h2>
      <ul id="codebook-downloads">
        <li>
          <a href={`/api/v1/pilots/${pilot.key}/codes.csv`} id="codebook-export">
            {t("staff.codes.export", lang)}
          </a>
        </li>
        <li>
          <a href={`/api/v1/pilots/${pilot.key}/comments/coded.csv`} id="coded-export">
            {t("staff.codes.exportCoded", lang)}
          </a>
        </li>
      </ul>
    </StaffLayout>
  );
}
