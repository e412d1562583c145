// The downloadable, self-contained HTML report: inline CSS and SVG only, a CSP that forbids loading
// anything, print CSS for A4 landscape. Comments appear only when the coordinator asked for them.
import type { Summary } from "../../../worker/reports/summary";
import { formatDateTime } from "../../../core/format";
import { Head } from "../../components/Head";
import { t, type Lang } from "../../../core/i18n/messages";
import { REPORT_CSS, SummarySections, type CommentData, type PlotData } from "./SummaryView";

export function ReportDocument({
  s,
  plots,
  comments,
  generatedAt,
  lang = "nl",
}: {
  s: Summary;
  plots: PlotData;
  comments: CommentData | null;
  generatedAt: number;
  lang?: Lang;
}) {
  const generated = formatDateTime(generatedAt, s.pilot.timezone, lang);
  return (
    <html lang={lang}>
      <Head title={`${t("report.title", lang)} · ${s.pilot.name}`} css={REPORT_CSS} referrer="no-referrer">
        {/* a saved file has no server headers: the document itself forbids loading anything */}
        <meta
          http-equiv="Content-Security-Policy"
          content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        />
      </Head>
      <body>
        <main>
          <h1>
            {t("report.title", lang)} · {s.pilot.name} <span class="muted">({s.pilot.organisation})</span>
          </h1>
          <p class="small muted">
            {t("report.generated", lang)} {generated} ({s.pilot.timezone}) · {t("report.youths", lang)}:{" "}
            {s.participantCount} · {t("report.codesOnly", lang)}
          </p>
          <SummarySections
            s={s}
            plots={plots}
            comments={comments}
            lang={lang}
            order={["integral", "background", "response", "waves", "frequent", "plots"]}
          />
        </main>
      </body>
    </html>
  );
}
