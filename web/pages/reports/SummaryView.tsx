// The per-pilot summary as HTML tables (report tables 3.1 and 3.3, Bijlage 1), shared by the
// coordinator page and the self-contained HTML report. Server-rendered only; no script.
import type { ComponentChildren } from "preact";
import type { Band } from "../../../worker/analysis/bands";
import { formatDate, formatNumber } from "../../../core/format";
import type { BandRule, Cell, Change, Summary } from "../../../worker/reports/summary";
import { INTEGRAL_SECTIONS } from "../../../core/report-sections";
import { WAVES } from "../../../core/waves";
import { t, type Lang } from "../../../core/i18n/messages";

import type { ChartData } from "../../../worker/analysis/plot";
import { TrendPlot } from "../../components/TrendPlot";

export const REPORT_CSS =
  `:root{color-scheme:light}*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#fff}
main{max-width:80rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.3rem ` +
  `0}h2{font-size:1.12rem;margin:1.4rem 0 .4rem;border-bottom:1px solid #d9dde3}
h3{font-size:1rem;margin:1rem 0 .3rem}.muted{color:#5b6473}.small{font-size:.85rem}
table{border-collapse:collapse;margin:.3rem 0 .8rem;font-size:.85rem}th,td{border:1px ` +
  `solid #c9ced6;padding:.2rem .4rem;text-align:right;white-space:nowrap}
th{background:#eef1f4;text-align:center;white-space:normal;min-width:3.5rem;` +
  `max-width:11rem;vertical-align:bottom}td.code,th.code{text-align:left}tr.mean ` +
  `td{font-weight:700;border-top:2px solid #1d2330}
.b-high{background:#c8eccd}.b-middle{background:#fbefb0}.b-low{background:#f8ccd9}.nr{color:#4f5663;font-style:italic}
.flag{font-weight:700;margin-left:.2em}.bl{font-size:.7rem;font-weight:700;` +
  `margin-left:.25em;color:#3d4450}th.sec{text-align:center;background:#dfe4ea}
.rules{font-size:.8rem;margin:.2rem 0 .8rem;padding-left:1.2rem}.wave{color:#3d4450;font-size:.75rem;margin-left:.2em}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:.3rem ` +
  `0}.swatch{display:inline-block;width:1.4em;height:.9em;border:1px solid #999;vertical-align:middle;margin-right:.3em}
.plots{display:flex;flex-wrap:wrap;gap:.5rem}.youth{break-inside:avoid;page-break-inside:avoid;margin:.6rem ` +
  `0;border-top:1px solid #d9dde3}
figure{margin:0;border:1px solid #d9dde3;padding:.2rem;break-inside:avoid}figcaption{font-size:.75rem}
.comments{font-size:.8rem;margin:.2rem 0 ` +
  `.4rem;padding-left:1.2rem}.warn{background:#fde7e9;padding:.4rem .6rem;border-left:4px solid #b3261e}
nav.downloads a{margin-right:1rem}.scroll{overflow-x:auto}.scroll:focus-visible{outline:2px ` +
  `solid #2f6f73;outline-offset:2px}
@media print{body{font-size:10px}main{max-width:none;padding:0}nav.downloads,` +
  `.noprint{display:none}h2{break-after:avoid}table{page-break-inside:auto}tr{break-inside:avoid}
.b-high,.b-middle,.b-low,svg ` +
  `rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}.scroll{overflow:visible}@page{size:A4 ` +
  `landscape;margin:12mm}}`;

/** Numbers as the reader's language writes them: decimal comma in Dutch (core/format.ts). */
const fmt = (v: number | null | undefined, digits = 2, lang: Lang = "nl") => formatNumber(v, digits, lang);
const bandClass = (b: Band | null | undefined) => (b ? `b-${b}` : undefined);
/** The band as a letter as well as a colour: readable in black and white and without colour vision. */
function BandLetter({ band, lang }: { band: Band | null | undefined; lang: Lang }) {
  if (!band) return null;
  return (
    <span class="bl" title={t(`report.band.${band}`, lang)}>
      {t(`report.bandLetter.${band}`, lang)}
    </span>
  );
}
const SMALL = (n: number) => `< ${n}`;
const arrow = (c: Change) => (c === "improved" ? "↑" : c === "deteriorated" ? "↓" : "");

export function Legend({ lang }: { lang: Lang }) {
  return (
    <div class="legend" id="legend">
      <strong>{t("report.legend", lang)}:</strong>
      {(["high", "middle", "low"] as const).map((b) => (
        <span>
          <span class={`swatch b-${b}`} />
          <strong>{t(`report.bandLetter.${b}`, lang)}</strong> = {t(`report.band.${b}`, lang)}
        </span>
      ))}
      <span>{t("report.flag.up", lang)}</span>
      <span>{t("report.flag.down", lang)}</span>
      <span class="small muted">{t("report.bandLetterNote", lang)}</span>
    </div>
  );
}

