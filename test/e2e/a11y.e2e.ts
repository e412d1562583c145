// Accessibility in a real browser: axe-core (WCAG 2.1 A and AA rules) over the youth questionnaire on a
// phone, its error page, the invitation e-mail and the pause page, and the pages staff use — sign-in,
// workspace, youth, settings, reminders, admin screens, summaries and the downloadable report. None may have a
// violation.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, fireCron, launchBrowser, mailbox, signIn, stack, violations } from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// The pages' CSPs forbid scripts they did not ship; axe is injected by the test, so only here is CSP bypassed.
const newContext = (opts: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> =>
  browser.newContext({ bypassCSP: true, locale: "nl-NL", ...opts });

describe("accessibility (axe-core, WCAG 2.1 AA)", () => {
  it("the youth questionnaire on a phone: untouched, answered, thanked, and its error page", async () => {
    const context = await newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const res = await api("/api/v1/dev/link", { method: "POST", body: JSON.stringify({ pilot: "viajeugd" }) });
    const { url } = (await res.json()) as { url: string };
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
    expect(await violations(page)).toEqual([]);
    // touched sliders and an opened comment field change the page; check it again
    const sliders = page.locator("input[type=range]");
    for (let i = 0; i < Math.min(await sliders.count(), 3); i++) {
      await sliders.nth(i).focus();
      await page.keyboard.press("ArrowRight");
    }
    expect(await violations(page)).toEqual([]);
    // the thank-you page after sending
    await Promise.all([page.waitForURL(/\/q\/.+/), page.locator('button[type="submit"]').click()]);
    await expect.poll(() => page.locator("body").textContent()).toMatch(/Dank je wel|Bedankt/);
    expect(await violations(page)).toEqual([]);
    const broken = await page.goto(`${stack().url}/q/not-a-real-link-${"x".repeat(30)}`);
    expect(broken!.status()).toBeGreaterThanOrEqual(400);
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  it("the invitation e-mail and the pause page it links to, before and after pausing", async () => {
    const email = `a11y.${Date.now()}@example.test`;
    const created = await api("/api/v1/dev/fixtures/pilot", {
      method: "POST",
      body: JSON.stringify({ youths: [{ email, history: [] }] }),
    });
    expect(created.status).toBe(201);
    await fireCron();
    const mail = await eventually(
      async () => (await mailbox().list()).find((m) => m.to.some((t) => t.address === email)),
      30_000,
      "the invitation",
    );
    const context = await newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.setContent(mail.html, { waitUntil: "load" });
    expect(await violations(page)).toEqual([]);
    const pause = new RegExp(`${stack().url.replace(/[.]/g, "\\.")}/p/[A-Za-z0-9._-]+`).exec(mail.text)?.[0];
    expect(pause, "a pause link in the invitation").toBeTruthy();
    await page.goto(pause!);
    expect(await violations(page)).toEqual([]);
    await Promise.all([page.waitForLoadState("load"), page.locator('button[type="submit"]').click()]);
    await expect.poll(() => page.locator("body").textContent()).toMatch(/Geen herinneringen tot en met/);
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  it("the staff sign-in page", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${stack().url}/staff/sign-in`);
    expect(await violations(page)).toEqual([]);
    await context.close();
  });

  it("the researcher's workspace: pilots, youths, one youth, settings (also with errors), reminders", async () => {
    const context = await newContext();
    const { page } = await signIn(context, "onderzoeker.fier@demo.invalid");
    const results: Record<string, string[]> = { home: await violations(page) };
    for (const path of [
      "/staff/pilots/fier",
      "/staff/pilots/fier/youths/DEMO-FIE-01",
      "/staff/pilots/fier/settings",
      "/staff/pilots/fier/reminders",
      "/staff/pilots/fier/enrol",
      "/staff/pilots/fier/import",
      "/staff/pilots/fier/codebook",
      "/staff/pilots/fier/youths/DEMO-FIE-01/comments",
    ]) {
      const res = await page.goto(`${stack().url}${path}`);
      expect(res!.status(), path).toBe(200);
      results[path] = await violations(page);
    }
    // the settings form refusing a value shows its errors beside the field
    await page.goto(`${stack().url}/staff/pilots/fier/settings`);
    await page.fill("#frequentIntervalDays", "40");
    await Promise.all([page.waitForLoadState("load"), page.click("#settings-submit")]);
    expect(await page.locator("#frequentIntervalDays-error").count()).toBe(1);
    results["settings with an error"] = await violations(page);
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));
    await context.close();
  });

  it("the admin screens: pilots, staff, API tokens (also with errors, and the secret shown once)", async () => {
    const context = await newContext();
    const { page } = await signIn(context, "admin@demo.invalid");
    const results: Record<string, string[]> = {};
    for (const path of [
      "/staff/admin",
      "/staff/admin/pilots",
      "/staff/admin/pilots/new",
      "/staff/admin/pilots/fier",
      "/staff/admin/staff",
      "/staff/admin/staff/new",
      "/staff/admin/tokens",
    ]) {
      const res = await page.goto(`${stack().url}${path}`);
      expect(res!.status(), path).toBe(200);
      results[path] = await violations(page);
    }
    const staffLink = page.locator("#staff-table a").first();
    await page.goto(`${stack().url}/staff/admin/staff`);
    await Promise.all([page.waitForLoadState("load"), staffLink.click()]);
    results["one staff member"] = await violations(page);
    // a refused form shows its errors beside the fields
    await page.goto(`${stack().url}/staff/admin/pilots/new`);
    await page.getByLabel(/^Sleutel/).fill("Geen Goede Sleutel");
    await page.getByLabel(/^Tijdzone/).fill("Mars/Olympus");
    await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: "Pilot aanmaken" }).click()]);
    expect(await page.locator("#key-error").count()).toBe(1);
    results["new pilot with errors"] = await violations(page);
    await page.goto(`${stack().url}/staff/admin/staff/new`);
    await page.getByLabel(/^E-mailadres/).fill("geen-adres");
    await Promise.all([
      page.waitForLoadState("load"),
      page.getByRole("button", { name: "Medewerker toevoegen" }).click(),
    ]);
    expect(await page.locator("#email-error").count()).toBe(1);
    results["new staff member with errors"] = await violations(page);
    await page.goto(`${stack().url}/staff/admin/tokens`);
    await page.getByLabel(/^Naam van de sleutel/).fill(`a11y ${Date.now()}`);
    await page.getByLabel(/^Rol van de sleutel/).selectOption("project_coordinator");
    await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: "API-sleutel maken" }).click()]);
    expect(await page.locator("#token-secret").count()).toBe(1);
    results["token created"] = await violations(page);
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));
    await context.close();
  });

  it("the coordinators' summaries and the downloadable HTML report", async () => {
    const context = await newContext();
    const { page } = await signIn(context, "projectcoordinator@demo.invalid");
    const results: Record<string, string[]> = {};
    for (const path of ["/reports", "/reports/pilots/fier"]) {
      const res = await page.goto(`${stack().url}${path}`);
      expect(res!.status(), path).toBe(200);
      results[path] = await violations(page);
    }
    // the report is a download: open the file's text as a saved copy would be opened
    // (without comments: free text is for the pilot's researchers only, issue 16 item 4)
    const download = await context.request.get(`${stack().url}/api/v1/pilots/fier/summary/report.html`);
    expect(download.status()).toBe(200);
    await page.setContent(await download.text(), { waitUntil: "load" });
    results["report.html"] = await violations(page);
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));
    await context.close();
  });
});
