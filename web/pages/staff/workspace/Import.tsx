// CSV import of participants or historical measurements.
import { CsrfField, StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { t, type Lang } from "../../../../core/i18n/messages";
import type { PilotCard } from "./shared";

export type ImportOutcome =
  | {
      kind: "participants" | "measurements";
      dryRun: boolean;
      ok: boolean;
      rows: number;
      committed: number;
      errors: { line: number; column?: string; reason: string }[];
    }
  | { message: string };

/** CSV import: a dry run lists every bad row by line and reason; the commit stores everything or nothing. */
export function ImportPage({
  user,
  pilot,
  columns,
  outcome,
  kind = "participants",
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  columns: Record<"participants" | "measurements", readonly string[]>;
  outcome?: ImportOutcome;
  kind?: "participants" | "measurements";
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={t("staff.import.title", lang)} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`}>{pilot.name}</a>
      </p>
      <h1>{t("staff.import.title", lang)}</h1>
      {outcome && "message" in outcome && (
        <p class="error" id="import-error" role="alert">
          {outcome.message}
        </p>
      )}
      {outcome && "errors" in outcome && (
        <div id="import-report" data-ok={String(outcome.ok)} data-committed={outcome.committed}>
          <p class={outcome.ok ? "notice" : "error"} role="status">
            {outcome.ok
              ? t(outcome.dryRun ? "staff.import.ok" : "staff.import.committed", lang)
              : t("staff.import.bad", lang)}{" "}
            {t("staff.import.rows", lang)}: {outcome.rows}
          </p>
          {outcome.errors.length > 0 && (
            <table id="import-errors">
              <thead>
                <tr>
                  <th scope="col">{t("staff.import.line", lang)}</th>
                  <th scope="col">{t("staff.import.column", lang)}</th>
                  <th scope="col">{t("staff.import.reason", lang)}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.errors.map((e) => (
                  <tr data-line={e.line}>
                    <td>{e.line}</td>
                    <td>{e.column ?? ""}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <form
        method="post"
        action={`/staff/pilots/${pilot.key}/import`}
        enctype="multipart/form-data"
        class="stack"
        id="import-form"
      >
        <CsrfField token={user?.csrf} />
        <label for="kind">{t("staff.import.kind", lang)}</label>
        <select id="kind" name="kind">
          <option value="participants" selected={kind === "participants"}>
            {t("staff.import.kind.participants", lang)}
          </option>
          <option value="measurements" selected={kind === "measurements"}>
            {t("staff.import.kind.measurements", lang)}
          </option>
        </select>
        <p class="muted">
          {t("staff.import.columns", lang)}: <code>{columns.participants.join(",")}</code> ·{" "}
          <code>{columns.measurements.join(",")}</code>
        </p>
        <p class="muted" id="import-templates">
          {t("staff.import.formats", lang)} {t("staff.import.template", lang)}:{" "}
          <a href={`/api/v1/pilots/${pilot.key}/imports/participants/template.csv`} download>
            {t("staff.import.kind.participants", lang)}
          </a>{" "}
          ·{" "}
          <a href={`/api/v1/pilots/${pilot.key}/imports/measurements/template.csv`} download>
            {t("staff.import.kind.measurements", lang)}
          </a>
        </p>
        <label for="file">{t("staff.import.file", lang)}</label>
        <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        <p>
          <button type="submit" name="action" value="dry" id="import-dry-run">
            {t("staff.import.dryRun", lang)}
          </button>{" "}
          <button type="submit" name="action" value="commit" id="import-commit">
            {t("staff.import.commit", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}
