// The one trend chart of a youth's indicator (issue 16 item 7), drawn from worker/analysis/plot.ts's trendChart
// on the workspace youth page, the coordinator pages and the HTML report. Inline SVG, no script, no external
// asset: it prints and exports as is. Bands carry a letter as well as a colour; numbers use the decimal comma.
import type { ComponentChildren } from "preact";
import type { ChartData } from "../../worker/analysis/plot";
import { formatNumber } from "../../core/format";
import { t, type Lang } from "../../core/i18n/messages";

const W = 240;
const H = 110;
const PAD = { l: 22, r: 14, t: 10, b: 16 };
const BAND_FILL = { high: "#d9f2dc", middle: "#fdf3c4", low: "#fbdde6" } as const;

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

const num = (v: number, lang: Lang) => formatNumber(v, Number.isInteger(v) ? 0 : 1, lang);

/** The chart's points as "day:value" pairs, for tests and tools that compare charts across pages. */
export const chartPointsAttr = (c: ChartData) => c.points.map((p) => `${p.day}:${p.value}`).join(" ");
/** The chart's wave scores as "wave:day:value:change" (change empty when none). */
const chartWavesAttr = (c: ChartData) =>
  c.waves.map((w) => `${w.wave}:${w.day}:${w.value}:${w.change ?? ""}`).join(" ") || undefined;

/** A short summary for the caption: n, the trend, the last score with its band letter, reliable changes. */
export function chartSummary(c: ChartData, lang: Lang): string {
  if (!c.points.length && !c.waves.length) return t("chart.empty", lang);
  const parts: string[] = [];
  if (c.points.length) parts.push(`n = ${c.points.length}`);
  if (c.trend) parts.push(t(c.trend === "up" ? "staff.trend.up" : "staff.trend.down", lang));
  const last = c.points[c.points.length - 1];
  if (last) {
    const band = last.band ? ` (${t(`report.bandLetter.${last.band}`, lang)})` : "";
    parts.push(`${t("chart.last", lang)} ${formatNumber(last.value, 2, lang)}${band}`);
  }
  for (const w of c.waves)
    parts.push(`${w.wave} ${formatNumber(w.value, 2, lang)}${w.change ? ` ${t(`chart.${w.change}`, lang)}` : ""}`);
  return parts.join(" · ");
}

/**
 * Built as one string: a report for 1,000 youths has 7,000 charts, and rendering each circle and label as a
 * virtual-DOM node took seconds. Only numbers, message texts and the escaped title go into it.
 */
