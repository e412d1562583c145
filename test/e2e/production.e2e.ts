// Issue 11's "Done when": the Worker started the way production runs it, from an empty database, and a
// study set up by hand through the screens — no dev route, fixture, seed or dev token anywhere.
//
// It follows README "In gebruik nemen / Deploying", section "Generale repetitie / Rehearse locally",
// command by command, in a temp folder holding a copy of wrangler.toml:
//   1. secrets in .dev.vars.production (locally what `wrangler secret put` is in production)
//   2. npm run setup -- --admin <email> --local --env production
//   3. wrangler dev --env production --local-protocol https (PUBLIC_URL = that https address, DEV_MODE
//      unset, the mail catcher as the SMTP relay)
// then: the admin signs in through the mailed link, creates a pilot and a researcher and a coordinator
// in the admin screens; the researcher enrols a youth; the cron invites her; she answers from the mailed
// link (its host is PUBLIC_URL); the coordinator's summary shows her answer.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helpers shared with the npm scripts
import { mailbox as maildev, startStack } from "../../scripts/lib/dev-stack.mjs";
// @ts-expect-error plain ESM helpers shared with the npm scripts
import { freePort, loopbackFetch } from "../../scripts/lib/env.mjs";
import { portableWranglerToml, runScript } from "../tooling/support";
import { launchBrowser, type MaildevMessage } from "./support";

const ROOT = join(import.meta.dirname, "../..");
const ADMIN = "beheer@proef.example";
const RESEARCHER = "onderzoeker@proef.example";
const COORDINATOR = "coordinator@proef.example";
const YOUTH = "jongere@proef.example";

type Stack = { url: string; mailUrl: string; stop(): Promise<void> };
let stack: Stack;
let browser: Browser;
let dir: string;
let box: {
  list(): Promise<MaildevMessage[]>;
  waitFor(p: (m: MaildevMessage) => boolean, ms?: number): Promise<MaildevMessage>;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "outcome-production-"));
  const config = join(dir, "wrangler.toml");
  writeFileSync(config, portableWranglerToml());
  // 1. Secrets, generated as the README says (openssl rand -base64 32): never DEV_MODE, never a dev token.
  const secret = () => randomBytes(32).toString("base64");
  writeFileSync(
    join(dir, ".dev.vars.production"),
    `LINK_SECRET="${secret()}"\nCONTACT_KEY="${secret()}"\nSESSION_SECRET="${secret()}"\n`,
    { mode: 0o600 },
  );
  const persistTo = join(dir, "state");
  // 2. Setup against the empty local database.
  const setup = await runScript("setup.mjs", [
    "--admin",
    ADMIN,
    "--local",
    "--env",
    "production",
    "--config",
    config,
    "--persist-to",
    persistTo,
  ]);
  expect(setup.code, setup.output).toBe(0);
  expect(setup.output).toContain(`first admin created: ${ADMIN}`);
  // 3. The Worker as production runs it: https, production's bindings and vars, the catcher as relay.
  const [port, smtpPort, mailWebPort] = [await freePort(), await freePort(), await freePort()];
  stack = await startStack({
    rootDir: ROOT,
    port,
    smtpPort,
    mailWebPort,
    persistTo,
    configPath: config,
    envName: "production",
    https: true,
    migrate: false,
    vars: { SMTP_REQUIRE_TLS: "0" }, // the local catcher speaks no TLS; production's relay must
    stdio: process.env.E2E_VERBOSE ? "inherit" : "pipe",
  });
  box = maildev(stack.mailUrl);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const newContext = (viewport = { width: 1280, height: 900 }) =>
  browser.newContext({ ignoreHTTPSErrors: true, viewport, locale: "nl-NL" });
const mailTo = (address: string, after: Set<string>, timeoutMs = 20_000) =>
  box.waitFor((m) => m.to.some((t) => t.address === address) && !after.has(m.id), timeoutMs);
