import { t, type Lang } from "../i18n/messages";

export type PlotPoint = { day: number; value: number };

/**
 * A small inline SVG plot of one indicator over time (no script, no external assets): points joined by a
 * line, the y axis fixed to the scale so plots of different youths compare at a glance.
 */
export function TrendPlot({ id, title, points, min = 0, max = 10, trend, lang = "nl", highlight }: { id: string; title: string; points: PlotPoint[]; min?: number; max?: number; trend?: "up" | "down" | null; lang?: Lang; /** days of points that are a staff signal's evidence: drawn larger, in red, marked data-evidence */ highlight?: readonly number[] }) {
  const W = 240, H = 80, pad = 6;
  const days = points.map((p) => p.day);
  const d0 = Math.min(...days, 0), d1 = Math.max(...days, d0 + 1);
  const x = (d: number) => pad + ((d - d0) / (d1 - d0)) * (W - 2 * pad);
  const y = (v: number) => H - pad - ((v - min) / (max - min)) * (H - 2 * pad);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.day).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  const label = `${title}${trend ? ` (${t(trend === "up" ? "staff.trend.up" : "staff.trend.down", lang)})` : ""}`;
  return (
    <figure id={id}>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <rect x="0" y="0" width={W} height={H} fill="#fbfbfa" stroke="#d9dde3" />
        <line x1={pad} x2={W - pad} y1={y((min + max) / 2)} y2={y((min + max) / 2)} stroke="#e3e6ea" stroke-dasharray="3 3" />
        {points.length > 1 && <path d={path} fill="none" stroke="#2f6f73" stroke-width="1.5" />}
        {points.map((p) =>
          highlight?.includes(p.day) ? (
            <circle cx={x(p.day).toFixed(1)} cy={y(p.value).toFixed(1)} r="4.5" fill="#b3261e" stroke="#ffffff" data-evidence="1" />
          ) : (
            <circle cx={x(p.day).toFixed(1)} cy={y(p.value).toFixed(1)} r="2.5" fill="#2f6f73" />
          ),
        )}
      </svg>
      <figcaption>
        {label} · n = {points.length}
      </figcaption>
    </figure>
  );
}
