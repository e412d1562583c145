import type { InstrumentDefinition, Item } from "../../schema/instruments/definitions";
import { Island } from "../components/Island";
import { YouthLayout } from "../components/Layout";
import { t, type Lang } from "../i18n/messages";
import { SliderField } from "../islands/SliderField";

export type AskedInstrument = { versionId: number; definition: InstrumentDefinition; items: Item[] };
export type FormState = { values: Record<string, string>; errors: Record<string, string>; formError?: string };

export const fieldName = (kind: "v" | "c" | "na", versionId: number, itemKey: string) => `${kind}.${versionId}.${itemKey}`;

export function QuestionnairePage({ lang, action, quickExitUrl, instruments, state }: { lang: Lang; action: string; quickExitUrl: string; instruments: AskedInstrument[]; state?: FormState }) {
  const val = (n: string) => state?.values[n] ?? "";
  return (
    <YouthLayout lang={lang} quickExitUrl={quickExitUrl} islands>
      <p class="lang">
        <a href={`?lang=${lang === "nl" ? "en" : "nl"}`}>{lang === "nl" ? "English" : "Nederlands"}</a>
      </p>
      <h1>{t("youth.title", lang)}</h1>
      <p>{t("youth.intro", lang)}</p>
      {state?.formError && (
        <p class="error" role="alert">
          {state.formError}
        </p>
      )}
      <form method="post" action={action} novalidate>
        {instruments.map((ins) => (
          <section>
            {instruments.length > 1 && <h2>{ins.definition.title[lang]}</h2>}
            {ins.items.map((item) => {
              const v = fieldName("v", ins.versionId, item.key);
              const c = fieldName("c", ins.versionId, item.key);
              const err = state?.errors[v] ?? state?.errors[c];
              return (
                <fieldset>
                  {item.type === "slider" ? (
                    <Island
                      name="SliderField"
                      component={SliderField}
                      props={{
                        name: v,
                        label: item.text[lang],
                        low: item.low[lang],
                        high: item.high[lang],
                        emptyText: t("youth.noValue", lang),
                        value: val(v) === "" || Number.isNaN(Number(val(v))) ? null : Number(val(v)),
                        ...(item.allowNotApplicable
                          ? { notApplicable: { name: fieldName("na", ins.versionId, item.key), label: t("youth.notApplicable", lang), checked: val(fieldName("na", ins.versionId, item.key)) === "1" } }
                          : {}),
                      }}
                    />
                  ) : (
                    <>
                      <legend>{item.text[lang]}</legend>
                      <div class="choices">
                        {choices(item, ins.definition, lang).map(([value, label]) => (
                          <label>
                            <input type="radio" name={v} value={value} checked={val(v) === value} /> {label}
                          </label>
                        ))}
                      </div>
                    </>
                  )}
                  {err && <p class="field-error">{err}</p>}
                  {ins.definition.kind === "frequent" && (
                    <details open={val(c) !== ""}>
                      <summary>{t("youth.comment", lang)}</summary>
                      <textarea name={c} maxLength={500} aria-label={t("youth.comment", lang)}>
                        {val(c)}
                      </textarea>
                    </details>
                  )}
                </fieldset>
              );
            })}
          </section>
        ))}
        <button type="submit">{t("youth.submit", lang)}</button>
      </form>
    </YouthLayout>
  );
}

function choices(item: Item, def: InstrumentDefinition, lang: Lang): [string, string][] {
  if (item.type === "yesno") return [["1", t("youth.yes", lang)], ["0", t("youth.no", lang)]];
  const scale = def.scale!;
  return scale.labels.map((l, i) => [String(scale.min + i), l[lang]]);
}

export function MessagePage({ lang, quickExitUrl, title, body, children }: { lang: Lang; quickExitUrl: string; title: string; body: string; children?: preact.ComponentChildren }) {
  return (
    <YouthLayout lang={lang} quickExitUrl={quickExitUrl} islands>
      <h1>{title}</h1>
      <p>{body}</p>
      {children}
    </YouthLayout>
  );
}
