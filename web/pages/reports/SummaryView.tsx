// The per-pilot summary as HTML tables (report tables 3.1 and 3.3, Bijlage 1), shared by the
// coordinator page and the self-contained HTML report. Server-rendered only; no script.
import type { ComponentChildren } from "preact";
import type { Band } from "../../../worker/analysis/bands";
import type { Cell, Change, Summary } from "../../../worker/reports/summary";
import { WAVES } from "../../../worker/reports/summary";
import { t, type Lang, type MessageKey } from "../../i18n/messages";

/** A catalogue text when the key exists (the staff-form labels of worker/studies), else the fallback. */
function tOr(key: string, lang: Lang, fallback: string): string {
  try {
    return t(key as MessageKey, lang) ?? fallback;
  } catch {
    return fallback;
  }
}
import { TrendPlot, type PlotPoint } from "./plot";

export const REPORT_CSS = `:root{color-scheme:light}*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#fff}
main{max-width:80rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.3rem 0}h2{font-size:1.12rem;margin:1.4rem 0 .4rem;border-bottom:1px solid #d9dde3}
h3{font-size:1rem;margin:1rem 0 .3rem}.muted{color:#5b6473}.small{font-size:.85rem}
table{border-collapse:collapse;margin:.3rem 0 .8rem;font-size:.85rem}th,td{border:1px solid #c9ced6;padding:.2rem .4rem;text-align:right;white-space:nowrap}
th{background:#eef1f4;text-align:center;white-space:normal;min-width:3.5rem;max-width:11rem;vertical-align:bottom}td.code,th.code{text-align:left}tr.mean td{font-weight:700;border-top:2px solid #1d2330}
.b-high{background:#c8eccd}.b-middle{background:#fbefb0}.b-low{background:#f8ccd9}.nr{color:#4f5663;font-style:italic}
.flag{font-weight:700;margin-left:.2em}.wave{color:#3d4450;font-size:.75rem;margin-left:.2em}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:.3rem 0}.swatch{display:inline-block;width:1.4em;height:.9em;border:1px solid #999;vertical-align:middle;margin-right:.3em}
.plots{display:flex;flex-wrap:wrap;gap:.5rem}.youth{break-inside:avoid;page-break-inside:avoid;margin:.6rem 0;border-top:1px solid #d9dde3}
figure{margin:0;border:1px solid #d9dde3;padding:.2rem;break-inside:avoid}figcaption{font-size:.75rem}
.comments{font-size:.8rem;margin:.2rem 0 .4rem;padding-left:1.2rem}.warn{background:#fde7e9;padding:.4rem .6rem;border-left:4px solid #b3261e}
nav.downloads a{margin-right:1rem}.scroll{overflow-x:auto}.scroll:focus-visible{outline:2px solid #2f6f73;outline-offset:2px}
@media print{body{font-size:10px}main{max-width:none;padding:0}nav.downloads,.noprint{display:none}h2{break-after:avoid}table{page-break-inside:auto}tr{break-inside:avoid}
.b-high,.b-middle,.b-low,svg rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}.scroll{overflow:visible}@page{size:A4 landscape;margin:12mm}}`;

const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "" : v.toFixed(digits));
const bandClass = (b: Band | null | undefined) => (b ? `b-${b}` : undefined);
const arrow = (c: Change) => (c === "improved" ? "↑" : c === "deteriorated" ? "↓" : "");

export function Legend({ lang }: { lang: Lang }) {
  return (
    <div class="legend" id="legend">
      <strong>{t("report.legend", lang)}:</strong>
      {(["high", "middle", "low"] as const).map((b) => (
        <span>
          <span class={`swatch b-${b}`} />
          {t(`report.band.${b}`, lang)}
        </span>
      ))}
      <span>{t("report.flag.up", lang)}</span>
      <span>{t("report.flag.down", lang)}</span>
    </div>
  );
}

function CellTd({ cell, digits = 2 }: { cell: Cell | undefined; digits?: number }) {
  if (!cell || cell.value === null) return <td class={bandClass(cell?.band)} />;
  return (
    <td class={bandClass(cell.band)} data-band={cell.band ?? ""}>
      {fmt(cell.value, digits)}
      {cell.wave && <span class="wave">({cell.wave})</span>}
      {cell.flag && <span class="flag">{cell.flag}</span>}
    </td>
  );
}

