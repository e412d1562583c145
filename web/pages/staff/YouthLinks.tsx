// A youth's link and assisted entry (issue 14, items 4 and 5): her open questionnaires with the state of
// their link, re-send and revoke, and entry on a group computer (kiosk) or during a phone call. Server-
// rendered without scripts, like every staff page; every form carries the CSRF token.
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { t, type Lang } from "../../../core/i18n/messages";
import { waveLabel } from "../../../core/waves";
import type { AskedInstrument } from "../../../schema/instruments/definitions";
import type { FormState } from "../Questionnaire";

export type OpenOccasion = {
  id: number;
  kind: "frequent" | "wave";
  wave: string | null;
  seq: number;
  dueDate: string;
  closesDate: string;
  generation: number;
  lastSent: string | null;
  minutes: number;
};
type Pilot = { key: string; name: string };

const youthPath = (pilot: Pilot, code: string) => `/staff/pilots/${pilot.key}/youths/${encodeURIComponent(code)}`;
const label = (o: Pick<OpenOccasion, "kind" | "wave" | "seq">, lang: Lang) =>
  o.kind === "wave"
    ? `${t("staff.youth.wave", lang)} ${waveLabel(o.wave, o.seq)}`
    : `${t("staff.youth.frequent", lang)} ${o.seq}`;

