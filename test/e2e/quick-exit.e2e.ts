// The quick exit on a youth's phone: one tap (or Esc twice) leaves for a neutral site and "back"
// does not return to the questionnaire.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, launchBrowser } from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const NEUTRAL = "https://www.google.nl/";

async function phone(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "nl-NL" });
  // The machine is offline: answer for the neutral site so the navigation can complete.
  await context.route(`${NEUTRAL}**`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<title>Google</title>" }),
  );
  return context;
}

async function demoLink() {
  const res = await api("/api/v1/dev/link", { method: "POST", body: JSON.stringify({ pilot: "fier" }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { url: string }).url;
}

describe("quick exit", () => {
  it("leaves with one tap and leaves no way back to the questionnaire", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto("about:blank");
    await page.goto(await demoLink());
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
    const exit = page.locator("#quick-exit");
    await expect.poll(() => exit.isVisible()).toBe(true);
    const box = (await exit.boundingBox())!;
    expect(box.y).toBeLessThan(120); // reachable at the top of a phone screen without scrolling
    await Promise.all([page.waitForURL(NEUTRAL), exit.click()]);
    await page.goBack().catch(() => null);
    expect(page.url()).not.toContain("/q/");
    await context.close();
  });

  it("leaves on Escape pressed twice", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(await demoLink());
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
    await Promise.all([
      page.waitForURL(NEUTRAL),
      (async () => {
        await page.keyboard.press("Escape");
        await page.keyboard.press("Escape");
      })(),
    ]);
    expect(page.url()).toBe(NEUTRAL);
    await context.close();
  });
});
