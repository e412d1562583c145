// Issue #2's walking skeleton, end to end through the real components: wrangler dev (workerd + local
// D1) fires the cron → invitation over SMTP in maildev → the link opened in Chromium → sliders set by
// keyboard and pointer → submit → the cron recomputes → the coordinator's CSV shows the new values.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, fireCron, launchBrowser, mailbox, parseCsv } from "./support";

let browser: Awaited<ReturnType<typeof launchBrowser>>;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Sets a range input with the pointer: a click at the spot that stands for `value`. */
async function clickSlider(page: Page, id: string, value: number) {
  const slider = page.locator(`#${id}`);
  await slider.scrollIntoViewIfNeeded();
  const box = (await slider.boundingBox())!;
  // Chromium maps the track minus the thumb (1.75rem = 28 px in app.css) onto min..max.
  const thumb = 28;
  const x = box.x + thumb / 2 + ((box.width - thumb) * value) / 10;
  await page.mouse.click(x, box.y + box.height / 2);
}

describe("the whole loop through real components", () => {
  it("cron → e-mail → Chromium → D1 → recompute → CSV", async () => {
    const email = `loop.${Date.now()}@example.test`;
    const created = await api("/api/v1/dev/fixtures/pilot", {
      method: "POST",
      body: JSON.stringify({ youths: [{ email, history: [4, 5, 5, 6, 7] }] }),
    });
    expect(created.status).toBe(201);
    const {
      pilot,
      codes: [code],
    } = (await created.json()) as { pilot: string; codes: string[] };

    // 1. The cron opens today's occasion and mails the invitation over SMTP to the catcher.
    await fireCron();
    const mail = await mailbox().waitFor((m) => m.to.some((t) => t.address === email), 20_000);
    expect(mail.subject).toBe("Je korte vragenlijst staat klaar");
    expect(`${mail.subject} ${mail.text}`).not.toMatch(/slachtoffer|uitbuiting|loverboy|mensenhandel/i);
    const link = /http:\/\/127\.0\.0\.1:\d+\/q\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
    expect(link).toBeDefined();

    // 2. The youth opens the link on a phone-sized screen.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "nl-NL" });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(link!);
    expect(await page.locator("html").getAttribute("lang")).toBe("nl");
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1", null, { timeout: 10_000 });

    // 3. Welzijn by keyboard (Home = 0, then eight steps right), the rest by pointer.
    const sliders = await page.locator('input[type="range"]').evaluateAll((els) => els.map((e) => e.id));
    const welzijn = sliders.filter((id) => /^f-v-\d+-(persoonlijk|gezin|vrienden|algemeen)$/.test(id));
    const pointer = sliders.filter((id) => /^f-v-\d+-(school-werk|gezien|beslissen|goed-in)$/.test(id));
    expect(welzijn).toHaveLength(4);
    expect(pointer).toHaveLength(4);
    for (const id of welzijn) {
      await page.focus(`#${id}`);
      await page.keyboard.press("Home");
      for (let i = 0; i < 8; i++) await page.keyboard.press("ArrowRight");
    }
    for (const id of pointer) await clickSlider(page, id, 6);
    for (const id of welzijn) expect(await page.locator(`#${id} ~ output`).textContent()).toBe("8");
    for (const id of pointer) expect(await page.locator(`#${id} ~ output`).textContent()).toBe("6");

    await Promise.all([page.waitForURL(/\/q\/.+/), page.locator('button[type="submit"]').click()]);
    await expect.poll(() => page.locator("body").textContent()).toMatch(/Dank je wel|Bedankt/);
    expect(errors).toEqual([]);
    await context.close();

    // 4. The next cron recomputes her indicators; 5. the coordinator's CSV shows them.
    await fireCron();
    const rows = await eventually(
      async () => {
        const res = await api(`/api/v1/pilots/${pilot}/summary/indicators.csv`);
        expect(res.status).toBe(200);
        const table = parseCsv(await res.text());
        const welzijnRow = table.find((r) => r[0] === code && r[1] === "welzijn");
        return welzijnRow?.[2] === "6" ? table : undefined;
      },
      20_000,
      "the recomputed welzijn row",
    );
    expect(rows[0]).toEqual([
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
    const w = rows.find((r) => r[0] === code && r[1] === "welzijn")!;
    // welzijn per occasion 4,5,5,6,7,8 on days 0,14,…,70 (worked out in test/jobs/README.md)
    expect(Number(w[3])).toBeCloseTo(35 / 6, 9);
    expect(Number(w[6])).toBeCloseTo(0.8, 9);
    expect(Number(w[7])).toBeCloseTo(0.8 / 14, 9);
    expect(Number(w[8])).toBe(14);
    expect(Number(w[9])).toBeGreaterThan(0.01);
    expect(Number(w[9])).toBeLessThan(0.05);
    expect(w[10]).toBe("up");
    // functioneren: 4,5,5,6,7 then 6 from the pointer → S = 11, slope per measurement 0.5
    const f = rows.find((r) => r[0] === code && r[1] === "functioneren")!;
    expect(Number(f[2])).toBe(6);
    expect(Number(f[5])).toBe(7);
    expect(Number(f[8])).toBe(11);
    expect(Number(f[6])).toBeCloseTo(0.5, 9);
  });
});
