// Issue 14, items 2, 3 and 6 in Chromium on a phone-sized screen: a wave questionnaire over several pages,
// interrupted by closing the tab and resumed from the same link on another "device"; the frequent and the
// wave questionnaire completed with JavaScript switched off; the quick exit on every page; axe-core on the
// paged questionnaire; the neutral site root.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, launchBrowser, stack, violations } from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const phone = (opts: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> =>
  browser.newContext({ viewport: { width: 390, height: 844 }, locale: "nl-NL", bypassCSP: true, ...opts });

/** A link to an open questionnaire of a demo youth: the first pilot that has one of this kind. */
async function demoLink(kind: "frequent" | "wave", pilots = ["fier", "sterkhuis", "gezinshuizen", "viajeugd"]) {
  for (const pilot of pilots) {
    const res = await api("/api/v1/dev/link", { method: "POST", body: JSON.stringify({ pilot, kind }) });
    if (res.ok) return ((await res.json()) as { url: string }).url;
  }
  throw new Error(`no open ${kind} questionnaire in the demo`);
}

/** The names of the answer radio groups on the page (0–10 items without JavaScript, and choice items). */
const radioGroups = (page: Page) =>
  page
    .locator('form input[type="radio"]')
    .evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLInputElement).name))]);

/** Chooses `pick(values)` in every radio group of the page by tapping its label. */
async function answerAll(page: Page, pick: (values: string[]) => string) {
  for (const name of await radioGroups(page)) {
    const values = await page
      .locator(`input[type="radio"][name="${name}"]`)
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await page.locator(`label:has(input[name="${name}"][value="${pick(values)}"])`).click();
  }
}

/**
 * axe needs JavaScript; the no-JavaScript markup is checked in a context where scripts run but the
 * page's own island bundle is blocked, so what axe sees is what a browser without JavaScript shows.
 */
async function violationsWithoutIslands(url: string): Promise<string[]> {
  const context = await phone();
  await context.route("**/static/islands.*", (route) => route.abort());
  const page = await context.newPage();
  await page.goto(url);
  expect(await page.locator('input[type="range"]').count()).toBe(0);
  const found = await violations(page);
  await context.close();
  return found;
}

/** After a send: the thank-you page, or (one link for all her questionnaires) her next open one with a thank-you. */
const SENT = /\/q\/done|[?&]n=next/;

const progress = async (page: Page) => (await page.locator("#progress").textContent())?.trim();

async function expectQuickExit(page: Page) {
  const exit = page.locator("#quick-exit");
  expect(await exit.isVisible()).toBe(true);
  expect((await exit.boundingBox())!.y).toBeLessThan(120);
}

