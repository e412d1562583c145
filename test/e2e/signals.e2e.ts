// Issue 15 (signals for staff) in a real browser against the real stack: after the cron, the demo youth
// whose wellbeing falls (DEMO-VIA-03, worker/signals/demo.ts) has a signal; her researcher sees the mark,
// the list and the evidence highlighted in her plot, and acknowledges it with a note; the next cron leaves
// it acknowledged; a new measurement (entered by phone) opens it again. A coordinator and a researcher of
// another pilot get 403 on the signals API.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, fireCron, launchBrowser, signIn, stack, violations } from "./support";

const PILOT = "viajeugd";
const CODE = "DEMO-VIA-03";
type Signal = {
  id: number;
  participantCode: string;
  rule: string;
  indicator: string;
  status: string;
  note: string | null;
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const newContext = () => browser.newContext({ locale: "nl-NL", bypassCSP: true });
async function lowWellbeing(): Promise<Signal | undefined> {
  const res = await api(`/api/v1/pilots/${PILOT}/signals?status=all`);
  expect(res.status).toBe(200);
  const { signals } = (await res.json()) as { signals: Signal[] };
  return signals.find((s) => s.participantCode === CODE && s.rule === "low_twice" && s.indicator === "welzijn");
}
/** The CSRF token of a signed-in page (every staff form carries it). */
const csrfOf = async (page: Page, path: string) => {
  await page.goto(`${stack().url}${path}`);
  return (await page.locator('input[name="_csrf"]').first().getAttribute("value")) ?? "";
};

describe("signals for staff", () => {
  it("raised after the cron, opened with its evidence, acknowledged, quiet until a new measurement", async () => {
    await fireCron();
    const raised = await lowWellbeing();
    expect(raised?.status).toBe("open");

    const desk: BrowserContext = await newContext();
    const { page } = await signIn(desk, `onderzoeker.${PILOT}@demo.invalid`);
    // the mark beside her code in the youth list, and the pilot's list of signals
    await page.goto(`${stack().url}/staff/pilots/${PILOT}`);
    expect(await page.locator(`tr[data-code="${CODE}"] .signal-mark`).count()).toBe(1);
    await Promise.all([page.waitForURL(/\/signals$/), page.click("#signals-link")]);
    const row = page.locator(`#signals-table tr[data-signal="${raised!.id}"]`);
    expect(await row.getAttribute("data-rule")).toBe("low_twice");
    expect(await row.locator(".signal-evidence").textContent()).toMatch(/Waarden: .*\d/);
    expect(await violations(page)).toEqual([]);

    // her page: the evidence, the points highlighted in the wellbeing plot, the acknowledge form
    await Promise.all([page.waitForURL(new RegExp(`/youths/${CODE}`)), row.locator("a").first().click()]);
    const item = page.locator(`#signal-${raised!.id}`);
    expect(await item.getAttribute("data-status")).toBe("open");
    expect(await page.locator("#plot-welzijn circle[data-evidence]").count()).toBeGreaterThanOrEqual(2);
    expect(await violations(page)).toEqual([]);
    await page.fill(`#ack-note-${raised!.id}`, "Besproken met de mentor; contact volgende week.");
    await Promise.all([page.waitForURL(/done=signal/), page.click(`#ack-submit-${raised!.id}`)]);
    expect(await page.locator("#ack-notice").isVisible()).toBe(true);
    expect(await page.locator(`#signal-${raised!.id}`).getAttribute("data-status")).toBe("acknowledged");
    expect(await page.locator(`#signal-${raised!.id} .signal-ack`).textContent()).toContain("Besproken met de mentor");

    // the next run finds the same evidence: it stays acknowledged
    await fireCron();
    expect(await lowWellbeing()).toMatchObject({ id: raised!.id, status: "acknowledged" });

    // a new low measurement, entered by phone on her open questionnaire, is new evidence: open again
    await page.goto(`${stack().url}/staff/pilots/${PILOT}/youths/${CODE}/links`);
    // her newest open frequent questionnaire (an older one would not be her latest measurement; which ones are
    // still open depends on the browser tests that ran before this file)
    const newest = await page.locator("tr[data-occasion]").evaluateAll(
      (trs) =>
        trs
          .map((tr) => ({
            id: tr.getAttribute("data-occasion"),
            m: /frequente meting (\d+)/.exec(tr.textContent ?? ""),
          }))
          .filter((r) => r.m)
          .sort((a, b) => Number(b.m![1]) - Number(a.m![1]))[0]?.id,
    );
    expect(newest).toBeTruthy();
    await Promise.all([page.waitForURL(/\/phone\/\d+$/), page.click(`#phone-${newest}`)]);
    const welzijn = page.locator(
      '#phone-form select[name$=".persoonlijk"], #phone-form select[name$=".gezin"], ' +
        '#phone-form select[name$=".vrienden"], #phone-form select[name$=".algemeen"]',
    );
    expect(await welzijn.count()).toBe(4);
    for (let i = 0; i < 4; i++) await welzijn.nth(i).selectOption("2");
    await Promise.all([page.waitForURL(/done=phone/), page.click("#phone-submit")]);
    await fireCron();
    expect(await lowWellbeing()).toMatchObject({ id: raised!.id, status: "open", note: null });
    await page.goto(`${stack().url}/staff/pilots/${PILOT}/signals`);
    expect(await page.locator(`#signals-table tr[data-signal="${raised!.id}"]`).getAttribute("data-status")).toBe(
      "open",
    );
    await desk.close();
  });

  it("a coordinator and a researcher of another pilot get 403 on the signals API", async () => {
    const id = (await lowWellbeing())!.id;
    for (const [email, own] of [
      [`coordinator.${PILOT}@demo.invalid`, PILOT],
      ["onderzoeker.fier@demo.invalid", "fier"],
    ] as const) {
      const context = await newContext();
      const { page } = await signIn(context, email);
      const csrf = await csrfOf(page, `/staff/pilots/${own}/settings`); // a real token: the refusal is the role's
      const list = await context.request.get(`${stack().url}/api/v1/pilots/${PILOT}/signals`);
      expect(list.status(), email).toBe(403);
      const ack = await context.request.post(`${stack().url}/api/v1/pilots/${PILOT}/signals/${id}/acknowledge`, {
        data: { note: "niet mijn pilot" },
        headers: { "x-csrf-token": csrf, origin: stack().url },
      });
      expect(ack.status(), email).toBe(403);
      const pageRes = await page.goto(`${stack().url}/staff/pilots/${PILOT}/signals`);
      expect(pageRes?.status(), email).toBe(403);
      await context.close();
    }
    expect(await lowWellbeing()).toMatchObject({ id, status: "open" });
  });
});
