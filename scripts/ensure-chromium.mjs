#!/usr/bin/env node
// A real browser for e2e checks. `npx playwright install` cannot download browsers here, so we
// use Debian's chromium and drive it with playwright-core.
import { ensureAptBinary } from "./lib/apt.mjs";
import { fileURLToPath } from "node:url";

const CHROMIUM = "/usr/bin/chromium";
// Flags proven on these machines: no sandbox (we run as root), and nothing that phones home.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Returns the chromium executable path, installing Debian's package when running as root. */
export function ensureChromium() {
  return ensureAptBinary(CHROMIUM, "chromium", { why: "real-browser tests" });
}

/** Launches headless chromium via playwright-core; each launch gets a fresh temporary profile. */
export async function launchChromium(options = {}) {
  const { chromium } = await import("playwright-core");
  // launch() (unlike launchPersistentContext) creates and later deletes its own temp user-data-dir.
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true, ...options });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
