// Starts the whole local stack once for every e2e file, on free ports with a throw-away D1, and loads
// the demo study. Same launcher as `npm start` (scripts/lib/dev-stack.mjs), so e2e tests what users run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM helpers shared with the npm scripts
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
// @ts-expect-error plain ESM helpers shared with the npm scripts
import { startStack } from "../../scripts/lib/dev-stack.mjs";
// @ts-expect-error plain ESM helpers shared with the npm scripts
import { ensureDevVars, freePort } from "../../scripts/lib/env.mjs";

export type E2EContext = { url: string; mailUrl: string; devToken: string };

declare module "vitest" {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}

export default async function setup(project: TestProject) {
  const root = join(import.meta.dirname, "../..");
  ensureChromium(); // before the stack starts, so a missing browser fails fast with its fix
  const vars: Record<string, string> = ensureDevVars(root);
  const persistTo = mkdtempSync(join(tmpdir(), "outcome-e2e-"));
  const [port, smtpPort, mailWebPort] = [await freePort(), await freePort(), await freePort()];
  const stack = await startStack({
    rootDir: root,
    port,
    smtpPort,
    mailWebPort,
    persistTo,
    stdio: process.env.E2E_VERBOSE ? "inherit" : "pipe",
  });
  const devToken = vars.DEV_ADMIN_TOKEN!;
  // wrangler dev reloads the worker when a source file changes (no flag turns that off); a reload
  // mid-request answers 503, so a developer editing while the e2e tests start gets a retry, not a failure.
  let seeded: Response;
  for (let attempt = 1; ; attempt++) {
    seeded = await fetch(`${stack.url}/api/v1/dev/seed`, {
      method: "POST",
      headers: { authorization: `Bearer ${devToken}` },
    });
    if (seeded.status !== 503 || attempt === 5) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  if (!seeded.ok) throw new Error(`seeding the demo failed: HTTP ${seeded.status} ${await seeded.text()}`);
  project.provide("e2e", { url: stack.url, mailUrl: stack.mailUrl, devToken });
  return async () => {
    await stack.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
