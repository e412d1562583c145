// Pilot settings in the workspace: schedule, how often per questionnaire, reminder policy, sender name and
// quick-exit address.
// Researchers and admins edit; coordinators see the same values read-only. Bounds come from the API's
// schema (worker/studies/settings-form.ts, passed as `ranges`); errors are shown beside the field they
// belong to.
import {
  type FormField,
  FREQUENCY_KINDS,
  type FrequencyKind,
  frequencyField,
  isFrequencyField,
  type NumberRanges,
  SIGNAL_FLAGS,
  VERSION_FIELD,
  type SettingsField,
  type SettingsFormValues,
} from "../../../core/settings-fields";
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { t, type Lang, type MessageKey } from "../../../core/i18n/messages";

type PilotCard = { key: string; name: string };
export type SettingsPageProps = {
  user: StaffUser;
  pilot: PilotCard;
  values: SettingsFormValues;
  /** bounds of the whole-number fields and (by kind) the frequency fields, read from the API's schema
   * (worker/studies/settings-form.ts) */
  ranges: NumberRanges;
  /** the display names of the pilot's instruments, by key (a key without one is shown as the key) */
  instrumentNames: Record<string, string>;
  /** time zone and instruments: shown, changed through the API only */
  fixed: { timezone: string; frequent: string[]; wave: string[] };
  canWrite: boolean;
  errors?: Partial<Record<FormField | "form", string>>;
  saved?: "saved" | "unchanged";
  /** the settings version these values are (sent back with the form: a stale edit is refused) */
  version?: string;
  /** the post was based on values someone else has changed since: these are the current ones */
  stale?: boolean;
  lang?: Lang;
};

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const LABELS: Record<SettingsField, MessageKey> = {
  senderName: "staff.settings.senderName",
  quickExitUrl: "staff.settings.quickExit",
  frequentIntervalDays: "staff.settings.frequentIntervalDays",
  frequentWindowDays: "staff.settings.frequentWindowDays",
  waveT2: "staff.settings.waveT2",
  waveT3: "staff.settings.waveT3",
  waveWindowDays: "staff.settings.waveWindowDays",
  studyLengthDays: "staff.settings.studyLengthDays",
  firstReminderAfterDays: "staff.settings.firstReminderAfterDays",
  maxReminders: "staff.settings.maxReminders",
  minSpacingDays: "staff.settings.minSpacingDays",
  quietStart: "staff.settings.quietHours",
  quietEnd: "staff.settings.quietEnd",
  quietWeekdays: "staff.settings.quietWeekdays",
  mentorAfterLastReminder: "staff.settings.mentorAfterLastReminder",
  mentorAfterDays: "staff.settings.mentorAfterDays",
  signalLowCount: "staff.settings.signals.lowCount",
  signalDropPoints: "staff.settings.signals.dropPoints",
  signalDropMinEarlier: "staff.settings.signals.dropMinEarlier",
  signalMissedCount: "staff.settings.signals.missedCount",
  signalTrendDown: "staff.settings.signals.trendDown",
  signalLowTwice: "staff.settings.signals.lowTwice",
  signalDropVsMedian: "staff.settings.signals.dropVsMedian",
  signalReliableDeterioration: "staff.settings.signals.reliableDeterioration",
  signalMissedInRow: "staff.settings.signals.missedInRow",
  signalMail: "staff.settings.signals.mail",
  reportMinCellSize: "staff.settings.reports.minCellSize",
  rislNormGroup: "staff.settings.reports.rislNormGroup",
};
const FREQUENCY_LABELS: Record<FrequencyKind, MessageKey> = {
  instrumentEvery: "staff.settings.instrumentEvery",
  waveEvery: "staff.settings.waveEvery",
};

