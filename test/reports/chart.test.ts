// The one trend chart (issue 16 item 7): web/components/TrendPlot.tsx drawn from worker/analysis/plot.ts, the same
// chart with the same points for the same youth on the workspace youth page, the coordinator pilot page and
// report.html; and the component's own markup (escaping, decimal comma, band letters, RCI marks, text alternative).
import { exports } from "cloudflare:workers";
import { renderToString } from "preact-render-to-string";
import { beforeAll, describe, expect, it } from "vitest";
import { trendChart } from "../../worker/analysis/plot";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { TrendPlot } from "../../web/components/TrendPlot";
import { BASE, call } from "../support/http";
import { apiToken, devAdmin, sessionFor, staffUser } from "../support/staff";
import { addHistory, makeParticipant, makePilot, addWave } from "../support/study";

const get = async (path: string, headers: Record<string, string>) =>
  (await exports.default.fetch(`${BASE}${path}`, { headers })).text();

/** Every trend chart in a page: its accessible name and its data-points. */
const chartsIn = (html: string) =>
  [...html.matchAll(/<svg [^>]*data-chart="trend"[^>]*>/g)].map((m) => ({
    label: /aria-label="([^"]*)"/.exec(m[0])![1]!,
    points: /data-points="([^"]*)"/.exec(m[0])?.[1] ?? "", // an empty chart renders a bare attribute
    waves: /data-waves="([^"]*)"/.exec(m[0])?.[1] ?? "",
  }));

describe("one chart on every page", () => {
  let pilot: { id: number; key: string };
  let code = "";
  beforeAll(async () => {
    const made = await makePilot({ key: "fier", settings: { waveInstruments: ["gcir"] } });
    pilot = made.pilot;
    const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -200);
    const youth = await makeParticipant(pilot.id, { code: "FIER-CH1", start });
    code = youth.code;
    await addHistory(youth.id, made.versions, start, [3, 4.5, 5, 6, 6.5, 8]);
    await addWave(youth.id, made.versions, start, "T1", { gcir: 1 });
    await addWave(youth.id, made.versions, start, "T2", { gcir: 5 });
    const r = await exports.default.fetch(`${BASE}/api/v1/pilots/${pilot.key}/recompute`, {
      method: "POST",
      body: "{}",
      headers: { ...devAdmin(), "content-type": "application/json" },
    });
    expect(r.status).toBe(200);
  });

  it(
    "the workspace youth page, the coordinator pilot page and " +
      "report.html draw the same points and the Theil-Sen line",
    async () => {
      const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const workspace = await (await call(researcher, "GET", `/staff/pilots/${pilot.key}/youths/${code}`)).text();
      const coordinator = await get(
        `/reports/pilots/${pilot.key}`,
        (await apiToken("coordinator", [pilot.id])).headers,
      );
      const report = await get(`/api/v1/pilots/${pilot.key}/summary/report.html`, devAdmin());

      const ws = chartsIn(workspace).find((c) => c.label === "Welzijn")!;
      const co = chartsIn(coordinator).find((c) => c.label === `${code} · Welzijn`)!;
      const rp = chartsIn(report).find((c) => c.label === `${code} · Welzijn`)!;
      expect(ws.points.split(" ")).toHaveLength(6);
      expect(ws.points).toMatch(/^0:3 14:4\.5 28:5 /);
      expect(co.points).toBe(ws.points);
      expect(rp.points).toBe(ws.points);
      // one component: the same figure, band letters and line on all three
      for (const html of [workspace, coordinator, report]) {
        expect(html).toContain('class="trend"');
        expect(html).toMatch(/<g class="bands">/);
        expect(html).not.toMatch(/<text[^>]*>[^<]*\d\.\d[^<]*<\/text>/); // decimal comma in the Dutch labels
        expect(html).toMatch(/<figcaption>[^<]*n = 6 · [^<]*laatste 8,00 \(H\)/);
      }
      // her GCI-R total over two waves, with the reliable change between them, the same on all three
      const waveCharts = [workspace, coordinator, report].map((html) => chartsIn(html).filter((c) => c.waves));
      for (const w of waveCharts) expect(w).toHaveLength(1);
      const [wsW, coW, rpW] = waveCharts.map((w) => w[0]!.waves);
      expect(wsW).toMatch(/^T1:0:[\d.]+:\S* T2:182:[\d.]+:(improved|deteriorated)$/);
      expect(coW).toBe(wsW);
      expect(rpW).toBe(wsW);
      for (const html of [workspace, coordinator, report])
        expect(html).toMatch(/<text class="rci" data-change="(improved|deteriorated)"/);
    },
  );
});

