// Staff forms: background characteristics and RIS-L.
import { BackgroundFields } from "../BackgroundForm";
import { CsrfField, StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { t, type Lang, type MessageKey } from "../../../../core/i18n/messages";
import { RISL_ANSWERS, RISL_PARTS, type RislScores, rislItemField } from "../../../../schema/staff-forms";
import type { PilotCard } from "./shared";

/** Staff forms (DESIGN.md §2.3): background characteristics and RIS-L, filled in from the youth's file. */
export function StaffFormPage({
  user,
  pilot,
  code,
  form,
  values,
  errors = [],
  scores,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  code: string;
  form: "background" | "risl";
  values: Record<string, unknown>;
  errors?: string[];
  scores?: RislScores | null;
  lang?: Lang;
}) {
  const title = t(form === "background" ? "staff.form.background" : "staff.form.risl", lang);
  const ynu = (name: string, current: unknown, required: boolean) => (
    <span class="choices">
      {RISL_ANSWERS.map((v) => (
        <label>
          <input type="radio" name={name} value={v} checked={current === v} required={required} />{" "}
          {t(`staff.form.${v}` as MessageKey, lang)}
        </label>
      ))}
    </span>
  );
  return (
    <StaffLayout lang={lang} title={`${title} · ${code}`} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(code)}`} id="back-to-youth">
          {code}
        </a>
      </p>
      <h1 id="form-title">{title}</h1>
      {errors.length > 0 && (
        <div class="error" id="form-errors" role="alert">
          <ul>
            {errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {scores && (
        <p id="risl-scores">
          {t("staff.form.scores", lang)}: {t("staff.risl.signals", lang)} {scores.signals} ·{" "}
          {t("staff.risl.risks", lang)} {scores.risks} · {t("staff.risl.protective", lang)} {scores.protective}
        </p>
      )}
      <form
        method="post"
        action={`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(code)}/forms/${form}`}
        class="stack"
        id="staff-form"
      >
        <CsrfField token={user?.csrf} />
        {form === "background" ? (
          <BackgroundFields values={values} lang={lang} />
        ) : (
          RISL_PARTS.map(({ key: part, items: n }) => (
            <fieldset id={`risl-${part}`}>
              <legend>{t(`staff.risl.${part}` as MessageKey, lang)}</legend>
              <table>
                <tbody>
                  {Array.from({ length: n }, (_, i) => (
                    <tr>
                      <th scope="row">
                        {t("staff.risl.item", lang)} {i + 1}
                      </th>
                      <td>{ynu(rislItemField(part, i), (values[part] as unknown[] | undefined)?.[i], true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </fieldset>
          ))
        )}
        <p>
          <button type="submit" id="form-submit">
            {t("staff.form.save", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}