export function YouthLinksPage({
  user,
  pilot,
  code,
  open,
  hasEmail,
  press,
  notice,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: Pilot;
  code: string;
  open: OpenOccasion[];
  hasEmail: boolean;
  /** a fresh id for each rendered form: a button pressed once sends once, also when the post is repeated */
  press: string;
  notice?: "resent" | "revoked" | "noAddress" | "phone" | "kiosk";
  lang?: Lang;
}) {
  const base = youthPath(pilot, code);
  const notes = {
    resent: "staff.links.resent",
    revoked: "staff.links.revoked",
    noAddress: "staff.links.noAddress",
    phone: "staff.phone.saved",
    kiosk: "staff.phone.kioskDone",
  } as const;
  return (
    <StaffLayout lang={lang} title={`${code} · ${t("staff.links.title", lang)}`} user={user}>
      <p>
        <a href={base} id="back-to-youth">
          {code}
        </a>
      </p>
      <h1>{t("staff.links.title", lang)}</h1>
      {notice && (
        <p class="notice" id="links-notice" role="status">
          {t(notes[notice], lang)}
        </p>
      )}
      <h2>{t("staff.links.open", lang)}</h2>
      {open.length === 0 ? (
        <p id="links-none">{t("staff.links.none", lang)}</p>
      ) : (
        <table id="links-table">
          <thead>
            <tr>
              <th scope="col">{t("staff.youth.kind", lang)}</th>
              <th scope="col">{t("staff.youth.due", lang)}</th>
              <th scope="col">{t("staff.links.generation", lang)}</th>
              <th scope="col">{t("staff.links.lastSent", lang)}</th>
              <th scope="col">{t("staff.links.kiosk", lang)}</th>
              <th scope="col">{t("staff.links.phone", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {open.map((o) => (
              <tr data-occasion={o.id}>
                <td>{label(o, lang)}</td>
                <td>
                  {o.dueDate} – {o.closesDate}
                </td>
                <td>{o.generation}</td>
                <td>{o.lastSent ?? t("staff.links.never", lang)}</td>
                <td>
                  <form method="post" action={`${base}/kiosk`}>
                    <CsrfField token={user?.csrf} />
                    <input type="hidden" name="occasion" value={String(o.id)} />
                    <button type="submit" id={`kiosk-${o.id}`}>
                      {t("staff.links.kiosk", lang)}
                    </button>
                  </form>
                </td>
                <td>
                  <a href={`${base}/phone/${o.id}`} id={`phone-${o.id}`}>
                    {t("staff.links.phone", lang)}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>{t("staff.links.kioskHint", lang)}</p>
      {open.length > 0 && hasEmail && (
        <>
          <form method="post" action={`${base}/links/resend`} class="stack" id="resend-form">
            <CsrfField token={user?.csrf} />
            <input type="hidden" name="press" value={press} />
            <p>
              <button type="submit" id="resend-submit">
                {t("staff.links.resend", lang)}
              </button>
            </p>
          </form>
          <form method="post" action={`${base}/links/revoke`} class="stack" id="revoke-form">
            <CsrfField token={user?.csrf} />
            <input type="hidden" name="press" value={press} />
            <label>
              <input type="checkbox" name="confirm" value="1" id="revoke-confirm" required />{" "}
              {t("staff.links.revokeConfirm", lang)}
            </label>
            <p>
              <button type="submit" id="revoke-submit">
                {t("staff.links.revoke", lang)}
              </button>
            </p>
          </form>
        </>
      )}
      {!hasEmail && <p id="links-no-address">{t("staff.links.noAddress", lang)}</p>}
    </StaffLayout>
  );
}

/** The whole questionnaire on one staff form, entered by a researcher during a call (mode `phone`). */
export function PhoneEntryPage({
  user,
  pilot,
  code,
  occasion,
  asked,
  state,
  lang = "nl",
}: {
  user: StaffUser;
  pilot: Pilot;
  code: string;
  occasion: Pick<OpenOccasion, "id" | "kind" | "wave" | "seq">;
  asked: AskedInstrument[];
  state?: FormState;
  lang?: Lang;
}) {
  const base = youthPath(pilot, code);
  const val = (n: string) => state?.values[n] ?? "";
  return (
    <StaffLayout lang={lang} title={`${code} · ${t("staff.phone.title", lang)}`} user={user}>
      <p>
        <a href={`${base}/links`} id="back-to-links">
          {t("staff.links.title", lang)}
        </a>
      </p>
      <h1>{t("staff.phone.title", lang)}</h1>
      <p>
        {code} · {label(occasion, lang)}
      </p>
      {state?.formError && (
        <p class="error" role="alert" id="phone-error">
          {state.formError}
        </p>
      )}
      <form method="post" action={`${base}/phone/${occasion.id}`} class="stack" id="phone-form">
        <CsrfField token={user?.csrf} />
        {asked.map((ins) => (
          <fieldset>
            <legend>{ins.definition.title[lang]}</legend>
            {ins.items.map((item) => {
              const v = `v.${ins.versionId}.${item.key}`;
              const id = `p-${ins.versionId}-${item.key}`.replace(/[^A-Za-z0-9_-]/g, "-");
              const choices =
                item.type === "slider"
                  ? Array.from({ length: 11 }, (_, i) => i)
                  : item.type === "yesno"
                    ? [0, 1]
                    : Array.from(
                        { length: ins.definition.scale!.max - ins.definition.scale!.min + 1 },
                        (_, i) => ins.definition.scale!.min + i,
                      );
              const err = state?.errors[v];
              return (
                <p>
                  <label for={id}>{item.text[lang]}</label>{" "}
                  <select id={id} name={v} aria-invalid={err ? "true" : undefined}>
                    <option value="">{t("staff.phone.noAnswer", lang)}</option>
                    {choices.map((n) => (
                      <option value={String(n)} selected={val(v) === String(n)}>
                        {item.type === "yesno"
                          ? t(n === 1 ? "youth.yes" : "youth.no", lang)
                          : item.type === "likert"
                            ? `${n} · ${ins.definition.scale!.labels[n - ins.definition.scale!.min]?.[lang] ?? ""}`
                            : String(n)}
                      </option>
                    ))}
                  </select>
                  {item.type === "slider" && item.allowNotApplicable && (
                    <label>
                      {" "}
                      <input
                        type="checkbox"
                        name={`na.${ins.versionId}.${item.key}`}
                        value="1"
                        checked={val(`na.${ins.versionId}.${item.key}`) === "1"}
                      />{" "}
                      {t("staff.phone.na", lang)}
                    </label>
                  )}
                  {err && <span class="error"> {err}</span>}
                </p>
              );
            })}
          </fieldset>
        ))}
        <p>
          <button type="submit" id="phone-submit">
            {t("staff.phone.save", lang)}
          </button>
        </p>
      </form>
    </StaffLayout>
  );
}
