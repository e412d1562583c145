// Issue #4 in a real browser: a researcher signs in through the magic link in the mail catcher,
// enrols a youth and sees her scheduled occasions; another pilot stays closed to her; settings change
// through the settings page.
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
    const waves = await rows.evaluateAll(
      (trs) => trs.filter((tr) => (tr as HTMLElement).dataset.kind === "wave").length,
    );
    const frequent = await rows.evaluateAll(
      (trs) => trs.filter((tr) => (tr as HTMLElement).dataset.kind === "frequent").length,
    );
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

  it(
    "changes the pilot's schedule and reminders on the " + "settings page, and refuses a bad value beside its field",
    async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const { page } = await signIn(context, "onderzoeker.sterkhuis@demo.invalid");
      await page.goto(`${stack().url}/staff/pilots/sterkhuis`);
      await page.click("#settings-link");
      expect(await page.inputValue("#frequentIntervalDays")).toBe("14");

      // keyboard: arrow keys on a number field, then a typed value
      await page.focus("#frequentIntervalDays");
      for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowUp");
      expect(await page.inputValue("#frequentIntervalDays")).toBe("21");
      await page.fill("#maxReminders", "2");
      await page.check("#quietWeekday-6");
      await Promise.all([page.waitForURL(/settings\?saved=1$/), page.click("#settings-submit")]);
      expect(await page.locator("#settings-notice").isVisible()).toBe(true);
      expect(await page.inputValue("#frequentIntervalDays")).toBe("21");
      expect(await page.isChecked("#quietWeekday-6")).toBe(true);
      expect(await page.isChecked("#quietWeekday-7")).toBe(true);

      // the API reads the same values (the page's CSP forbids fetch, so ask with the browser's cookies)
      const settings = async () =>
        (await context.request.get(`${stack().url}/api/v1/pilots/sterkhuis/settings`)).json();
      const api = await settings();
      expect(api.schedule.frequentIntervalDays).toBe(21);
      expect(api.reminders).toMatchObject({ maxReminders: 2, quietWeekdays: [6, 7] });

      // a window longer than the interval: refused beside the field, nothing stored
      await page.fill("#frequentWindowDays", "25");
      await Promise.all([page.waitForLoadState("load"), page.click("#settings-submit")]);
      expect(await page.locator("#frequentWindowDays-error").textContent()).toMatch(/Niet langer dan/);
      expect(await page.getAttribute("#frequentWindowDays", "aria-invalid")).toBe("true");
      expect(await page.inputValue("#frequentWindowDays")).toBe("25");
      const after = await settings();
      expect(after.schedule.frequentWindowDays).toBe(10);
      await context.close();
    },
  );

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
