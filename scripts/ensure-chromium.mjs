#!/usr/bin/env node
// A real browser for e2e checks. `npx playwright install` cannot download browsers here, so we
// use Debian's chromium and drive it with playwright-core.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
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

function apt(args) {
  // Wait for a concurrent apt/dpkg run (other tooling installs packages too) instead of failing.
  const res = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", ...args], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return res.status === 0;
}

/** Returns the chromium executable path, installing Debian's package when running as root. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium`);
  }
  console.error("[ensure-chromium] installing chromium with apt-get (about 20 s)...");
  // Only refresh the package lists when needed: `apt-get update` is the slow, network-bound part.
  const ok = apt(["install", "-y", "chromium"]) ||
    (apt(["update"]) && apt(["install", "-y", "chromium"]));
  if (!ok || !existsSync(CHROMIUM)) {
    throw new Error(`Installing chromium failed. Try by hand: apt-get update && apt-get install -y chromium`);
  }
  return CHROMIUM;
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
