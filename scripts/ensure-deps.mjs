#!/usr/bin/env node
// Installs dependencies only when node_modules is missing or stale, so `npm start` / `npm test`
// work on a fresh clone and cost ~nothing otherwise.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lockFile = join(root, "package-lock.json");
const pkgFile = join(root, "package.json");
const modules = join(root, "node_modules");
const hashFile = join(modules, ".deps-hash");
const hiddenLock = join(modules, ".package-lock.json");

const hasLock = existsSync(lockFile);
// Without a lockfile, package.json is the only statement of what should be installed.
const wanted = createHash("sha256")
  .update(readFileSync(hasLock ? lockFile : pkgFile))
  .digest("hex");

function upToDate() {
  if (!existsSync(modules)) return false;
  if (existsSync(hashFile)) return readFileSync(hashFile, "utf8").trim() === wanted;
  // No stored hash (e.g. installed by hand): trust npm's hidden lockfile if it is not older than
  // the lockfile. npm writes it a few ms after package-lock.json, hence >= with a small slack.
  if (!hasLock || !existsSync(hiddenLock)) return false;
  return statSync(hiddenLock).mtimeMs + 1000 >= statSync(lockFile).mtimeMs;
}

if (upToDate()) {
  if (!existsSync(hashFile)) writeFileSync(hashFile, wanted + "\n");
  process.exit(0);
}

const args = hasLock ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
console.log(`[ensure-deps] dependencies missing or out of date: npm ${args.join(" ")}`);
// npm is a .cmd shim on Windows; a shell keeps this portable without extra code.
const res = spawnSync("npm", args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
if (res.status !== 0) {
  console.error(`[ensure-deps] npm ${args[0]} failed (exit ${res.status ?? res.signal})`);
  process.exit(res.status || 1);
}
// `npm install` may rewrite the lockfile, so hash what is on disk now.
const installed = createHash("sha256")
  .update(readFileSync(existsSync(lockFile) ? lockFile : pkgFile))
  .digest("hex");
writeFileSync(hashFile, installed + "\n");