const seen = async () => new Set((await box.list()).map((m) => m.id));
const fireCron = async () => {
  const res = await loopbackFetch(`${stack.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
  expect(res.status).toBe(200);
};

/** The sign-in form, the link from the mail, the confirm button: as a staff member does it. */
async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const before = await seen();
  const page = await context.newPage();
  await page.goto(`${stack.url}/staff/sign-in`);
  await page.fill("#email", email);
  await Promise.all([page.waitForSelector("#sign-in-sent"), page.click("#sign-in-submit")]);
  const mail = await mailTo(email, before);
  const link = /https:\/\/[^\s]+\/staff\/auth\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  expect(link, mail.text).toBeDefined();
  expect(new URL(link!).origin).toBe(stack.url); // the mailed link points at PUBLIC_URL
  await page.goto(link!);
  await Promise.all([page.waitForURL(`${stack.url}/staff`), page.click("#auth-confirm")]);
  return page;
}

describe("into service: production-shaped run from an empty database", () => {
  it("serves https with no dev routes and the built-in questionnaires installed by setup", async () => {
    const doc = (await (await loopbackFetch(`${stack.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths).filter((p) => p.includes("/dev/"))).toEqual([]);
    expect((await loopbackFetch(`${stack.url}/api/v1/dev/seed`, { method: "POST" })).status).toBe(404);
    expect((await loopbackFetch(`${stack.url}/healthz`)).status).toBe(200);
    expect(stack.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it(
    "admin → pilot and staff in the admin screens → researcher " +
      "enrols → cron invites → youth answers → coordinator sees it",
    async () => {
      // The admin, signed in through the mailed magic link, sets up the study in the admin screens.
      const adminContext = await newContext();
      const admin = await signIn(adminContext, ADMIN);
      await admin.click("a[href='/staff/admin']");
      await admin.goto(`${stack.url}/staff/admin/pilots/new`);
      await admin.getByLabel(/^Sleutel/).fill("proef");
      await admin.getByLabel(/^Naam/).fill("Proefpilot");
      await admin.getByLabel(/^Organisatie/).fill("Zorgorganisatie Proef");
      await Promise.all([
        admin.waitForURL(/\/staff\/admin\/pilots\/proef/),
        admin.getByRole("button", { name: /Pilot aanmaken/ }).click(),
      ]);

      for (const [email, name, role] of [
        [RESEARCHER, "Onderzoeker Proef", "researcher"],
        [COORDINATOR, "Coördinator Proef", "coordinator"],
      ] as const) {
        await admin.goto(`${stack.url}/staff/admin/staff/new`);
        await admin.getByLabel(/^E-mailadres/).fill(email);
        await admin.getByLabel(/^Naam/).fill(name);
        await admin.locator(`[name="role:proef"]`).selectOption(role);
        await Promise.all([
          admin.waitForURL(/\/staff\/admin\/staff\/\d+/),
          admin.getByRole("button", { name: /Medewerker toevoegen/ }).click(),
        ]);
        expect(await admin.content()).toContain(email);
      }
      await adminContext.close();

      // The researcher signs in, lets messages go out at any hour (the test runs at any time of day and
      // on Sundays), and enrols a youth.
      const researcherContext = await newContext();
      const researcher = await signIn(researcherContext, RESEARCHER);
      await researcher.goto(`${stack.url}/staff/pilots/proef/settings`);
      await researcher.fill("#quietStart", "00:00");
      await researcher.fill("#quietEnd", "00:00");
      for (let d = 1; d <= 7; d++) await researcher.uncheck(`#quietWeekday-${d}`);
      await Promise.all([researcher.waitForURL(/settings\?saved=1$/), researcher.click("#settings-submit")]);
      await researcher.goto(`${stack.url}/staff/pilots/proef`);
      await researcher.click("#enrol-link");
      await researcher.fill("#code", "PROEF-01");
      await researcher.selectOption("#consentBy", "self");
      await researcher.check("#selfAge16Plus");
      await researcher.fill("#email", YOUTH);
      await Promise.all([researcher.waitForURL(/\/youths\/PROEF-01/), researcher.click("#enrol-submit")]);
      expect(await researcher.locator("#youth-code").textContent()).toBe("PROEF-01");
      await researcherContext.close();

      // The Cron Trigger invites her; the mail's link points at PUBLIC_URL.
      const before = await seen();
      await fireCron();
      const invitation = await mailTo(YOUTH, before);
      expect(`${invitation.subject} ${invitation.text}`).not.toMatch(/slachtoffer|uitbuiting|loverboy|mensenhandel/i);
      const link = /https:\/\/[^\s]+\/q\/[A-Za-z0-9_-]{43}/.exec(invitation.text)?.[0];
      expect(link, invitation.text).toBeDefined();
      expect(new URL(link!).origin).toBe(stack.url);

      // She answers on her phone: every slider of the first questionnaire by keyboard, to 7.
      const youthContext = await newContext({ width: 390, height: 844 });
      const page = await youthContext.newPage();
      await page.goto(link!);
      await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1", null, { timeout: 10_000 });
      const sliders = await page.locator('input[type="range"]').evaluateAll((els) => els.map((e) => e.id));
      expect(sliders.length).toBeGreaterThan(3);
      for (const id of sliders) {
        await page.focus(`#${id}`);
        await page.keyboard.press("Home");
        for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowRight");
      }
      await Promise.all([page.waitForURL(/\/q\/.+/), page.locator('button[type="submit"]').click()]);
      await expect.poll(() => page.locator("body").textContent()).toMatch(/Dank je wel/);
      await youthContext.close();

      // The next run recomputes; the coordinator's summary shows her answer.
      await fireCron();
      const coordinatorContext = await newContext();
      const coordinator = await signIn(coordinatorContext, COORDINATOR);
      await expect
        .poll(
          async () => {
            await coordinator.goto(`${stack.url}/reports/pilots/proef`);
            return coordinator.content();
          },
          { timeout: 20_000 },
        )
        .toMatch(/PROEF-01/);
      const csv = await coordinatorContext.request.get(`${stack.url}/api/v1/pilots/proef/summary/indicators.csv`);
      expect(csv.status()).toBe(200);
      const row = (await csv.text())
        .split(/\r?\n/)
        .find((l) => l.startsWith("PROEF-01,welzijn,") || l.startsWith("PROEF-01;welzijn;"));
      expect(row, "welzijn row for PROEF-01").toBeDefined();
      expect(row!.split(/[,;]/).slice(2, 4)).toEqual(["1", "7"]); // n = 1, mean = 7
      await coordinatorContext.close();
    },
  );
});