export function SettingsPage({
  user,
  pilot,
  values,
  ranges,
  instrumentNames,
  fixed,
  canWrite,
  errors = {},
  saved,
  version,
  stale = false,
  lang = "nl",
}: SettingsPageProps) {
  const disabled = !canWrite;
  const problem = (name: FormField) =>
    errors[name] ? (
      <span class="field-error" id={`${name}-error`}>
        {errors[name]}
      </span>
    ) : null;
  const described = (name: FormField) => (errors[name] ? `${name}-error` : undefined);
  /** The attributes every field shares: required, read-only for coordinators, its error beside it. */
  const common = (name: FormField, required = true) => ({
    required,
    disabled,
    "aria-invalid": errors[name] ? ("true" as const) : undefined,
    "aria-describedby": described(name),
  });
  // `type` left out renders no attribute (a text field), as before.
  const text = (name: "senderName" | "quickExitUrl", label: MessageKey, maxLength: number, type?: "url") => (
    <>
      <label for={name}>{t(label, lang)}</label>
      <input
        id={name}
        name={name}
        type={type as "url"}
        maxLength={maxLength}
        value={values.text[name] ?? ""}
        {...common(name)}
      />
      {problem(name)}
    </>
  );
  const numberInput = (name: FormField, label: string, range: string, value = "", required = true) => (
    <>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        type="number"
        inputMode="numeric"
        step={1}
        min={ranges[range]!.min}
        max={ranges[range]!.max}
        value={value}
        {...common(name, required)}
      />
      {problem(name)}
    </>
  );
  const number = (name: SettingsField) => numberInput(name, t(LABELS[name], lang), name, values.text[name]);
  /** A frequency field's label: the kind's sentence with the instrument's display name and key. */
  const frequencyLabel = (kind: FrequencyKind, key: string) => {
    const name = instrumentNames[key];
    return t(FREQUENCY_LABELS[kind], lang).replace("{name}", name && name !== key ? `${name} (${key})` : key);
  };
  /** What the error summary calls a field. */
  const labelOf = (field: FormField) => {
    if (!isFrequencyField(field)) return t(LABELS[field], lang);
    const kind = FREQUENCY_KINDS.find((k) => field.startsWith(`${k}.`))!;
    return frequencyLabel(kind, field.slice(kind.length + 1));
  };
  return (
    <StaffLayout lang={lang} title={`${t("staff.settings.title", lang)} · ${pilot.name}`} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`}>{pilot.name}</a>
      </p>
      <h1 id="settings-title">{t("staff.settings.title", lang)}</h1>
      {saved && (
        <p class="notice" id="settings-notice" role="status">
          {t(saved === "saved" ? "staff.settings.saved" : "staff.settings.unchanged", lang)}
        </p>
      )}
      {stale && (
        <div class="error" id="settings-stale" role="alert">
          <p>{t("staff.settings.stale", lang)}</p>
          <p lang={lang === "nl" ? "en" : "nl"}>{t("staff.settings.stale", lang === "nl" ? "en" : "nl")}</p>
        </div>
      )}
      {Object.keys(errors).length > 0 && (
        <div class="error" id="settings-errors" role="alert">
          <p>{t("staff.enrol.invalid", lang)}</p>
          <ul>
            {Object.entries(errors).map(([field, message]) =>
              field === "form" ? (
                <li>{message}</li>
              ) : (
                <li>
                  <a href={`#${field === "quietWeekdays" ? "quietWeekday-1" : field}`}>{labelOf(field as FormField)}</a>
                  : {message}
                </li>
              ),
            )}
          </ul>
        </div>
      )}
      {!canWrite && (
        <p class="muted" id="settings-readonly">
          {t("staff.settings.readOnly", lang)}
        </p>
      )}
      <form method="post" action={`/staff/pilots/${pilot.key}/settings`} class="stack" id="settings-form" novalidate>
        <CsrfField token={user?.csrf} />
        {version && <input type="hidden" name={VERSION_FIELD} value={version} />}
        <fieldset>
          <legend>{t("staff.settings.youthFacing", lang)}</legend>
          {text("senderName", "staff.settings.senderName", 60)}
          {text("quickExitUrl", "staff.settings.quickExit", 500, "url")}
        </fieldset>
        <fieldset>
          <legend>{t("staff.settings.schedule", lang)}</legend>
          <p class="small muted">{t("staff.settings.scheduleNote", lang)}</p>
          {number("frequentIntervalDays")}
          {number("frequentWindowDays")}
          {number("waveT2")}
          {number("waveT3")}
          {number("waveWindowDays")}
          {number("studyLengthDays")}
        </fieldset>
        <fieldset id="frequency-settings">
          <legend>{t("staff.settings.frequency", lang)}</legend>
          <p class="small muted">{t("staff.settings.frequencyNote", lang)}</p>
          {FREQUENCY_KINDS.flatMap((kind) =>
            Object.entries(values.frequency[kind]).map(([key, value]) =>
              numberInput(frequencyField(kind, key), frequencyLabel(kind, key), kind, value, false),
            ),
          )}
        </fieldset>
        <fieldset>
          <legend>{t("reminders.title", lang)}</legend>
          {number("firstReminderAfterDays")}
          {number("maxReminders")}
          {number("minSpacingDays")}
          <label for="quietStart">{t("staff.settings.quietHours", lang)}</label>
          <span class="choices">
            <input
              id="quietStart"
              name="quietStart"
              type="time"
              value={values.text.quietStart ?? ""}
              required
              disabled={disabled}
              aria-invalid={errors.quietStart ? "true" : undefined}
              aria-describedby={described("quietStart")}
            />
            {t("staff.settings.until", lang)}
            <input
              id="quietEnd"
              name="quietEnd"
              type="time"
              aria-label={t("staff.settings.quietEnd", lang)}
              value={values.text.quietEnd ?? ""}
              required
              disabled={disabled}
              aria-invalid={errors.quietEnd ? "true" : undefined}
              aria-describedby={described("quietEnd")}
            />
          </span>
          {problem("quietStart")}
          {problem("quietEnd")}
          {/* biome-ignore lint/a11y/noLabelWithoutControl: names the checkbox group below through aria-labelledby */}
          <label id="quietWeekdays-label">{t("staff.settings.quietWeekdays", lang)}</label>
          {/* biome-ignore lint/a11y/useSemanticElements: a fieldset brings its own border and legend; the label
              above names this group */}
          <span
            class="choices"
            role="group"
            aria-labelledby="quietWeekdays-label"
            aria-describedby={described("quietWeekdays")}
          >
            {WEEKDAYS.map((d) => (
              <label>
                <input
                  type="checkbox"
                  name="quietWeekdays"
                  id={`quietWeekday-${d}`}
                  value={String(d)}
                  checked={values.quietWeekdays.includes(d)}
                  disabled={disabled}
                />{" "}
                {t(`staff.settings.weekday.${d}` as MessageKey, lang)}
              </label>
            ))}
          </span>
          {problem("quietWeekdays")}
          <label class="check">
            <input
              type="checkbox"
              name="mentorAfterLastReminder"
              id="mentorAfterLastReminder"
              value="1"
              checked={values.mentorAfterLastReminder}
              disabled={disabled}
            />{" "}
            {t("staff.settings.mentorAfterLastReminder", lang)}
          </label>
          {number("mentorAfterDays")}
        </fieldset>
        {values.signals && (
          <fieldset id="signal-settings">
            <legend>{t("staff.settings.signals", lang)}</legend>
            <p class="small muted">{t("staff.settings.signals.note", lang)}</p>
            {SIGNAL_FLAGS.map((k) => {
              const id = `signal${k[0]!.toUpperCase()}${k.slice(1)}` as SettingsField;
              return (
                <>
                  <label class="check">
                    <input
                      type="checkbox"
                      name={`signal.${k}`}
                      id={id}
                      value="1"
                      checked={values.signals![k] === true}
                      disabled={disabled}
                    />{" "}
                    {t(LABELS[id], lang)}
                  </label>
                  {k === "lowTwice" && number("signalLowCount")}
                  {k === "dropVsMedian" && number("signalDropPoints")}
                  {k === "dropVsMedian" && number("signalDropMinEarlier")}
                  {k === "missedInRow" && number("signalMissedCount")}
                </>
              );
            })}
          </fieldset>
        )}
        {values.text.rislNormGroup !== undefined && (
          <fieldset id="report-settings">
            <legend>{t("staff.settings.reports", lang)}</legend>
            {number("reportMinCellSize")}
            <label for="rislNormGroup">{t(LABELS.rislNormGroup, lang)}</label>
            <select
              id="rislNormGroup"
              name="rislNormGroup"
              disabled={disabled}
              aria-invalid={errors.rislNormGroup ? "true" : undefined}
              aria-describedby={described("rislNormGroup")}
            >
              {(["study", "pilot"] as const).map((g) => (
                <option value={g} selected={values.text.rislNormGroup === g}>
                  {t(`staff.settings.reports.rislNormGroup.${g}`, lang)}
                </option>
              ))}
            </select>
            {problem("rislNormGroup")}
          </fieldset>
        )}
        {canWrite && (
          <p>
            <button type="submit" id="settings-submit">
              {t("staff.settings.submit", lang)}
            </button>
          </p>
        )}
      </form>
      <h2>{t("staff.settings.fixed", lang)}</h2>
      <p class="small muted">{t("staff.settings.fixedNote", lang)}</p>
      <table id="settings-fixed">
        <tbody>
          <tr>
            <th>{t("staff.settings.timezone", lang)}</th>
            <td>{fixed.timezone}</td>
          </tr>
          <tr>
            <th>{t("staff.settings.frequentInstruments", lang)}</th>
            <td>{fixed.frequent.join(", ")}</td>
          </tr>
          <tr>
            <th>{t("staff.settings.waveInstruments", lang)}</th>
            <td>{fixed.wave.join(", ")}</td>
          </tr>
        </tbody>
      </table>
    </StaffLayout>
  );
}