/** Per indicator exactly what green (and yellow, pink) means, with its cut-offs (report table 2.3). */
export function BandRules({
  items,
  lang,
  id,
}: {
  items: { label: { nl: string; en: string }; rule: BandRule }[];
  lang: Lang;
  id?: string;
}) {
  const shown = items.filter((i) => i.rule);
  if (!shown.length) return null;
  return (
    <div id={id}>
      <p class="small">
        <strong>{t("report.bandRulesPer", lang)}</strong>
      </p>
      <ul class="rules">
        {shown.map(({ label, rule: r }) => (
          <li data-rule={label[lang]}>
            {label[lang]}: {t("report.band.high", lang)} ({t("report.bandLetter.high", lang)}) = {r!.high[lang]};{" "}
            {t("report.band.middle", lang)} ({t("report.bandLetter.middle", lang)}) = {r!.middle[lang]};{" "}
            {t("report.band.low", lang)} ({t("report.bandLetter.low", lang)}) = {r!.low[lang]}
          </li>
        ))}
      </ul>
    </div>
  );
}

function CellTd({ cell, digits = 2, lang }: { cell: Cell | undefined; digits?: number; lang: Lang }) {
  if (cell?.mark === "nr")
    return (
      <td class="nr" data-mark="nr">
        {t("report.nonResponse", lang)}
      </td>
    );
  if (!cell || cell.value === null) return <td class={bandClass(cell?.band)} />;
  return (
    <td class={bandClass(cell.band)} data-band={cell.band ?? ""}>
      {fmt(cell.value, digits, lang)}
      {cell.wave && <span class="wave">({cell.wave})</span>}
      {cell.flag && <span class="flag">{cell.flag}</span>}
      <BandLetter band={cell.band} lang={lang} />
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
          <tr class="sections">
            <th class="code" rowSpan={2} scope="col">
              {t("report.code", lang)}
            </th>
            {INTEGRAL_SECTIONS.map((sec) => {
              const n = cols.filter((c) => c.section === sec.key).length;
              return n ? (
                <th class="sec" colSpan={n} scope="colgroup" data-section={sec.key}>
                  {sec.label[lang]}
                </th>
              ) : null;
            })}
          </tr>
          <tr>
            {cols.map((c) => (
              <th title={c.label[lang]} scope="col" data-col={c.key} data-section={c.section}>
                {c.label[lang]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {s.integral.rows.map((r) => (
            <tr>
              <td class="code">{r.code}</td>
              {cols.map((c) => (
                <CellTd cell={r.cells[c.key]} digits={c.group === "risl" ? 0 : 2} lang={lang} />
              ))}
            </tr>
          ))}
          <tr class="mean">
            <td class="code">{t("report.groupMean", lang)}</td>
            {cols.map((c) => (
              <CellTd cell={s.integral.groupMean[c.key]} lang={lang} />
            ))}
          </tr>
        </tbody>
      </table>
      <p class="small muted">{t("report.waveMark", lang)}</p>
      <p class="small muted">{t("report.nrMark", lang)}</p>
      <BandRules id="integral-rules" items={cols.map((c) => ({ label: c.label, rule: c.bandRule }))} lang={lang} />
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
          {wt.layout === "firstLast" ? <FirstLastTable wt={wt} lang={lang} /> : <WaveTable wt={wt} lang={lang} />}
          <BandRules items={[{ label: wt.label, rule: wt.bandRule }]} lang={lang} />
        </Scroll>
      ))}
    </div>
  );
}

type WaveTableModel = Summary["waveTables"][number];

function ScoreTd({
  value,
  band,
  lang,
  children,
}: {
  value: number | null;
  band: Band | null;
  lang: Lang;
  children?: ComponentChildren;
}) {
  if (value === null) return <td />;
  return (
    <td class={bandClass(band)} data-band={band ?? ""}>
      {fmt(value, 2, lang)}
      {children}
      <BandLetter band={band} lang={lang} />
    </td>
  );
}

function MeanTd({ cell, lang }: { cell: Cell; lang: Lang }) {
  return <ScoreTd value={cell.value} band={cell.band} lang={lang} />;
}

/** Bijlage 1 tables 1 and 3: T1, T2, T3 per youth with reliable change, non-response marked, a group-mean row. */
function WaveTable({ wt, lang }: { wt: WaveTableModel; lang: Lang }) {
  return (
    <table class="wave-table" data-instrument={wt.instrument} data-subscale={wt.subscale} data-layout="waves">
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
              if (sc.nonResponse)
                return (
                  <td class="nr" data-mark="nr">
                    {t("report.nonResponse", lang)}
                  </td>
                );
              if (sc.erased) return <td class="erased">{t("report.erased", lang)}</td>;
              const vsPrev = w === "T2" ? r.changes.T2vsT1 : w === "T3" ? r.changes.T3vsT2 : null;
              const vsT1 = w === "T3" ? r.changes.T3vsT1 : null;
              return (
                <ScoreTd value={sc.value} band={sc.band} lang={lang}>
                  {vsPrev && <span class="flag">{arrow(vsPrev)}</span>}
                  {vsT1 && <span class="flag">({arrow(vsT1)})</span>}
                </ScoreTd>
              );
            })}
          </tr>
        ))}
        <tr class="mean">
          <td class="code">{t("report.groupMean", lang)}</td>
          {WAVES.map((w) => (
            <MeanTd cell={wt.groupMean[w]} lang={lang} />
          ))}
        </tr>
      </tbody>
    </table>
  );
}

