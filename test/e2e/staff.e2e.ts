// Issue #4 in a real browser: a researcher signs in through the magic link in the mail catcher,
// enrols a youth and sees her scheduled occasions; another pilot stays closed to her.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn, stack } from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("researcher workspace", () => {
  it("signs in by magic link, enrols a youth and shows her scheduled occasions", async () => {
    const context = await browser.newContext();
    const { page, link } = await signIn(context, "onderzoeker.gezinshuizen@demo.invalid");
    await expect.poll(() => page.locator("a[href='/staff/pilots/gezinshuizen']").count()).toBeGreaterThan(0);
    expect(await page.locator("a[href='/staff/pilots/fier']").count()).toBe(0);

    await page.click("a[href='/staff/pilots/gezinshuizen']");
    await page.click("#enrol-link");
    const code = `E2E-${Date.now().toString(36).toUpperCase()}`;
    await page.fill("#code", code);
    await page.selectOption("#consentBy", "self");
    await page.check("#selfAge16Plus");
    await page.fill("#email", `${code.toLowerCase()}@example.test`);
    await Promise.all([page.waitForURL(/\/youths\//), page.click("#enrol-submit")]);

    expect(await page.locator("#youth-code").textContent()).toBe(code);
    expect(await page.locator("#enrolled-notice").isVisible()).toBe(true);
    const rows = page.locator("#schedule-table tbody tr");
    const waves = await rows.evaluateAll((trs) => trs.filter((tr) => (tr as HTMLElement).dataset.kind === "wave").length);
    const frequent = await rows.evaluateAll((trs) => trs.filter((tr) => (tr as HTMLElement).dataset.kind === "frequent").length);
    expect(waves).toBe(3); // T1 at the start, T2 at ~6 months, T3 at 12 months
    expect(frequent).toBeGreaterThanOrEqual(12); // every 14–28 days over a year
    // the e-mail address was taken in, but the workspace never shows it back
    expect(await page.content()).not.toContain(`${code.toLowerCase()}@example.test`);

    // the youth appears in the pilot's overview
    await page.goto(`${stack().url}/staff/pilots/gezinshuizen`);
    expect(await page.content()).toContain(code);

    // a magic link works once
    const again = await context.newPage();
    const res = await again.goto(link);
    expect(res!.status()).toBe(410);
    await context.close();
  });

  it("keeps another pilot's youths out of sight", async () => {
    const context = await browser.newContext();
    const { page } = await signIn(context, "onderzoeker.gezinshuizen@demo.invalid");
    const res = await page.goto(`${stack().url}/staff/pilots/fier`);
    expect(res!.status()).toBe(403);
    expect(await page.content()).not.toContain("DEMO-FIE-");
    const youth = await page.goto(`${stack().url}/staff/pilots/fier/youths/DEMO-FIE-01`);
    expect(youth!.status()).toBe(403);
    await context.close();
  });

  it("refuses to show the workspace without signing in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(`${stack().url}/staff/pilots/gezinshuizen`);
    expect(res!.status()).toBe(401);
    expect(await page.locator("#to-sign-in").count()).toBe(1);
    await context.close();
  });
});
