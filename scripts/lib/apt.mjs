// Debian packages the tests need (chromium, spamassassin): installed with apt when missing and we are
// root; otherwise a clear message says how. Offline machines still reach the Debian mirror.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

function apt(args) {
  // Wait for a concurrent apt/dpkg run (other tooling installs packages too) instead of failing.
  const res = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return res.status === 0;
}

/** Returns `binary` once it exists, installing Debian package `pkg` when running as root. */
export function ensureAptBinary(binary, pkg, { why = "" } = {}) {
  if (existsSync(binary)) return binary;
  if (process.getuid?.() !== 0) {
    throw new Error(`${binary} not found${why ? ` (${why})` : ""}. Install it with: sudo apt-get install -y ${pkg}`);
  }
  console.error(`[apt] installing ${pkg}${why ? ` (${why})` : ""}...`);
  // Only refresh the package lists when needed: `apt-get update` is the slow, network-bound part.
  const ok = apt(["install", "-y", pkg]) || (apt(["update"]) && apt(["install", "-y", pkg]));
  if (!ok || !existsSync(binary))
    throw new Error(`Installing ${pkg} failed. Try by hand: apt-get update && apt-get install -y ${pkg}`);
  return binary;
}
