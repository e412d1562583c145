#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.ts inside workerd and prints the figures they report.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules/vitest/vitest.mjs");
const r = spawnSync(
  process.execPath,
  [vitest, "run", "--config", "vitest.bench.config.ts", ...process.argv.slice(2).filter((a) => a !== "--no-http")],
  {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
    },
  },
);
process.stdout.write(r.stdout ?? "");
// The youth's GET and POST under `wrangler dev` against a bare Hono + D1 Worker (test/bench/http/run.mjs);
// skipped with --no-http or when a single bench file is named.
const args = process.argv.slice(2);
let http = { stdout: "", status: 0 };
if (!args.includes("--no-http") && !args.some((a) => a.endsWith(".bench.ts"))) {
  http = spawnSync(process.execPath, [join(root, "test/bench/http/run.mjs")], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
    },
  });
  process.stdout.write(http.stdout ?? "");
}
const figures = `${r.stdout ?? ""}\n${http.stdout ?? ""}`.split("\n").filter((l) => l.includes("BENCH "));
console.log("\n── Benchmark figures ──");
for (const f of figures) console.log(f.slice(f.indexOf("BENCH ")).trim());
if (!figures.length) console.log("(no figures printed)");
process.exit(r.status || http.status || 0);
