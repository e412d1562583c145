// The background form's fields on the staff page (DESIGN.md §2.3, report table 3.1): dates, age, the
// referral reason and DSM codes as text for the file, and every categorical field as a fixed list with
// "anders, namelijk" (worker/studies/background.ts). Server-rendered, works without script.
import {
  BACKGROUND_OPTIONS,
  MULTI_FIELDS,
  otherField,
  OTHER_FIELDS,
  type BackgroundListField,
} from "../../../worker/studies/background";
import { t, type Lang, type MessageKey } from "../../i18n/messages";

/** Every field of the background form in page order, with how it is entered. */
export const BACKGROUND_FORM_FIELDS = [
  ["ageAtPilotStart", "number"],
  ["careStartDate", "date"],
  ["pilotStartDate", "date"],
  ["pilotEndDate", "date"],
  ["referralReason", "text"],
  ["dsmCodes", "list"],
  ["educationLevel", "select"],
  ["countryOfOrigin", "select"],
  ["dayActivityBefore", "select"],
  ["livingSituationBefore", "select"],
  ["careBefore", "checkboxes"],
  ["income", "select"],
  ["debts", "select"],
] as const;

type FormFields = Record<string, string | File | (string | File)[]>;

const strings = (v: FormFields[string] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .filter((x): x is string => typeof x === "string")
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The submitted form as a candidate for `backgroundForm` (validated there). Read with `parseBody({ all: true })`
 * so the checkboxes arrive as a list; a "namelijk" text is kept only with "anders" chosen.
 */
export function readBackgroundForm(fields: FormFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of BACKGROUND_FORM_FIELDS) {
    const vs = strings(fields[name]);
    if (!vs.length) continue;
    if (kind === "number") out[name] = /^\d{1,3}$/.test(vs[0]!) ? Number(vs[0]) : vs[0];
    else if (kind === "list")
      out[name] = vs
        .flatMap((v) => v.split(","))
        .map((x) => x.trim())
        .filter(Boolean);
    else if (kind === "checkboxes")
      out[name] = vs
        .flatMap((v) => v.split(","))
        .map((x) => x.trim())
        .filter(Boolean);
    else out[name] = vs[0];
  }
  for (const f of OTHER_FIELDS) {
    const text = strings(fields[otherField(f)])[0];
    const v = out[f];
    const chosen = Array.isArray(v) ? v.includes("other") : v === "other";
    if (text && chosen) out[otherField(f)] = text;
    else if (chosen) out[otherField(f)] = undefined;
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

export function BackgroundFields({ values, lang }: { values: Record<string, unknown>; lang: Lang }) {
  return (
    <>
      {BACKGROUND_FORM_FIELDS.map(([name, kind]) => {
        const v = values[name];
        const label = t(`staff.bg.${name}` as MessageKey, lang);
        if (kind === "select" || kind === "checkboxes") {
          const field = name as BackgroundListField;
          return (
            <ListField
              field={field}
              multi={kind === "checkboxes"}
              value={v}
              other={values[otherField(field)]}
              label={label}
              lang={lang}
            />
          );
        }
        return (
          <>
            <label for={name}>
              {label}
              {kind === "list" && <span class="muted"> ({t("staff.form.listHint", lang)})</span>}
            </label>
            <input
              id={name}
              name={name}
              type={(kind === "list" ? "text" : kind) as "text"}
              value={Array.isArray(v) ? v.join(", ") : v === undefined ? "" : String(v)}
              maxLength={300}
              {...(kind === "number" ? { min: 10, max: 30 } : {})}
            />
          </>
        );
      })}
    </>
  );
}

type ListFieldProps = {
  field: BackgroundListField;
  multi: boolean;
  value: unknown;
  other: unknown;
  label: string;
  lang: Lang;
};

function ListField({ field, multi, value, other, label, lang }: ListFieldProps) {
  const options = BACKGROUND_OPTIONS[field];
  const chosen = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const hasOther = OTHER_FIELDS.includes(field);
  const otherInput = hasOther && (
    <label class="other">
      {t("staff.bg.otherText", lang)}:{" "}
      <input
        id={otherField(field)}
        name={otherField(field)}
        value={typeof other === "string" ? other : ""}
        maxLength={100}
      />
    </label>
  );
  if (multi || MULTI_FIELDS.includes(field))
    return (
      <fieldset id={field}>
        <legend>{label}</legend>
        <span class="choices">
          {options.map((o) => (
            <label>
              <input type="checkbox" name={field} value={o.key} checked={chosen.includes(o.key)} /> {o.label[lang]}
            </label>
          ))}
        </span>
        {otherInput}
      </fieldset>
    );
  return (
    <>
      <label for={field}>{label}</label>
      <select id={field} name={field}>
        <option value="" selected={!chosen.length}>
          —
        </option>
        {options.map((o) => (
          <option value={o.key} selected={chosen.includes(o.key)}>
            {o.label[lang]}
          </option>
        ))}
      </select>
      {otherInput}
    </>
  );
}
