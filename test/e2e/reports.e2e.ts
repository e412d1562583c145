// Issue #3 in a real browser: coordinators sign in, see the integral table of each demo pilot and
// download every format; each file is parsed and checked.
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { launchBrowser, parseCsv, signIn, stack } from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const DEMO = { fier: 12, gezinshuizen: 8, sterkhuis: 8, viajeugd: 5 } as const;

async function download(page: Page, linkId: string) {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(`#${linkId}`)]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: await readFile(path!) };
}

describe("coordinator summaries in the browser", () => {
  it("the project coordinator sees every pilot's integral table in colour", async () => {
    const context = await browser.newContext();
    const { page } = await signIn(context, "projectcoordinator@demo.invalid");
    await page.goto(`${stack().url}/reports`);
    for (const [pilot, youths] of Object.entries(DEMO)) {
      await page.goto(`${stack().url}/reports/pilots/${pilot}`);
      const table = page.locator("#integral-table");
      await expect.poll(() => table.isVisible()).toBe(true);
      // one row per youth plus the group-mean row; the demo's youths are all there (a browser test that ran
      // earlier may have enrolled one more youth in this pilot: the file order is not fixed)
      const codes = await table.locator("tbody tr td.code").allTextContents();
      expect(await table.locator("tbody tr").count()).toBe(codes.length);
      expect(codes.filter((c) => /^DEMO-[A-Z]{3}-\d{2}$/.test(c))).toHaveLength(youths);
      expect(codes.at(-1)).toMatch(/gemiddelde/i);
      // colour bands are painted (a cell's background is not transparent), and the legend explains them
      const painted = await table
        .locator("td")
        .evaluateAll((tds) => tds.filter((td) => getComputedStyle(td).backgroundColor !== "rgba(0, 0, 0, 0)").length);
      expect(painted).toBeGreaterThan(youths);
      expect(await page.locator("#legend").isVisible()).toBe(true);
      // …and readable without colour (issue 16): in print and with forced colours every banded cell shows its letter
      for (const media of [{ media: "print" as const }, { forcedColors: "active" as const }]) {
        await page.emulateMedia(media);
        const letters = await table.locator("td[data-band]").evaluateAll((tds) =>
          tds
            .filter((td) => td.getAttribute("data-band"))
            .map((td) => {
              const bl = td.querySelector(".bl") as HTMLElement | null;
              return bl && bl.offsetWidth > 0 && getComputedStyle(bl).visibility !== "hidden" ? bl.textContent : null;
            }),
        );
        expect(letters.length).toBeGreaterThan(youths);
        expect(
          letters.every((l) => l === "H" || l === "G" || l === "L"),
          JSON.stringify(media),
        ).toBe(true);
      }
      await page.emulateMedia({ media: "screen", forcedColors: "none" });
      expect(await page.locator("#plots svg").count()).toBeGreaterThanOrEqual(youths);
    }
    await context.close();
  });

  it("a pilot coordinator downloads every format and each one checks out", async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const { page } = await signIn(context, "coordinator.fier@demo.invalid");
    await page.goto(`${stack().url}/reports/pilots/fier`);

    const indicators = await download(page, "dl-indicators");
    expect([...indicators.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const ind = parseCsv(indicators.bytes.toString("utf8"));
    expect(ind[0]).toEqual([
      "participant_code",
      "indicator",
      "n",
      "mean",
      "min",
      "max",
      "slope_per_measurement",
      "slope_per_day",
      "kendall_s",
      "mk_p",
      "trend",
      "band",
    ]);
    const body = ind.slice(1).filter((r) => r.length > 1);
    expect(new Set(body.map((r) => r[0])).size).toBe(DEMO.fier);
    for (const r of body) {
      expect(r).toHaveLength(12);
      if (r[3] !== "") expect(Number(r[3])).toBeGreaterThanOrEqual(0), expect(Number(r[3])).toBeLessThanOrEqual(10);
      expect(["", "up", "down"]).toContain(r[10]);
      if (r[9] !== "") expect(Number(r[9])).toBeGreaterThanOrEqual(0), expect(Number(r[9])).toBeLessThanOrEqual(1);
    }

    const wide = parseCsv((await download(page, "dl-wide")).bytes.toString("utf8")).filter((r) => r.length > 1);
    expect(wide[0]![0]).toBe("participant_code");
    expect(wide).toHaveLength(DEMO.fier + 1);
    expect(wide.every((r) => r.length === wide[0]!.length)).toBe(true);

    const codebook = parseCsv((await download(page, "dl-codebook")).bytes.toString("utf8")).filter((r) => r.length > 1);
    const documented = new Set(codebook.slice(1).map((r) => r[0]));
    for (const column of wide[0]!) expect(documented.has(column)).toBe(true);

    // The Excel-ready download opens in a real .xlsx reader with the same columns and rows as wide.csv.
    const xlsx = await download(page, "dl-xlsx");
    expect(xlsx.name).toBe("fier-wide.xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Gegevens")!;
    expect(sheet.rowCount).toBe(DEMO.fier + 1);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(wide[0]);
    for (const id of ["dl-sps", "dl-r", "dl-answers-codebook"])
      expect((await download(page, id)).bytes.length, id).toBeGreaterThan(100);

    const answers = parseCsv((await download(page, "dl-answers")).bytes.toString("utf8")).filter((r) => r.length > 1);
    expect(answers[0]).toEqual(
      expect.arrayContaining(["participant_code", "instrument", "item", "value", "answered_at_utc"]),
    );
    expect(answers.length).toBeGreaterThan(100);
    // codes only: no e-mail addresses anywhere in the downloads
    expect(answers.flat().some((cell) => /@/.test(cell))).toBe(false);

    // Comments are for researchers (issue 16 item 4): the coordinator has no link to them; the pilot's researcher has.
    expect(await page.locator("#dl-report-comments").count()).toBe(0);
    const researcher = await browser.newContext({ acceptDownloads: true });
    const { page: rpage } = await signIn(researcher, "onderzoeker.fier@demo.invalid");
    await rpage.goto(`${stack().url}/reports/pilots/fier`);
    for (const [id, withComments] of [
      ["dl-report", false],
      ["dl-report-comments", true],
    ] as const) {
      const html = (await download(withComments ? rpage : page, id)).bytes.toString("utf8");
      const report = await context.newPage();
      const external: string[] = [];
      report.on("request", (r) => {
        if (!r.url().startsWith("data:") && !r.url().startsWith("about:")) external.push(r.url());
      });
      await report.setContent(html, { waitUntil: "load" });
      expect(external).toEqual([]); // self-contained: nothing loaded from anywhere
      expect(await report.locator("#integral-table tbody tr").count()).toBe(DEMO.fier + 1);
      expect(await report.locator("svg").count()).toBeGreaterThanOrEqual(DEMO.fier);
      expect(await report.locator("#legend").isVisible()).toBe(true);
      const commentLists = await report.locator("ul.comments").count();
      if (withComments) expect(commentLists).toBeGreaterThan(0);
      else expect(commentLists).toBe(0);
      const pdf = await report.pdf({ format: "A4" });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      await report.close();
    }
    await researcher.close();
    await context.close();
  });

  it("a coordinator of one pilot cannot open another pilot's summary", async () => {
    const context = await browser.newContext();
    const { page } = await signIn(context, "coordinator.fier@demo.invalid");
    const res = await page.goto(`${stack().url}/reports/pilots/sterkhuis`);
    expect(res!.status()).toBe(403);
    expect(await page.locator("#integral-table").count()).toBe(0);
    await context.close();
  });
});
