// Issue 14, items 1, 4 and 5 in a real browser: a demo youth with a wave and a frequent questionnaire
// open gets ONE mail (here from her researcher's re-send) and completes both from its one link on a
// phone-sized screen; kiosk entry on a group computer (cleared after submit, Back shows nothing) and phone
// entry store their modes and the researcher; quick exit on every youth page and axe-core on every new page.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, launchBrowser, mailbox, parseCsv, signIn, stack, violations } from "./support";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

type Overview = { participants: { code: string; status: string; occasions: { kind: string; state: string }[] }[] };
const open = (o: { state: string }) => o.state === "open" || o.state === "overdue";
/** A demo youth with a wave and a frequent questionnaire open (the last such youth of the first pilot that has one). */
async function youthWithTwoOpen(except: string[] = []) {
  for (const pilot of ["sterkhuis", "gezinshuizen", "viajeugd", "fier"]) {
    const res = await api(`/api/v1/pilots/${pilot}/participants`);
    expect(res.status).toBe(200);
    const { participants } = (await res.json()) as Overview;
    const found = participants.filter(
      (p) =>
        p.status === "active" &&
        !except.includes(p.code) &&
        p.occasions.some((o) => o.kind === "wave" && open(o)) &&
        p.occasions.some((o) => o.kind === "frequent" && open(o)),
    );
    if (found.length) return { pilot, code: found[found.length - 1]!.code };
  }
  throw new Error("no demo youth with a wave and a frequent questionnaire open");
}
/** A demo youth with one open questionnaire at least, other than `except`. */
async function youthWithOpen(pilot: string, except: string[]) {
  const { participants } = (await (await api(`/api/v1/pilots/${pilot}/participants`)).json()) as Overview;
  return participants
    .filter((p) => p.status === "active" && !except.includes(p.code) && p.occasions.some(open))
    .map((p) => p.code)[0]!;
}
const researcherOf = (pilot: string) => `onderzoeker.${pilot}@demo.invalid`;
const youthAddress = (code: string) => `jongere.${code.toLowerCase()}@demo.invalid`;
const phone = (): Promise<BrowserContext> =>
  browser.newContext({ viewport: { width: 390, height: 844 }, locale: "nl-NL", bypassCSP: true });