/**
 * Bijlage 1 table 4 (TASC): first and last measurement per youth, the reliable change between them, a group-mean row.
 */
function FirstLastTable({ wt, lang }: { wt: WaveTableModel; lang: Lang }) {
  return (
    <>
      <p class="small muted">{t("report.firstLastNote", lang)}</p>
      <table class="wave-table" data-instrument={wt.instrument} data-subscale={wt.subscale} data-layout="firstLast">
        <thead>
          <tr>
            <th class="code">{t("report.code", lang)}</th>
            <th>{t("report.firstMeasurement", lang)}</th>
            <th>{t("report.lastMeasurement", lang)}</th>
          </tr>
        </thead>
        <tbody>
          {wt.rows.map((r) => {
            const fl = r.firstLast;
            const missed = WAVES.some((w) => r.scores[w].nonResponse);
            const first = fl?.first ? r.scores[fl.first.wave] : null;
            return (
              <tr>
                <td class="code">{r.code}</td>
                {fl?.first ? (
                  <ScoreTd value={fl.first.value} band={first ? first.band : null} lang={lang}>
                    <span class="wave">({fl.first.wave})</span>
                  </ScoreTd>
                ) : missed ? (
                  <td class="nr" data-mark="nr">
                    {t("report.nonResponse", lang)}
                  </td>
                ) : (
                  <td />
                )}
                {fl?.last ? (
                  <ScoreTd value={fl.last.value} band={fl.last.band} lang={lang}>
                    <span class="wave">({fl.last.wave})</span>
                    {fl.last.change && <span class="flag">{arrow(fl.last.change)}</span>}
                  </ScoreTd>
                ) : missed && fl?.first ? (
                  <td class="nr" data-mark="nr">
                    {t("report.nonResponse", lang)}
                  </td>
                ) : (
                  <td />
                )}
              </tr>
            );
          })}
          <tr class="mean">
            <td class="code">{t("report.groupMean", lang)}</td>
            <MeanTd cell={wt.groupMean.first} lang={lang} />
            <MeanTd cell={wt.groupMean.last} lang={lang} />
          </tr>
        </tbody>
      </table>
    </>
  );
}

