#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.ts inside workerd and prints the figures they report.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules/vitest/vitest.mjs");
const r = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.bench.config.ts", ...process.argv.slice(2)], {
  cwd: root,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});
process.stdout.write(r.stdout ?? "");
const figures = (r.stdout ?? "").split("\n").filter((l) => l.includes("BENCH "));
console.log("\n── Benchmark figures ──");
for (const f of figures) console.log(f.slice(f.indexOf("BENCH ")).trim());
if (!figures.length) console.log("(no figures printed)");
process.exit(r.status ?? 1);