describe("the questionnaire in pages", () => {
  it(
    "a wave over several pages: closed tab after page 2, " + "resumed from the same link elsewhere, back, and sent",
    async () => {
      const link = await demoLink("wave");
      const first = await phone();
      const page = await first.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(link);
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
      const total = Number(/van (\d+)/.exec((await progress(page)) ?? "")?.[1]);
      expect(total).toBeGreaterThanOrEqual(5);
      expect(await progress(page)).toBe(`Stap 1 van ${total}`);
      expect(await page.locator("#length").textContent()).toMatch(/ongeveer (5|10|15) minuten/);
      expect(await violations(page)).toEqual([]);
      await expectQuickExit(page);

      // page 1 answered, Next
      await answerAll(page, (v) => v[0]!);
      await Promise.all([page.waitForURL(/[?&]p=2/), page.locator('button[value="next"]').click()]);
      expect(await progress(page)).toBe(`Stap 2 van ${total}`);
      // page 2: two answers, saved in the background while she is still on the page
      const groups2 = await radioGroups(page);
      const saved = page.waitForResponse(
        (r) => r.url().includes("/draft") && r.request().method() === "POST" && r.status() === 200,
      );
      for (const name of groups2.slice(0, 2)) {
        const last = await page.locator(`input[type="radio"][name="${name}"]`).last().getAttribute("value");
        await page.locator(`label:has(input[name="${name}"][value="${last}"])`).click();
      }
      await saved;
      expect(await violations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await first.close(); // the tab is gone

      // another device, the same link: page 2, with her two answers
      const second = await phone();
      const again = await second.newPage();
      await again.goto(link);
      await again.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
      expect(await progress(again)).toBe(`Stap 2 van ${total}`);
      for (const name of groups2.slice(0, 2))
        expect(await again.locator(`input[name="${name}"]:checked`).count()).toBe(1);
      expect(await again.locator(`input[name="${groups2[2]}"]:checked`).count()).toBe(0);
      // Back: page 1 as she left it
      await Promise.all([again.waitForURL(/[?&]p=1/), again.locator('button[value="back"]').click()]);
      expect(await progress(again)).toBe(`Stap 1 van ${total}`);
      const groups1 = await radioGroups(again);
      for (const name of groups1) expect(await again.locator(`input[name="${name}"]:checked`).count()).toBe(1);
      // on to the end: every page has the quick exit; the last one sends
      for (let n = 1; n < total; n++) {
        await expectQuickExit(again);
        await Promise.all([
          again.waitForURL(new RegExp(`[?&]p=${n + 1}`)),
          again.locator('button[value="next"]').click(),
        ]);
      }
      expect(await progress(again)).toBe(`Stap ${total} van ${total}`);
      await answerAll(again, (v) => v[v.length - 1]!);
      await Promise.all([again.waitForURL(SENT), again.locator('button[value="submit"]').click()]);
      expect(await again.locator("main").textContent()).toMatch(/Dank je wel/);
      await again.goto(link);
      expect(await again.locator("h1").textContent()).toMatch(/Al ingevuld/);
      await second.close();
    },
  );

  it("without JavaScript: the frequent questionnaire is answered with plain HTML and sent", async () => {
    const link = await demoLink("frequent", ["gezinshuizen", "sterkhuis", "fier"]);
    const context = await phone({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.evaluate(() => document.documentElement.dataset.hydrated)).toBeUndefined();
    expect(await page.locator('input[type="range"]').count()).toBe(0);
    expect(await page.locator('input[type="radio"]:checked').count()).toBe(0); // untouched: no answer
    expect(await page.locator("#length").textContent()).toBe("Het invullen duurt ongeveer 1 minuut.");
    await expectQuickExit(page);
    expect(await violationsWithoutIslands(link)).toEqual([]);
    const groups = await radioGroups(page);
    expect(groups.length).toBeGreaterThanOrEqual(8);
    // three items answered, one with 0 (an answer, not "nothing"), the rest skipped
    await page.locator(`label:has(input[name="${groups[0]}"][value="7"])`).click();
    await page.locator(`label:has(input[name="${groups[1]}"][value="0"])`).click();
    await page.locator(`label:has(input[name="${groups[2]}"][value="10"])`).click();
    expect(await page.locator(`input[name="${groups[1]}"][value="0"]`).isChecked()).toBe(true);
    await Promise.all([page.waitForURL(SENT), page.locator('button[value="submit"]').click()]);
    expect(await page.locator("main").textContent()).toMatch(/Dank je wel/);
    await expectQuickExit(page);
    await context.close();
  });

  it("without JavaScript: a wave questionnaire page by page, with Back, and sent", async () => {
    const link = await demoLink("wave");
    const context = await phone({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(link);
    const total = Number(/van (\d+)/.exec((await progress(page)) ?? "")?.[1]);
    expect(total).toBeGreaterThanOrEqual(5);
    for (let n = 1; n < total; n++) {
      expect(await progress(page)).toBe(`Stap ${n} van ${total}`);
      await expectQuickExit(page);
      await answerAll(page, (v) => v[Math.floor(v.length / 2)]!);
      await Promise.all([page.waitForURL(new RegExp(`[?&]p=${n + 1}`)), page.locator('button[value="next"]').click()]);
      if (n === 1) {
        // Back without JavaScript keeps what she chose
        await Promise.all([page.waitForURL(/[?&]p=1/), page.locator('button[value="back"]').click()]);
        for (const name of await radioGroups(page))
          expect(await page.locator(`input[name="${name}"]:checked`).count()).toBe(1);
        await Promise.all([page.waitForURL(/[?&]p=2/), page.locator('button[value="next"]').click()]);
      }
    }
    expect(await violationsWithoutIslands(page.url())).toEqual([]);
    await answerAll(page, (v) => v[0]!);
    await Promise.all([page.waitForURL(SENT), page.locator('button[value="submit"]').click()]);
    expect(await page.locator("main").textContent()).toMatch(/Dank je wel/);
    await context.close();
  });

  it(
    "a background save refused for a moment (503, " + "Retry-After) is sent again, so another device resumes it",
    async () => {
      const link = await demoLink("wave", ["viajeugd", "gezinshuizen", "sterkhuis", "fier"]);
      const first = await phone();
      let refused = 0;
      // The network answers her first save as the Worker does when D1 fails for a moment (worker/app.ts).
      await first.route(
        (url) => url.pathname.endsWith("/draft"),
        (route) => {
          if (route.request().method() !== "POST" || refused > 0) return route.continue();
          refused++;
          return route.fulfill({ status: 503, headers: { "Retry-After": "1" }, contentType: "text/html", body: "" });
        },
      );
      const page = await first.newPage();
      await page.goto(link);
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
      const [name] = await radioGroups(page);
      const saved = page.waitForResponse(
        (r) => r.url().includes("/draft") && r.request().method() === "POST" && r.status() === 200,
        { timeout: 20_000 },
      );
      const last = await page.locator(`input[type="radio"][name="${name}"]`).last().getAttribute("value");
      await page.locator(`label:has(input[name="${name}"][value="${last}"])`).click();
      await saved; // without a retry only her next change would have saved it
      expect(refused).toBe(1);
      await first.close();
      const second = await phone();
      const again = await second.newPage();
      await again.goto(link);
      const checked = await again
        .locator("input:checked")
        .evaluateAll((els) => els.map((e) => `${(e as HTMLInputElement).name}=${(e as HTMLInputElement).value}`));
      expect(checked, `${name}=${last} on ${again.url()}`).toContain(`${name}=${last}`);
      await second.close();
    },
  );

  it("the site root is a neutral Dutch page", async () => {
    const context = await phone();
    const page = await context.newPage();
    const res = await page.goto(`${stack().url}/`);
    expect(res!.status()).toBe(200);
    expect(await page.locator("html").getAttribute("lang")).toBe("nl");
    expect(await page.title()).toBe("Vragenlijst");
    expect(await violations(page)).toEqual([]);
    await context.close();
  });
});