async function expectQuickExit(page: Page) {
  const exit = page.locator("#quick-exit");
  await expect.poll(() => exit.isVisible()).toBe(true);
  expect(await exit.getAttribute("href")).toMatch(/^https:\/\//);
}

/** Answers the first control of the page (a slider by keyboard, or the first radio) and moves on. */
async function answerAndContinue(page: Page) {
  const slider = page.locator('input[type="range"]').first();
  if (await slider.count()) {
    await slider.focus();
    await page.keyboard.press("ArrowRight");
  } else {
    await page.locator('input[type="radio"]').first().check();
  }
  const button = page.locator('button[name="nav"][value="next"], button[name="nav"][value="submit"]').first();
  const last = (await button.getAttribute("value")) === "submit";
  await Promise.all([page.waitForNavigation(), button.click()]);
  return last;
}

describe("one mail for all her open questionnaires, and assisted entry", () => {
  it("a youth with a wave and a frequent questionnaire open gets one mail and completes both from it", async () => {
    const { pilot, code } = await youthWithTwoOpen();
    // Mail at any hour for this test (the demo pilots keep quiet hours and Sundays); restored afterwards.
    const settings = `/api/v1/pilots/${pilot}/settings`;
    const kept = (
      (await (await api(settings)).json()) as { reminders: { quietHours: unknown; quietWeekdays: unknown } }
    ).reminders;
    const put = (reminders: unknown) => api(settings, { method: "PUT", body: JSON.stringify({ reminders }) });
    expect((await put({ quietHours: { start: "00:00", end: "00:00" }, quietWeekdays: [] })).status).toBe(200);
    try {
      await story(pilot, code);
    } finally {
      expect((await put({ quietHours: kept.quietHours, quietWeekdays: kept.quietWeekdays })).status).toBe(200);
    }
  });
});

async function story(pilot: string, code: string) {
  const started = Date.now() - 1_000;
  {
    const box = mailbox();
    const before = new Set(
      (await box.list()).filter((m) => m.to.some((t) => t.address === youthAddress(code))).map((m) => m.id),
    );

    // Her researcher re-sends her current link from the workspace (through the outbox).
    const desk = await browser.newContext({ locale: "nl-NL", bypassCSP: true });
    const { page: staff } = await signIn(desk, researcherOf(pilot));
    await staff.goto(`${stack().url}/staff/pilots/${pilot}/youths/${encodeURIComponent(code)}`);
    await Promise.all([staff.waitForURL(/\/links$/), staff.click("#links-link")]);
    expect(await violations(staff)).toEqual([]);
    await Promise.all([staff.waitForURL(/done=resent/), staff.click("#resend-submit")]);
    expect(await staff.locator("#links-notice").textContent()).toContain("opnieuw");
    expect(await violations(staff)).toEqual([]);

    const mail = await box.waitFor(
      (m) => m.to.some((t) => t.address === youthAddress(code)) && !before.has(m.id),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const fresh = (await box.list()).filter(
      (m) => m.to.some((t) => t.address === youthAddress(code)) && !before.has(m.id),
    );
    expect(fresh).toHaveLength(1); // one mail for all her open questionnaires
    expect(mail.text).toMatch(
      /er staan \d+ korte vragenlijsten voor je klaar\. Met de link hieronder vul je ze na elkaar in\./,
    );
    expect(mail.text).toMatch(/Samen duurt het invullen ongeveer \d+ minuten\./);
    const link = new RegExp(`${stack().url.replace(/[.]/g, "\\.")}/q/[A-Za-z0-9_-]{43}`).exec(mail.text)![0];

    // On her phone: the shortest first, then on to the next from the thank-you step, until done.
    const context = await phone();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(link);
    let questionnaires = 0;
    for (let guard = 0; guard < 40; guard++) {
      const url = page.url();
      if (/\/q\/done/.test(url)) break;
      if (!/\/q\/[A-Za-z0-9_-]{43}/.test(url)) throw new Error(`unexpected page ${url}`);
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
      await expectQuickExit(page);
      if (/n=next/.test(url))
        expect(await page.locator("body").textContent()).toContain("Er staat nog een vragenlijst voor je klaar");
      expect(await violations(page)).toEqual([]);
      if (await answerAndContinue(page)) questionnaires++;
    }
    expect(page.url()).toMatch(/\/q\/done/);
    expect(await page.locator("body").textContent()).toMatch(/Dank je wel/);
    await expectQuickExit(page);
    expect(questionnaires).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    await context.close();
    const after = (await (await api(`/api/v1/pilots/${pilot}/participants`)).json()) as Overview;
    const me = after.participants.find((p) => p.code === code)!;
    expect(me.occasions.filter(open)).toEqual([]);

    // Kiosk on the same (group) computer: mode kiosk and the researcher; after the send the page is empty and Back
    // shows nothing.
    const kioskYouth = await youthWithOpen(pilot, [code]);
    await staff.goto(`${stack().url}/staff/pilots/${pilot}/youths/${encodeURIComponent(kioskYouth)}/links`);
    const kioskButton = staff.locator('button[id^="kiosk-"]').first();
    await Promise.all([staff.waitForURL(/\/k\/[A-Za-z0-9_-]{43}$/), kioskButton.click()]);
    await staff.waitForFunction(() => document.documentElement.dataset.hydrated === "1");
    await expectQuickExit(staff);
    expect(await violations(staff)).toEqual([]);
    let sent = false;
    for (let guard = 0; guard < 5 && !sent; guard++) sent = await answerAndContinue(staff);
    expect(staff.url()).toMatch(/\/k\/ended/);
    expect(await staff.locator("body").textContent()).toContain("Deze pagina is gesloten");
    await expectQuickExit(staff);
    expect(await violations(staff)).toEqual([]);
    await staff.goBack();
    await staff.waitForLoadState();
    expect(staff.url()).toMatch(/\/k\/ended/);
    expect(await staff.locator("form input").count()).toBe(0);

    // Phone entry on a staff form: mode phone and the researcher.
    const phoneYouth = await youthWithOpen(pilot, [code, kioskYouth]);
    await staff.goto(`${stack().url}/staff/pilots/${pilot}/youths/${encodeURIComponent(phoneYouth)}/links`);
    await Promise.all([staff.waitForURL(/\/phone\/\d+$/), staff.locator('a[id^="phone-"]').first().click()]);
    expect(await violations(staff)).toEqual([]);
    await staff.locator("#phone-form select").first().selectOption({ index: 4 });
    await Promise.all([staff.waitForURL(/done=phone/), staff.click("#phone-submit")]);
    expect(await staff.locator("#links-notice").textContent()).toContain("telefoon");
    await desk.close();

    const csv = parseCsv(await (await api(`/api/v1/pilots/${pilot}/summary/answers.csv`)).text());
    const modeCol = csv[0]!.indexOf("mode");
    expect(csv.some((r) => r[0] === kioskYouth && r[modeCol] === "kiosk")).toBe(true);
    expect(csv.some((r) => r[0] === phoneYouth && r[modeCol] === "phone")).toBe(true);
    const atCol = csv[0]!.indexOf("answered_at_utc");
    const hers = csv.filter((r) => r[0] === code && Date.parse(r[atCol]!) >= started);
    expect(hers.length).toBeGreaterThanOrEqual(2); // one answer in each questionnaire at least
    expect(hers.every((r) => r[modeCol] === "self")).toBe(true);
    for (const [action, who] of [
      ["answers.kiosk", kioskYouth],
      ["answers.phone", phoneYouth],
    ] as const) {
      const res = await api(`/api/v1/audit?pilot=${pilot}&action=${action}`);
      const { entries } = (await res.json()) as {
        entries: { target: string; actorId: string; details: { enteredBy: number } }[];
      };
      const entry = entries.find((e) => e.target === who)!;
      expect(entry.actorId).toMatch(/^staff:\d+$/);
      expect(entry.actorId).toBe(`staff:${entry.details.enteredBy}`);
    }
  }
}
