// The enrol form (stable ids for the browser test: #enrol-form fields #code #pilotStartDate #consentBy
// #selfAge16Plus #consentDate #email #mentorEmail, #enrol-submit).
import { CsrfField, StaffLayout, type StaffUser } from "../../../components/StaffLayout";
import { t, type Lang } from "../../../../core/i18n/messages";
import type { PilotCard } from "./shared";

export type EnrolValues = {
  code?: string;
  pilotStartDate?: string;
  consentBy?: string;
  selfAge16Plus?: boolean;
  consentDate?: string;
  email?: string;
  mentorEmail?: string;
};

export function EnrolPage({
  user,
  pilot,
  values = {},
  errors = [],
  today,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: PilotCard;
  values?: EnrolValues;
  errors?: string[];
  today: string;
  lang?: Lang;
}) {
  return (
    <StaffLayout lang={lang} title={t("staff.enrol.title", lang)} user={user}>
      <p>
        <a href={`/staff/pilots/${pilot.key}`}>{pilot.name}</a>
      </p>
      <h1>{t("staff.enrol.title", lang)}</h1>
      {errors.length > 0 && (
        <div class="error" id="enrol-errors" role="alert">
          <p>{t("staff.enrol.invalid", lang)}</p>
          <ul>
            {errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <form method="post" action={`/staff/pilots/${pilot.key}/enrol`} class="stack" id="enrol-form">
        <CsrfField token={user?.csrf} />
        <label for="code">{t("staff.enrol.code", lang)}</label>
        <input
          id="code"
          name="code"
          required
          pattern="[A-Za-z0-9][A-Za-z0-9_\-]{1,31}"
          maxLength={32}
          value={values.code ?? ""}
          autocomplete="off"
        />
        <label for="pilotStartDate">{t("staff.enrol.start", lang)}</label>
        <input id="pilotStartDate" name="pilotStartDate" type="date" required value={values.pilotStartDate ?? today} />
        <label for="consentBy">{t("staff.enrol.consentBy", lang)}</label>
        <select id="consentBy" name="consentBy">
          <option value="self" selected={values.consentBy !== "guardian"}>
            {t("staff.youth.consent.self", lang)}
          </option>
          <option value="guardian" selected={values.consentBy === "guardian"}>
            {t("staff.youth.consent.guardian", lang)}
          </option>
        </select>
        <label class="check">
          <input
            id="selfAge16Plus"
            name="selfAge16Plus"
            type="checkbox"
            value="1"
            checked={values.selfAge16Plus ?? false}
          />{" "}
          {t("staff.enrol.age16", lang)}
        </label>
        <label for="consentDate">{t("staff.enrol.consentDate", lang)}</label>
        <input id="consentDate" name="consentDate" type="date" required value={values.consentDate ?? today} />
        <label for="email">{t("staff.enrol.email", lang)}</label>
        <input id="email" name="email" type="email" maxLength={254} value={values.email ?? ""} autocomplete="off" />
        <label for="mentorEmail">{t("staff.enrol.mentorEmail", lang)}</label>
        <input
          id="mentorEmail"
          name="mentorEmail"
          type="email"
          maxLength={254}
          value={values.mentorEmail ?? ""}
          autocomplete="off"
        />
        <p>
          <button type="submit" id="enrol-submit">
            {t("staff.enrol.submit", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}