function svgInner(c: ChartData, title: string, lang: Lang, highlight: readonly number[] | undefined): string {
  const { min, max } = c.scale;
  const { from, to } = c.days;
  const x = (d: number) => PAD.l + ((d - from) / (to - from)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - (v - min) / (max - min)) * (H - PAD.t - PAD.b);
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "0");
  const day = t("chart.day", lang);
  // Every point and wave for a reader without the picture; the caption below the chart holds the summary.
  const desc =
    [
      c.points.map((p) => `${day} ${p.day}: ${formatNumber(p.value, 2, lang)}`).join("; "),
      c.waves.map((wv) => `${wv.wave} (${day} ${wv.day}): ${formatNumber(wv.value, 2, lang)}`).join("; "),
      c.line ? t("chart.line", lang) : "",
    ]
      .filter(Boolean)
      .join(". ") || t("chart.empty", lang);
  const out: string[] = [`<title>${escapeXml(title)}</title><desc>${escapeXml(desc)}</desc>`];
  const w = W - PAD.l - PAD.r;
  if (c.bands) {
    const { high, low } = c.bands;
    const rows: [keyof typeof BAND_FILL, number, number][] = [
      ["high", max, high],
      ["middle", high, low],
      ["low", low, min],
    ];
    out.push(`<g class="bands">`);
    for (const [b, top, bottom] of rows) {
      if (top <= bottom) continue;
      out.push(
        `<rect x="${PAD.l}" y="${f(y(top))}" width="${w}" ` +
          `height="${f(y(bottom) - y(top))}" fill="${BAND_FILL[b]}" data-band="${b}"/>`,
        `<text x="${W - PAD.r + 2}" y="${f((y(top) + y(bottom)) / 2 + 3)}" ` +
          `font-size="8" fill="#444">${escapeXml(t(`report.bandLetter.${b}`, lang))}</text>`,
      );
    }
    out.push(`</g>`);
  }
  const ticks = [min, ...(c.bands ? [c.bands.low, c.bands.high] : []), max].filter((v) => v >= min && v <= max);
  const tickLabels = [...new Set(ticks)]
    .map((v) => `<text x="${PAD.l - 3}" y="${f(y(v) + 3)}" text-anchor="end">${num(v, lang)}</text>`)
    .join("");
  out.push(
    `<g font-size="8" fill="#444">${tickLabels}`,
    `<text x="${PAD.l}" y="${H - 4}">${day} ${Math.round(from)}</text><text ` +
      `x="${W - PAD.r}" y="${H - 4}" text-anchor="end">${Math.round(to)}</text></g>`,
    `<rect x="${PAD.l}" y="${PAD.t}" width="${w}" height="${H - PAD.t - PAD.b}" ` +
      `fill="none" stroke="#999" stroke-width="0.5"/>`,
  );
  if (c.points.length > 1) {
    out.push(
      `<polyline points="${c.points.map((p) => `${f(x(p.day))},${f(y(p.value))}`).join(" ")}" ` +
        `fill="none" stroke="#5b6473" stroke-width="0.8"/>`,
    );
  }
  for (const p of c.points) {
    out.push(
      highlight?.includes(p.day)
        ? `<circle class="pt" cx="${f(x(p.day))}" cy="${f(y(p.value))}" ` +
            `r="4.5" fill="#b3261e" stroke="#ffffff" data-evidence="1"/>`
        : `<circle class="pt" cx="${f(x(p.day))}" cy="${f(y(p.value))}" r="2" fill="#1d2330"/>`,
    );
  }
  if (c.line) {
    const { from: a, to: b } = c.line;
    out.push(
      `<line class="trend" x1="${f(x(a.day))}" y1="${f(y(a.value))}" ` +
        `x2="${f(x(b.day))}" y2="${f(y(b.value))}" stroke="#2f6f73" stroke-width="1.6"/>`,
    );
  }
  if (c.waves.length > 1) {
    out.push(
      `<polyline points="${c.waves.map((wv) => `${f(x(wv.day))},${f(y(wv.value))}`).join(" ")}" ` +
        `fill="none" stroke="#5b6473" stroke-width="0.8" stroke-dasharray="3 2"/>`,
    );
  }
  for (const wv of c.waves) {
    const cx = x(wv.day),
      cy = y(wv.value);
    // a wave of a staff signal's evidence: filled red (its evidence points are red too), larger
    const evidence = highlight?.includes(wv.day);
    const r = evidence ? 5 : 4;
    out.push(
      `<path class="wave" d="M${f(cx)},${f(cy - r)} L${f(cx + r)},${f(cy)} L${f(cx)},${f(cy + r)} ` +
        `L${f(cx - r)},${f(cy)} Z" ` +
        (evidence ? `fill="#b3261e" stroke="#ffffff" data-evidence="1"/>` : `fill="#ffffff" stroke="#1d2330"/>`),
      `<text x="${f(cx)}" y="${f(Math.max(PAD.t - 1, cy - 6))}" font-size="7" ` +
        `text-anchor="middle" fill="#444">${escapeXml(wv.wave)}</text>`,
    );
    if (wv.change) {
      // The mark is a sign as well as a colour: + reliably improved, − reliably deteriorated.
      const sign = wv.change === "improved" ? "+" : "−";
      out.push(
        `<text class="rci" data-change="${wv.change}" x="${f(cx + 6)}" y="${f(cy + 3)}" font-size="9" ` +
          `font-weight="bold" fill="${wv.change === "improved" ? "#1b6e2a" : "#b3261e"}">${sign}</text>`,
      );
    }
  }
  return out.join("");
}

/** One chart: a figure with the SVG (title, description with every point) and a caption that summarises it. */
export function TrendPlot({
  id,
  title,
  chart,
  lang = "nl",
  highlight,
  caption,
}: {
  id?: string;
  title: string;
  chart: ChartData;
  lang?: Lang;
  /** days of points that are a staff signal's evidence: drawn larger, in red, marked data-evidence */
  highlight?: readonly number[];
  /** shown before the summary in the caption (the report's mean and flag) */
  caption?: ComponentChildren;
}) {
  return (
    <figure id={id}>
      <svg
        class="plot"
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={title}
        xmlns="http://www.w3.org/2000/svg"
        data-chart="trend"
        data-points={chartPointsAttr(chart)}
        data-waves={chartWavesAttr(chart)}
        dangerouslySetInnerHTML={{ __html: svgInner(chart, title, lang, highlight) }}
      />
      <figcaption>
        {caption ?? title}
        {" · "}
        {chartSummary(chart, lang)}
      </figcaption>
    </figure>
  );
}
