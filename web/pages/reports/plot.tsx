// An inline SVG trend plot of one youth's frequent indicator: points over days since the pilot start on
// the 0–10 scale, the colour bands of report table 2.3 behind them, and the Theil-Sen line when there
// are enough measurements for a slope. No script, no external asset: it prints and exports as is.
import { median } from "../../../worker/analysis/stats";

export type PlotPoint = { day: number; value: number };

const W = 240;
const H = 110;
const PAD = { l: 22, r: 6, t: 6, b: 16 };

export function TrendPlot({ points, slopePerDay, title, scaleMax = 10, banded = true }: { points: PlotPoint[]; slopePerDay: number | null; title: string; scaleMax?: number; banded?: boolean }) {
  const maxDay = Math.max(1, ...points.map((p) => p.day));
  const minDay = Math.min(0, ...points.map((p) => p.day));
  const x = (d: number) => PAD.l + ((d - minDay) / (maxDay - minDay)) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - v / scaleMax) * (H - PAD.t - PAD.b);
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "0");
  let line: { x1: number; y1: number; x2: number; y2: number } | null = null;
  if (slopePerDay !== null && points.length >= 2) {
    // Theil-Sen intercept: the median of y − slope·x (Sen 1968), drawn over the observed days.
    const b = median(points.map((p) => p.value - slopePerDay * p.day))!;
    const d0 = Math.min(...points.map((p) => p.day));
    const d1 = Math.max(...points.map((p) => p.day));
    const clamp = (v: number) => Math.max(0, Math.min(scaleMax, v));
    line = { x1: x(d0), y1: y(clamp(b + slopePerDay * d0)), x2: x(d1), y2: y(clamp(b + slopePerDay * d1)) };
  }
  const sorted = [...points].sort((a, b) => a.day - b.day);
  // Built as one string: a report for 1,000 youths has 7,000 plots, and rendering each circle and label
  // as a virtual-DOM node took seconds. Only numbers and the escaped title go into it.
  const inner: string[] = [`<title>${escapeXml(title)}</title>`];
  if (banded) {
    const w = W - PAD.l - PAD.r;
    inner.push(
      `<g><rect x="${PAD.l}" y="${f(y(10))}" width="${w}" height="${f(y(7) - y(10))}" fill="#d9f2dc"/><rect x="${PAD.l}" y="${f(y(7))}" width="${w}" height="${f(y(5) - y(7))}" fill="#fdf3c4"/><rect x="${PAD.l}" y="${f(y(5))}" width="${w}" height="${f(y(0) - y(5))}" fill="#fbdde6"/></g>`,
    );
  }
  inner.push(
    `<g font-size="8" fill="#444">${[0, 5, 10].map((v) => `<text x="${PAD.l - 3}" y="${f(y(v) + 3)}" text-anchor="end">${v}</text>`).join("")}<text x="${PAD.l}" y="${H - 4}">${Math.round(minDay)}</text><text x="${W - PAD.r}" y="${H - 4}" text-anchor="end">${Math.round(maxDay)} d</text></g>`,
    `<rect x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${H - PAD.t - PAD.b}" fill="none" stroke="#999" stroke-width="0.5"/>`,
  );
  if (sorted.length > 1) inner.push(`<polyline points="${sorted.map((p) => `${f(x(p.day))},${f(y(p.value))}`).join(" ")}" fill="none" stroke="#5b6473" stroke-width="0.8"/>`);
  for (const p of sorted) inner.push(`<circle class="pt" cx="${f(x(p.day))}" cy="${f(y(p.value))}" r="2" fill="#1d2330"/>`);
  if (line) inner.push(`<line class="trend" x1="${f(line.x1)}" y1="${f(line.y1)}" x2="${f(line.x2)}" y2="${f(line.y2)}" stroke="#2f6f73" stroke-width="1.6"/>`);
  return <svg class="plot" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={title} xmlns="http://www.w3.org/2000/svg" dangerouslySetInnerHTML={{ __html: inner.join("") }} />;
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