export function FrequentTables({ s, lang }: { s: Summary; lang: Lang }) {
  return (
    <div>
      <p class="small muted">{t("report.fewNote", lang)}</p>
      {s.frequentTables.map((ft) => (
        <Scroll label={ft.label[lang]}>
          <h3>{ft.label[lang]}</h3>
          {/* a pilot item reworded between instrument versions: each version's wording, side by side */}
          {ft.versions && (
            <p class="small muted item-versions">
              {ft.versions.map((v) => `v${v.version}: ${v.text[lang]}`).join(" | ")}
            </p>
          )}
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
                  <td>{fmt(r.min, 2, lang)}</td>
                  <td>{fmt(r.max, 2, lang)}</td>
                  <ScoreTd value={r.mean} band={r.band} lang={lang} />
                  <td>{fmt(r.slopePerMeasurement, 3, lang)}</td>
                  <td>{fmt(r.slopePerDay, 4, lang)}</td>
                  <td>{fmt(r.p, 3, lang)}</td>
                  <td>{r.flag ?? ""}</td>
                </tr>
              ))}
              <tr class="mean">
                <td class="code">{t("report.groupMean", lang)}</td>
                <td>{fmt(ft.groupMean.n, 0, lang)}</td>
                <td />
                <td />
                <ScoreTd value={ft.groupMean.mean} band={ft.groupMean.band} lang={lang} />
                <td />
                <td />
                <td />
                <td />
              </tr>
            </tbody>
          </table>
          <BandRules items={[{ label: ft.label, rule: ft.bandRule }]} lang={lang} />
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
        {t("report.response.median", lang)}: <strong>{fmt(r.medianCompletionMinutes, 1, lang) || "–"}</strong>
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
                    {y.waves[w] === "completed"
                      ? "✓"
                      : y.waves[w] === "missed"
                        ? t("report.nonResponse", lang)
                        : y.waves[w] === "erased"
                          ? t("report.erased", lang)
                          : ""}
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

/** Report table 3.1: fixed fields only; counts below the pilot's minimum cell size shown as "< 3". */
export function BackgroundTables({ s, lang }: { s: Summary; lang: Lang }) {
  const b = s.background;
  if (!b)
    return (
      <p class="muted" id="background-empty">
        {t("report.background.empty", lang)}
      </p>
    );
  const count = (c: { count: number | null; suppressed: boolean }) =>
    c.suppressed ? SMALL(b.minCellSize) : String(c.count);
  return (
    <div id="background">
      <p class="small">N = {b.n}</p>
      {b.numeric.length > 0 && (
        <table id="background-numeric">
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
              <tr data-field={x.field}>
                <td class="code">{x.label[lang]}</td>
                <td>{count(x)}</td>
                <td>{fmt(x.mean, 2, lang)}</td>
                <td>{fmt(x.sd, 2, lang)}</td>
                <td>{fmt(x.min, 0, lang)}</td>
                <td>{fmt(x.max, 0, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {b.categorical.length > 0 && (
        <table id="background-categorical">
          <thead>
            <tr>
              <th class="code">{t("report.background.field", lang)}</th>
              <th>N</th>
            </tr>
          </thead>
          {b.categorical.map((x) => (
            <tbody data-field={x.field}>
              <tr>
                <th class="code" colSpan={2} scope="rowgroup">
                  {x.label[lang]}
                </th>
              </tr>
              {x.counts.map((c) => (
                <tr data-value={c.value}>
                  <td class="code">{c.label[lang]}</td>
                  <td>{count(c)}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      )}
      <p class="small muted">{t("report.smallCell", lang).replaceAll("{n}", String(b.minCellSize))}</p>
    </div>
  );
}

/** Per youth code and frequent indicator her chart (worker/reports/pilot-report.ts plotDataFor). */
export type PlotData = Map<string, Map<string, ChartData>>;
export type CommentData = Map<string, { at: number; instrument: string; item: string; comment: string }[]>;

/** One block per youth: a trend plot per frequent indicator, comments beside them only when given. */
export function YouthPlots({
  s,
  plots,
  comments,
  lang,
}: {
  s: Summary;
  plots: PlotData;
  comments: CommentData | null;
  lang: Lang;
}) {
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
                const chart = plots.get(y.code)?.get(ft.indicator);
                if (!chart) return null;
                return (
                  <TrendPlot
                    chart={chart}
                    title={`${y.code} · ${ft.label[lang]}`}
                    lang={lang}
                    caption={`${ft.label[lang]}: ${fmt(row.mean, 2, lang)}${row.flag ? ` ${row.flag}` : ""}`}
                  />
                );
              })}
            {[
              // wave totals with reliable-change marks (plotDataFor draws them from two waves on)
              ...s.waveTables.map((wt) => ({
                chart: plots.get(y.code)?.get(`wave:${wt.instrument}.${wt.subscale}`),
                label: wt.label,
              })),
              // then her series of each wave instrument asked at its own interval
              ...[...(plots.get(y.code) ?? [])]
                .filter(([k]) => k.startsWith("series:"))
                .map(([k, chart]) => ({ chart, label: chart.label ?? { nl: k, en: k } })),
            ].map(
              ({ chart, label }) =>
                chart && (
                  <TrendPlot chart={chart} title={`${y.code} · ${label[lang]}`} lang={lang} caption={label[lang]} />
                ),
            )}
          </div>
          {comments && (comments.get(y.code)?.length ?? 0) > 0 && (
            <ul class="comments" aria-label={t("report.comments", lang)}>
              {comments.get(y.code)!.map((c) => (
                <li>
                  {formatDate(c.at, s.pilot.timezone, lang)} · {c.instrument}.{c.item}: <q>{c.comment}</q>
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
    // axe's rule scrollable-region-focusable:
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable
    // biome-ignore lint/a11y/useSemanticElements: a named region div, not a document section; CSS styles div.scroll
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
  background: {
    title: "report.background",
    body: ({ s, lang }: SectionProps) => <BackgroundTables s={s} lang={lang} />,
  },
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
