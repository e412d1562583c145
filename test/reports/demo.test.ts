// The demo study's four pilots show their integral tables and every download works on realistic data
// (missing waves, left care, comments, skipped items) — what `npm start` shows a newcomer.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_PILOTS, seedDemo } from "../../worker/demo/seed";
import { asObjects, parseCsv } from "../support/csv";
import { devAdmin } from "../support/staff";

const get = (path: string) => exports.default.fetch(`http://questionnaire.localhost${path}`, { headers: devAdmin() });

beforeAll(async () => {
  await seedDemo(env.DB, env, Date.now());
});

describe("demo pilots", () => {
  it.each(DEMO_PILOTS.map((p) => [p.key, p.youths] as [string, number]))(
    "%s: integral table with %i youths, coloured, plus every download",
    async (key, youths) => {
      const page = await get(`/reports/pilots/${key}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const table = html.slice(
        html.indexOf('id="integral-table"'),
        html.indexOf("</table>", html.indexOf('id="integral-table"')),
      );
      expect(table.match(/<tr>/g)!.length).toBe(youths + 1); // header + youths (the group-mean row has a class)
      expect(table).toContain('class="mean"');
      expect(table).toMatch(/class="b-(high|middle|low)"/);
      expect(table).toMatch(/\((T2|T3)\)/); // some youths have a later wave
      expect(html.match(/<section class="youth"/g)!.length).toBe(youths);

      const wide = asObjects(parseCsv(await (await get(`/api/v1/pilots/${key}/summary/wide.csv`)).text()));
      expect(wide.length).toBe(youths);
      expect(wide.every((r) => /^DEMO-/.test(r.participant_code!))).toBe(true);
      const report = await (await get(`/api/v1/pilots/${key}/summary/report.html`)).text();
      expect(report).toContain('id="integral-table"');
      expect(report).toContain('class="nr"'); // missing waves are non-response
      const answers = parseCsv(await (await get(`/api/v1/pilots/${key}/summary/answers.csv`)).text());
      expect(answers.length).toBeGreaterThan(youths * 10);
      expect(answers[0]).not.toContain("comment");
      const withComments = await (await get(`/api/v1/pilots/${key}/summary/report.html?comments=1`)).text();
      expect(withComments.length).toBeGreaterThanOrEqual(report.length);
    },
  );

  it("the all-pilots view lists the four pilots", async () => {
    const html = await (await get("/reports")).text();
    for (const p of DEMO_PILOTS) expect(html).toContain(`data-pilot="${p.key}"`);
  });
});
