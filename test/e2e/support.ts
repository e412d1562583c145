// Helpers for e2e tests: the stack from global-setup, maildev's API, Chromium and the dev admin API.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { inject } from "vitest";
import { parseCsv as parseStrictCsv } from "../../worker/studies/csv";
import type { Browser, Page } from "playwright-core";
// @ts-expect-error plain ESM helpers shared with the npm scripts
import { launchChromium } from "../../scripts/ensure-chromium.mjs";
// @ts-expect-error plain ESM helpers shared with the npm scripts
import { mailbox as maildev } from "../../scripts/lib/dev-stack.mjs";

export type MaildevMessage = {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
  from: { address: string; name: string }[];
  headers: Record<string, string>;
};
type Mailbox = {
  list(): Promise<MaildevMessage[]>;
  source(id: string): Promise<string>;
  clear(): Promise<void>;
  waitFor(predicate: (m: MaildevMessage) => boolean, timeoutMs?: number): Promise<MaildevMessage>;
};

export const stack = () => inject("e2e");
export const mailbox = (): Mailbox => maildev(stack().mailUrl);

/** Debian's Chromium (installed by global-setup if it was missing), driven by playwright-core. */
export const launchBrowser = (): Promise<Browser> => launchChromium();

/** Calls the app's JSON API with the dev admin token (or `token`). */
export async function api(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${init.token ?? stack().devToken}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  return fetch(`${stack().url}${path}`, { ...init, headers });
}

/** Fires the Cron Trigger the way `npm start` tells developers to (wrangler dev --test-scheduled). */
export async function fireCron() {
  const res = await fetch(`${stack().url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
  if (!res.ok) throw new Error(`cron: HTTP ${res.status}`);
}

/** Polls `probe` until it returns a value other than undefined. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Reads a downloaded CSV with the app's own strict RFC 4180 reader; a malformed file fails the test. */
export function parseCsv(text: string): string[][] {
  const r = parseStrictCsv(text);
  if (!r.ok) throw new Error(`invalid CSV at line ${r.line}: ${r.reason}`);
  return r.records.map((rec) => rec.cells);
}

/**
 * Signs a staff member in the way people do: the e-mail form, the magic link from the mail catcher,
 * then the session cookie in this browser context. Returns the page, now on /staff.
 */
export async function signIn(context: import("playwright-core").BrowserContext, email: string) {
  const box = mailbox();
  const before = new Set((await box.list()).filter((m) => m.to.some((t) => t.address === email)).map((m) => m.id));
  const page = await context.newPage();
  await page.goto(`${stack().url}/staff/sign-in`);
  await page.fill("#email", email);
  // The sign-in form allows 10 posts per minute per client (SIGNIN_LIMITER); every browser test signs in from
  // the same address, so a busy minute answers 429 "too many attempts". Then wait the minute out, as a person would.
  for (let attempt = 0; ; attempt++) {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/staff/sign-in") && r.request().method() === "POST"),
      page.click("#sign-in-submit"),
    ]);
    if (res.status() !== 429 || attempt === 2) break;
    console.warn(`sign-in limiter: 429 for ${email}, waiting a minute`);
    await page.waitForTimeout(61_000);
    await page.goto(`${stack().url}/staff/sign-in`);
    await page.fill("#email", email);
  }
  await page.waitForSelector("#sign-in-sent");
  const mail = await box.waitFor((m) => m.to.some((t) => t.address === email) && !before.has(m.id), 15_000);
  const link = new RegExp(`${stack().url.replace(/[.]/g, "\\.")}/staff/auth/[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
  if (!link) throw new Error(`no sign-in link in the mail to ${email}:\n${mail.text}`);
  await page.goto(link); // a confirm page: opening the link alone signs nobody in
  await Promise.all([page.waitForURL(`${stack().url}/staff`), page.click("#auth-confirm")]);
  return { page, link };
}

// The pages' CSPs forbid scripts they did not ship; axe is injected by the test (contexts with bypassCSP).
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/** Runs axe (WCAG 2.1 A/AA) on the page as it stands and returns its violations in a readable form. */
export async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const found = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: unknown[] }> } }).axe
      .run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        resultTypes: ["violations"],
      })
      .then((r) => r.violations),
  )) as Violation[];
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
