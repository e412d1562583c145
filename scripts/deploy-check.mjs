#!/usr/bin/env node
// npm run deploy:check [-- --env staging|production|all] [--config path/to/wrangler.toml]
//
// Offline check of the deployable environments of wrangler.toml (default: staging and production):
// every binding, var and setting the Worker needs (worker/bindings.ts) resolved as `wrangler deploy
// --env <env>` resolves it, then the bundle built by `wrangler deploy --dry-run` against the Worker
// size limit. Exit 1 on any error. Placeholders (REPLACE_…, example.org) are warnings here, so CI passes
// on the committed file; `npm run deploy` refuses them.
import { existsSync } from "node:fs";
import {
  checkEnvironment,
  crossEnvErrors,
  DEPLOYABLE_ENVS,
  parseArgs,
  relativeToCwd,
  SIZE_LIMITS,
} from "./lib/deploy-config.mjs";

const USAGE = `usage: npm run deploy:check [-- --env staging|production|all] [--config <wrangler.toml>]`;

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.unknown.length) {
  console.error(`deploy:check: unknown argument ${args.unknown.join(" ")}\n${USAGE}`);
  process.exit(2);
}
const envs = !args.env || args.env === "all" ? DEPLOYABLE_ENVS : [args.env];
for (const e of envs) {
  if (!DEPLOYABLE_ENVS.includes(e)) {
    console.error(
      `deploy:check: --env must be ${DEPLOYABLE_ENVS.join(", ")} or all (the ` +
        `top level of wrangler.toml is local development and is never deployed)`,
    );
    process.exit(2);
  }
}
if (!existsSync(args.configPath)) {
  console.error(`deploy:check: no config file at ${args.configPath}`);
  process.exit(2);
}

console.log(`deploy:check ${relativeToCwd(args.configPath)}: ${envs.join(", ")}`);
let failed = false;
const configs = {};
for (const envName of envs) {
  const r = await checkEnvironment(args.configPath, envName);
  if (r.config) configs[envName] = r.config;
  console.log(`\n[${envName}]${r.config ? ` Worker ${r.config.name}` : ""}`);
  for (const e of r.errors) console.log(`  ✗ ${envName}: ${e}`);
  for (const w of r.warnings) console.log(`  ! ${envName}: ${w}`);
  for (const p of r.placeholders)
    console.log(`  ! ${envName}: placeholder ${p.path} = ${JSON.stringify(p.value)} — ${p.hint}`);
  if (r.size) console.log(`  bundle: ${r.size.line} — ${r.size.summary}`);
  else if (r.bundleSkipped) console.log("  bundle: not built (fix the errors above first)");
  if (r.errors.length) failed = true;
  else {
    const left = r.placeholders.length
      ? `; ${r.placeholders.length} placeholder(s) left (npm run deploy refuses them)`
      : "";
    console.log(`  ✓ ${envName}: every binding, var and setting present${left}`);
  }
}
if (Object.keys(configs).length > 1) {
  const cross = crossEnvErrors(configs);
  for (const e of cross) console.log(`  ✗ ${e}`);
  if (cross.length) failed = true;
}
console.log(`\nWorker size limit: ${SIZE_LIMITS.source}`);
console.log(failed ? "deploy:check FAILED" : "deploy:check passed");
process.exit(failed ? 1 : 0);
