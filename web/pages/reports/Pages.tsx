// Coordinator pages: per pilot the integral table in colour with a plot per youth, and an all-pilots
// overview for the project coordinator. Server-rendered, no script; texts from the catalogue.
import type { ComponentChildren } from "preact";
import type { Summary } from "../../../worker/reports/summary";
import { StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { STAFF_CSS } from "../../components/staff-css";
import { t, type Lang } from "../../../core/i18n/messages";
import { IntegralTable, Legend, REPORT_CSS, Section, SummarySections, type PlotData } from "./SummaryView";

/** The workspace's styles plus the report tables' (later rules win where both style an element). */
export const REPORT_PAGE_CSS = `${STAFF_CSS}\n${REPORT_CSS}`;

function Shell({
  lang,
  title,
  user,
  children,
}: {
  lang: Lang;
  title: string;
  user: StaffUser;
  children: ComponentChildren;
}) {
  return (
    <StaffLayout lang={lang} title={title} user={user} css={REPORT_PAGE_CSS}>
      {children}
    </StaffLayout>
  );
}

/** The downloads of a pilot; the report with comments only for whom may include them (researchers, admins). */
export const downloadLinks = (pilotKey: string, canComments = false) => {
  const base = `/api/v1/pilots/${encodeURIComponent(pilotKey)}/summary`;
  const links = [
    { id: "dl-xlsx", key: "report.download.xlsx", href: `${base}/wide.xlsx` },
    { id: "dl-indicators", key: "report.download.indicators", href: `${base}/indicators.csv` },
    { id: "dl-wide", key: "report.download.wide", href: `${base}/wide.csv` },
    { id: "dl-codebook", key: "report.download.codebook", href: `${base}/codebook.csv` },
    { id: "dl-sps", key: "report.download.sps", href: `${base}/wide.sps` },
    { id: "dl-r", key: "report.download.r", href: `${base}/wide.R` },
    { id: "dl-answers", key: "report.download.answers", href: `${base}/answers.csv` },
    { id: "dl-answers-codebook", key: "report.download.answersCodebook", href: `${base}/answers-codebook.csv` },
    { id: "dl-report", key: "report.download.html", href: `${base}/report.html` },
    { id: "dl-report-comments", key: "report.download.htmlComments", href: `${base}/report.html?comments=1` },
  ] as const;
  return links.filter((l) => canComments || l.id !== "dl-report-comments");
};

export function PilotReportPage({
  s,
  plots,
  lang = "nl",
  showAllLink,
  canComments = false,
  user,
}: {
  s: Summary;
  plots: PlotData;
  lang?: Lang;
  showAllLink: boolean;
  canComments?: boolean;
  user: StaffUser;
}) {
  return (
    <Shell lang={lang} user={user} title={`${t("report.title", lang)} · ${s.pilot.name}`}>
      {showAllLink && (
        <p class="noprint">
          <a href="/reports" id="all-pilots-link">
            ← {t("report.allPilots", lang)}
          </a>
        </p>
      )}
      <h1>
        {t("report.title", lang)} · {s.pilot.name} <span class="muted">({s.pilot.organisation})</span>
      </h1>
      <p class="small muted">
        {t("report.youths", lang)}: {s.participantCount} · {t("report.codesOnly", lang)}
      </p>
      <nav class="downloads noprint" aria-label={t("report.downloads", lang)}>
        <strong>{t("report.downloads", lang)}:</strong>{" "}
        {downloadLinks(s.pilot.key, canComments).map((d) => (
          <a id={d.id} href={d.href}>
            {t(d.key, lang)}
          </a>
        ))}
      </nav>
      <SummarySections
        s={s}
        plots={plots}
        comments={null}
        lang={lang}
        order={["integral", "background", "plots", "response", "waves", "frequent"]}
      />
    </Shell>
  );
}

export function AllPilotsPage({
  summaries,
  lang = "nl",
  user,
}: {
  summaries: Summary[];
  lang?: Lang;
  user: StaffUser;
}) {
  return (
    <Shell lang={lang} user={user} title={t("report.allPilots", lang)}>
      <h1>{t("report.allPilots", lang)}</h1>
      <p class="small muted">{t("report.codesOnly", lang)}</p>
      <Legend lang={lang} />
      <table id="pilots-overview">
        <thead>
          <tr>
            <th class="code">{t("report.pilot", lang)}</th>
            <th>{t("report.youths", lang)}</th>
            <th>T1</th>
            <th>T2</th>
            <th>T3</th>
            <th>{t("report.response.frequentDone", lang)}</th>
          </tr>
        </thead>
        <tbody>
          {summaries.map((s) => {
            const sched = s.response.perYouth.reduce((a, y) => a + y.scheduled, 0);
            const done = s.response.perYouth.reduce((a, y) => a + y.completed, 0);
            return (
              <tr data-pilot={s.pilot.key}>
                <td class="code">
                  <a href={`/reports/pilots/${encodeURIComponent(s.pilot.key)}`}>{s.pilot.name}</a>
                </td>
                <td>{s.participantCount}</td>
                {s.response.perWave.map((w) => (
                  <td>{`${w.completed}/${w.invited}`}</td>
                ))}
                <td>{`${done}/${sched}`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {summaries.map((s) => (
        <Section id={`pilot-${s.pilot.key}`} title={`${s.pilot.name} (${s.pilot.organisation})`}>
          <IntegralTable s={s} lang={lang} />
        </Section>
      ))}
    </Shell>
  );
}