export function IntegralTable({ s, lang }: { s: Summary; lang: Lang }) {
  const cols = s.integral.columns;
  if (!s.integral.rows.length) return <p class="muted">{t("report.noData", lang)}</p>;
  return (
    <Scroll label={t("report.integral", lang)}>
      <table id="integral-table">
        <thead>
          <tr>
            <th class="code">{t("report.code", lang)}</th>
            {cols.map((c) => (
              <th title={c.label[lang]}>{c.label[lang]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {s.integral.rows.map((r) => (
            <tr>
              <td class="code">{r.code}</td>
              {cols.map((c) => (
                <CellTd cell={r.cells[c.key]} digits={c.group === "risl" ? 0 : 2} />
              ))}
            </tr>
          ))}
          <tr class="mean">
            <td class="code">{t("report.groupMean", lang)}</td>
            {cols.map((c) => (
              <CellTd cell={s.integral.groupMean[c.key]} />
            ))}
          </tr>
        </tbody>
      </table>
      <p class="small muted">{t("report.waveMark", lang)}</p>
      <p class="small muted">{t("report.bandRules", lang)}</p>
    </Scroll>
  );
}

export function WaveTables({ s, lang }: { s: Summary; lang: Lang }) {
  if (!s.waveTables.length) return <p class="muted">{t("report.noData", lang)}</p>;
  return (
    <div>
      <p class="small muted">
        {t("report.nonResponseNote", lang)}. {t("report.rciNote", lang)}
      </p>
      {s.waveTables.map((wt) => (
        <Scroll label={wt.label[lang]}>
          <h3>
            {wt.label[lang]}
            {wt.norm?.demo ? <span class="muted small"> (demo-norm)</span> : null}
          </h3>
          <table class="wave-table" data-instrument={wt.instrument} data-subscale={wt.subscale}>
            <thead>
              <tr>
                <th class="code">{t("report.code", lang)}</th>
                {WAVES.map((w) => (
                  <th>{w}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {wt.rows.map((r) => (
                <tr>
                  <td class="code">{r.code}</td>
                  {WAVES.map((w) => {
                    const sc = r.scores[w];
                    if (sc.nonResponse) return <td class="nr">{t("report.nonResponse", lang)}</td>;
                    if (sc.erased) return <td class="erased">{t("report.erased", lang)}</td>;
                    if (sc.value === null) return <td />;
                    const vsPrev = w === "T2" ? r.changes.T2vsT1 : w === "T3" ? r.changes.T3vsT2 : null;
                    const vsT1 = w === "T3" ? r.changes.T3vsT1 : null;
                    return (
                      <td class={bandClass(sc.band)} data-band={sc.band ?? ""}>
                        {fmt(sc.value)}
                        {vsPrev && <span class="flag">{arrow(vsPrev)}</span>}
                        {vsT1 && <span class="flag">({arrow(vsT1)})</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ))}
    </div>
  );
}

export function FrequentTables({ s, lang }: { s: Summary; lang: Lang }) {
  return (
    <div>
      <p class="small muted">{t("report.fewNote", lang)}</p>
      {s.frequentTables.map((ft) => (
        <Scroll label={ft.label[lang]}>
          <h3>{ft.label[lang]}</h3>
          <table class="frequent-table" data-indicator={ft.indicator}>
            <thead>
              <tr>
                <th class="code">{t("report.code", lang)}</th>
                {(["n", "min", "max", "mean", "slope", "slopeDay", "p", "flag"] as const).map((k) => (
                  <th>{t(`report.col.${k}`, lang)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ft.rows.map((r) => (
                <tr>
                  <td class="code">{r.code}</td>
                  <td>{r.n}</td>
                  <td>{fmt(r.min)}</td>
                  <td>{fmt(r.max)}</td>
                  <td class={bandClass(r.band)}>{fmt(r.mean)}</td>
                  <td>{fmt(r.slopePerMeasurement, 3)}</td>
                  <td>{fmt(r.slopePerDay, 4)}</td>
                  <td>{fmt(r.p, 3)}</td>
                  <td>{r.flag ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ))}
    </div>
  );
}

export function ResponseTables({ s, lang }: { s: Summary; lang: Lang }) {
  const r = s.response;
  return (
    <div>
      <table id="response-waves">
        <thead>
          <tr>
            <th>{t("report.response.wave", lang)}</th>
            <th>{t("report.response.invited", lang)}</th>
            <th>{t("report.response.completed", lang)}</th>
            <th>{t("report.response.erased", lang)}</th>
          </tr>
        </thead>
        <tbody>
          {r.perWave.map((w) => (
            <tr>
              <td class="code">{w.wave}</td>
              <td>{w.invited}</td>
              <td>{w.completed}</td>
              <td>{w.erased}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t("report.response.median", lang)}: <strong>{fmt(r.medianCompletionMinutes, 1) || "–"}</strong>
      </p>
      <Scroll label={t("report.response", lang)}>
        <table id="response-youths">
          <thead>
            <tr>
              <th class="code">{t("report.code", lang)}</th>
              <th>{t("report.response.status", lang)}</th>
              <th>{t("report.response.scheduled", lang)}</th>
              <th>{t("report.response.frequentDone", lang)}</th>
              <th>{t("report.response.frequentErased", lang)}</th>
              {WAVES.map((w) => (
                <th>{w}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.perYouth.map((y) => (
              <tr>
                <td class="code">{y.code}</td>
                <td class="code">{y.status}</td>
                <td>{y.scheduled}</td>
                <td>{y.completed}</td>
                <td>{y.erased}</td>
                {WAVES.map((w) => (
                  <td class={y.waves[w] === "missed" ? "nr" : y.waves[w] === "erased" ? "erased" : undefined}>
                    {y.waves[w] === "completed" ? "✓" : y.waves[w] === "missed" ? t("report.nonResponse", lang) : y.waves[w] === "erased" ? t("report.erased", lang) : ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </div>
  );
}

export function BackgroundTables({ s, lang }: { s: Summary; lang: Lang }) {
  const b = s.background;
  if (!b) return <p class="muted" id="background-empty">{t("report.background.empty", lang)}</p>;
  return (
    <div id="background">
      <p class="small">N = {b.n}</p>
      {b.numeric.length > 0 && (
        <table>
          <thead>
            <tr>
              <th class="code">{t("report.background.field", lang)}</th>
              <th>n</th>
              <th>{t("report.col.mean", lang)}</th>
              <th>{t("report.background.sd", lang)}</th>
              <th>{t("report.col.min", lang)}</th>
              <th>{t("report.col.max", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {b.numeric.map((x) => (
              <tr>
                <td class="code">{tOr(`staff.bg.${x.field}`, lang, x.field)}</td>
                <td>{x.n}</td>
                <td>{fmt(x.mean, 1)}</td>
                <td>{fmt(x.sd, 1)}</td>
                <td>{fmt(x.min, 1)}</td>
                <td>{fmt(x.max, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {b.categorical.length > 0 && (
        <table>
          <thead>
            <tr>
              <th class="code">{t("report.background.field", lang)}</th>
              <th class="code">{t("report.background.counts", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {b.categorical.map((x) => (
              <tr>
                <td class="code">{tOr(`staff.bg.${x.field}`, lang, x.field)}</td>
                <td class="code">{x.counts.map((c) => `${x.field === "countryOfOrigin" ? tOr(`staff.bg.country.${c.value}`, lang, c.value) : c.value}: ${c.count}`).join(" · ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export type PlotData = Map<string, Map<string, PlotPoint[]>>;
export type CommentData = Map<string, { at: number; instrument: string; item: string; comment: string }[]>;

/** One block per youth: a trend plot per frequent indicator, comments beside them only when given. */
export function YouthPlots({ s, plots, comments, lang }: { s: Summary; plots: PlotData; comments: CommentData | null; lang: Lang }) {
  return (
    <div id="plots">
      {s.response.perYouth.map((y, i) => (
        <section class="youth" data-code={y.code}>
          <h3>{y.code}</h3>
          <div class="plots">
            {s.frequentTables
              .filter((ft) => ft.aggregate === "mean")
              .map((ft) => {
                const row = ft.rows[i]!;
                return (
                  <figure>
                    <TrendPlot points={plots.get(y.code)?.get(ft.indicator) ?? []} slopePerDay={row.slopePerDay} title={`${y.code} · ${ft.label[lang]}`} />
                    <figcaption>
                      {ft.label[lang]}: {fmt(row.mean)} {row.flag ?? ""}
                    </figcaption>
                  </figure>
                );
              })}
          </div>
          {comments && (comments.get(y.code)?.length ?? 0) > 0 && (
            <ul class="comments" aria-label={t("report.comments", lang)}>
              {comments.get(y.code)!.map((c) => (
                <li>
                  {new Date(c.at).toISOString().slice(0, 10)} · {c.instrument}.{c.item}: <q>{c.comment}</q>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}

export function Warnings({ s, lang }: { s: Summary; lang: Lang }) {
  if (!s.warnings.length) return null;
  return (
    <div class="warn">
      <strong>{t("report.warnings", lang)}:</strong>
      <ul>
        {s.warnings.map((w) => (
          <li>{w}</li>
        ))}
      </ul>
    </div>
  );
}

/** A wide table's horizontal scroller: focusable and named, so keyboard users can scroll it too. */
function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

type SectionProps = { s: Summary; plots: PlotData; comments: CommentData | null; lang: Lang };
const SECTIONS = {
  integral: { title: "report.integral", body: ({ s, lang }: SectionProps) => <IntegralTable s={s} lang={lang} /> },
  background: { title: "report.background", body: ({ s, lang }: SectionProps) => <BackgroundTables s={s} lang={lang} /> },
  response: { title: "report.response", body: ({ s, lang }: SectionProps) => <ResponseTables s={s} lang={lang} /> },
  waves: { title: "report.waves", body: ({ s, lang }: SectionProps) => <WaveTables s={s} lang={lang} /> },
  frequent: { title: "report.frequent", body: ({ s, lang }: SectionProps) => <FrequentTables s={s} lang={lang} /> },
  plots: { title: "report.plots", body: (p: SectionProps) => <YouthPlots {...p} /> },
} as const;
export type SectionKey = keyof typeof SECTIONS;

/** The summary's warnings, colour legend and the chosen sections in the given order (ids `sec-<key>`). */
export function SummarySections({ order, ...p }: SectionProps & { order: readonly SectionKey[] }) {
  return (
    <>
      <Warnings s={p.s} lang={p.lang} />
      <Legend lang={p.lang} />
      {order.map((key) => (
        <Section id={`sec-${key}`} title={t(SECTIONS[key].title, p.lang)}>
          {SECTIONS[key].body(p)}
        </Section>
      ))}
    </>
  );
}