describe("her series of a wave instrument asked at its own interval (TASC every 8 weeks)", () => {
  it("the workspace youth page, the coordinator pilot page and report.html draw the same series chart", async () => {
    const { pilot, versions } = await makePilot({
      settings: { waveInstruments: ["tasc"], schedule: { waveSchedules: { tasc: { everyWeeks: 8 } } } },
    });
    const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -140);
    const youth = await makeParticipant(pilot.id, { start });
    const other = await makeParticipant(pilot.id, { start }); // T1 only: no series chart
    for (const y of [youth, other]) await addWave(y.id, versions, start, "T1", { tasc: 3 });
    await addWave(youth.id, versions, start, { week: 8 }, { tasc: 2.5 });
    await addWave(youth.id, versions, start, { week: 16 }, { tasc: 2 });
    const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const page = async (code: string) =>
      (await call(researcher, "GET", `/staff/pilots/${pilot.key}/youths/${code}`)).text();
    const coordinator = await get(`/reports/pilots/${pilot.key}`, (await apiToken("coordinator", [pilot.id])).headers);
    const report = await get(`/api/v1/pilots/${pilot.key}/summary/report.html`, devAdmin());
    const label = "Vragenlijst over jouw begeleider · Totaal, alle metingen";
    const points = "0:3 56:2.5 112:2";
    expect(chartsIn(await page(youth.code))).toEqual([{ label, points, waves: "" }]);
    for (const html of [coordinator, report]) {
      expect(chartsIn(html).filter((c) => c.label.includes(label))).toEqual([
        { label: `${youth.code} · ${label}`, points, waves: "" },
      ]);
    }
    expect(chartsIn(await page(other.code))).toEqual([]);
  });
});

describe("TrendPlot", () => {
  it("escapes the title and draws one circle per point and the Theil-Sen line", () => {
    const chart = trendChart({ points: [0, 1, 2, 3, 4].map((i) => ({ day: 14 * i, value: 2 + i })) });
    const html = renderToString(TrendPlot({ chart, title: `<script>"x"&'y'</script>` }));
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;");
    expect(html.match(/<circle /g)!.length).toBe(5);
    expect(html).toContain('class="trend"');
    expect(html).toMatch(/<svg [^>]*role="img"/);
    expect(html).toContain("<desc>");
    expect(html).toContain("dag 14: 3,00");
    const none = renderToString(TrendPlot({ chart: trendChart({ points: [] }), title: "leeg" }));
    expect(none).not.toContain("<circle");
    expect(none).not.toContain("NaN");
    expect(none).toContain("nog geen metingen");
  });

  it("bands carry a letter, evidence points are highlighted, labels use the decimal comma", () => {
    const chart = trendChart({
      points: [
        { day: 0, value: 6.25 },
        { day: 7, value: 4 },
      ],
      cutoffs: { high: 7.5, low: 4.5 },
    });
    const html = renderToString(TrendPlot({ chart, title: "x", highlight: [7] }));
    for (const b of ["high", "middle", "low"]) expect(html).toContain(`data-band="${b}"`);
    expect(html).toMatch(/>H<\/text>/);
    expect(html).toMatch(/>G<\/text>/);
    expect(html).toMatch(/>L<\/text>/);
    expect(html).toMatch(/>7,5<\/text>/);
    expect(html).toMatch(/>4,5<\/text>/);
    expect(html.match(/data-evidence="1"/g)).toHaveLength(1);
    expect(html).not.toContain('class="trend"'); // two points: no line
    const en = renderToString(TrendPlot({ chart, title: "x", lang: "en" }));
    expect(en).toMatch(/>7\.5<\/text>/);
    expect(en).toMatch(/>M<\/text>/);
  });

  it("marks reliable change on wave scores with a sign and words, not only colour", () => {
    const chart = trendChart({
      points: [],
      scale: { min: 1, max: 5 },
      cutoffs: null,
      waves: [
        { wave: "T1", day: 0, value: 2 },
        { wave: "T2", day: 120, value: 4.5 },
      ],
      norm: { sd: 0.5, reliability: 0.9, higherIsBetter: true },
    });
    const html = renderToString(TrendPlot({ chart, title: "GCI-R" }));
    expect(html.match(/class="wave"/g)).toHaveLength(2);
    expect(html).toMatch(/<text class="rci" data-change="improved"[^>]*>\+<\/text>/);
    expect(html).toContain("T2 4,50 betrouwbaar verbeterd");
    expect(html).not.toContain('<g class="bands">');
  });
});
