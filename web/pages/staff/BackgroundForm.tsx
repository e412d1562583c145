// The background form's fields on the staff page (DESIGN.md §2.3, report tables 3.1 and 3.2): dates, age,
// the referral reason and DSM codes as text for the file, and every categorical field (the problems at
// referral among them) as a fixed list with "anders, namelijk" (schema/staff-forms.ts;
// worker/studies/background.ts reads the post). Server-rendered, works without script.
import {
  AGE_RANGE,
  BACKGROUND_FIELDS,
  BACKGROUND_OPTIONS,
  type BackgroundListField,
  MULTI_FIELDS,
  OTHER_FIELDS,
  otherField,
} from "../../../schema/staff-forms";
import { t, type Lang, type MessageKey } from "../../../core/i18n/messages";

export function BackgroundFields({ values, lang }: { values: Record<string, unknown>; lang: Lang }) {
  return (
    <>
      {BACKGROUND_FIELDS.map(([name, kind]) => {
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
              {...(kind === "number" ? AGE_RANGE : {})}
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
