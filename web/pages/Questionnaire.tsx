import type { AskedInstrument, InstrumentDefinition, Item } from "../../schema/instruments/definitions";
import { Island } from "../components/Island";
import { YouthLayout } from "../components/Layout";
import { ScaleField } from "../components/ScaleField";
import { t, type Lang } from "../../core/i18n/messages";
import type { SliderFieldProps } from "../islands/SliderField";

export type FormState = { values: Record<string, string>; errors: Record<string, string>; formError?: string };

export const fieldName = (kind: "v" | "c" | "na", versionId: number, itemKey: string) =>
  `${kind}.${versionId}.${itemKey}`;

export type QuestionnaireProps = {
  lang: Lang;
  /** where the form posts (Next, Back and the final send) */
  action: string;
  /** where the browser saves changes in the background (with JavaScript) */
  draftUrl: string;
  /** the other language's address of this page */
  langHref: string;
  quickExitUrl: string;
  /** the instruments shown on this page, each with this page's items */
  instruments: AskedInstrument[];
  /** 1-based page number and the number of pages */
  page: number;
  pages: number;
  /** the estimated length of the whole questionnaire, stated on the first page */
  minutes?: string;
  /** when this page was rendered (ms): orders saves of the same page from different windows */
  edit: number;
  /** the link's fixed facts, signed by the server (worker/survey/routes.tsx) */
  context?: string;
  state?: FormState;
  notice?: string;
};

export function QuestionnairePage({
  lang,
  action,
  draftUrl,
  langHref,
  quickExitUrl,
  instruments,
  page,
  pages,
  minutes,
  edit,
  context,
  state,
  notice,
}: QuestionnaireProps) {
  const val = (n: string) => state?.values[n] ?? "";
  const last = page >= pages;
  const showTitles = pages > 1 || instruments.length > 1;
  return (
    <YouthLayout lang={lang} quickExitUrl={quickExitUrl} islands>
      <p class="lang">
        <a href={langHref}>{lang === "nl" ? "English" : "Nederlands"}</a>
      </p>
      <h1>{t("youth.title", lang)}</h1>
      {pages > 1 && (
        <p class="progress" id="progress">
          {t("youth.progress", lang).replace("{n}", String(page)).replace("{m}", String(pages))}
        </p>
      )}
      {page === 1 && (
        <>
          <p>{t("youth.intro", lang)}</p>
          {minutes && <p id="length">{minutes}</p>}
          {pages > 1 && <p>{t("youth.resumeHint", lang)}</p>}
        </>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {state?.formError && (
        <p class="error" role="alert">
          {state.formError}
        </p>
      )}
      <form method="post" action={action} novalidate data-draft={draftUrl}>
        <input type="hidden" name="page" value={String(page)} />
        <input type="hidden" name="edit" value={String(edit)} />
        <input type="hidden" name="seq" value="0" />
        {context && <input type="hidden" name="ctx" value={context} />}
        {instruments.map((ins) => (
          <section>
            {showTitles && <h2>{ins.definition.title[lang]}</h2>}
            {ins.items.map((item) => {
              const v = fieldName("v", ins.versionId, item.key);
              const c = fieldName("c", ins.versionId, item.key);
              const err = state?.errors[v] ?? state?.errors[c];
              const comment = ins.definition.kind === "frequent" && (
                <details open={val(c) !== ""}>
                  <summary>{t("youth.comment", lang)}</summary>
                  <textarea name={c} maxLength={500} aria-label={t("youth.comment", lang)}>
                    {val(c)}
                  </textarea>
                </details>
              );
              if (item.type === "slider") {
                const na = fieldName("na", ins.versionId, item.key);
                const props: SliderFieldProps = {
                  name: v,
                  label: item.text[lang],
                  low: item.low[lang],
                  high: item.high[lang],
                  emptyText: t("youth.noValue", lang),
                  value: /^\d{1,2}(\.\d{1,2})?$/.test(val(v)) ? Number(val(v)) : null,
                  ...(item.allowNotApplicable
                    ? { notApplicable: { name: na, label: t("youth.notApplicable", lang), checked: val(na) === "1" } }
                    : {}),
                };
                return (
                  <div class="card">
                    <Island name="SliderField" component={ScaleField} props={props} />
                    {err && <p class="field-error">{err}</p>}
                    {comment}
                  </div>
                );
              }
              return (
                <fieldset class="card">
                  <legend>{item.text[lang]}</legend>
                  <div class="choices">
                    {choices(item, ins.definition, lang).map(([value, label]) => (
                      <label>
                        <input type="radio" name={v} value={value} checked={val(v) === value} /> {label}
                      </label>
                    ))}
                  </div>
                  {err && <p class="field-error">{err}</p>}
                  {comment}
                </fieldset>
              );
            })}
          </section>
        ))}
        <div class="nav">
          <button type="submit" name="nav" value={last ? "submit" : "next"}>
            {last ? t("youth.submit", lang) : t("youth.next", lang)}
          </button>
          {page > 1 && (
            <button type="submit" name="nav" value="back" class="secondary">
              {t("youth.back", lang)}
            </button>
          )}
        </div>
      </form>
    </YouthLayout>
  );
}

function choices(item: Item, def: InstrumentDefinition, lang: Lang): [string, string][] {
  if (item.type === "yesno")
    return [
      ["1", t("youth.yes", lang)],
      ["0", t("youth.no", lang)],
    ];
  const scale = def.scale!;
  return scale.labels.map((l, i) => [String(scale.min + i), l[lang]]);
}

export function MessagePage({
  lang,
  quickExitUrl,
  title,
  body,
  children,
}: {
  lang: Lang;
  quickExitUrl: string;
  title: string;
  body: string;
  children?: preact.ComponentChildren;
}) {
  return (
    <YouthLayout lang={lang} quickExitUrl={quickExitUrl} islands>
      <h1>{title}</h1>
      <p>{body}</p>
      {children}
    </YouthLayout>
  );
}
