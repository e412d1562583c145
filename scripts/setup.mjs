#!/usr/bin/env node
// `npm run setup -- --admin <email> [--name <name>] [--local | --remote] [--env <name>] [--persist-to <dir>]`
//
// Makes an empty D1 database ready for a study: applies the migrations, installs the built-in
// questionnaires as version 1 and creates the first admin if there is none — then says what to do next.
// Every step is idempotent: running it twice changes nothing. It runs the very SQL the Worker runs
// (worker/studies/setup-sql.ts), through `wrangler d1 execute`, so it works before the Worker is deployed.
import { build } from "esbuild";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { fail, parseArgs } from "./lib/cli.mjs";
import { readEnvConfig, ROOT, run, WRANGLER_BIN } from "./lib/deploy-config.mjs";

const USAGE =
  `Usage: npm run setup -- --admin <email> [--name <name>] [--local ` +
  `| --remote] [--env <staging|production>] [--persist-to <dir>]

  --admin <email>   the first admin's e-mail address; she signs in with a link sent there
  --name <name>     her display name (default: the part of the address before @)
  --local           the local development database (default; what \`npm start\` and \`wrangler dev\` use)
  --remote          the Cloudflare D1 database of the environment (needs \`wrangler login\` or CLOUDFLARE_API_TOKEN)
  --env <name>      the wrangler.toml environment (staging, production); without it the top-level config
  --persist-to <d>  local only: the folder wrangler keeps local state in (as \`wrangler dev --persist-to\`)`;

function parse(argv) {
  const out = parseArgs(argv, {
    usage: USAGE,
    values: {
      "--admin": "admin",
      "--name": "name",
      "--env": "env",
      "-e": "env",
      "--persist-to": ["persistTo", resolve],
      "--config": ["config", resolve],
      "-c": ["config", resolve],
    },
  });
  if (out.remote && out.persistTo) fail("--persist-to is for the local database only.", 2);
  if (!out.admin) fail(`--admin <email> is required: the first admin signs in with a link sent to it.\n\n${USAGE}`, 2);
  return out;
}

/** worker/studies/setup-sql.ts and the API's e-mail rule, bundled for Node (esbuild, into a temp folder). */
async function loadShared(dir) {
  const entry =
    `export { builtInInstrumentStatements, firstAdminStatements, ` +
    `inlineSql } from "./worker/studies/setup-sql.ts";
export { email } from "./worker/studies/validators.ts";`;
  const out = join(dir, "setup-shared.mjs");
  await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: "ts", sourcefile: "setup-entry.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: out,
    logLevel: "silent",
  });
  return import(pathToFileURL(out).href);
}

const opts = parse(process.argv.slice(2));
const tmp = mkdtempSync(join(tmpdir(), "outcome-setup-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
const shared = await loadShared(tmp);

const parsed = shared.email.safeParse(opts.admin);
if (!parsed.success) fail(`"${opts.admin}" is not an e-mail address. Nothing was changed.`, 2);
const adminEmail = parsed.data;
const adminName = (opts.name ?? adminEmail.split("@")[0]).trim().slice(0, 120);
if (!adminName) fail("--name must not be empty. Nothing was changed.", 2);

const configPath = opts.config ?? join(ROOT, "wrangler.toml");
let publicUrl = "http://127.0.0.1:8787";
if (opts.env) {
  const resolved = await readEnvConfig(configPath, opts.env);
  if (resolved.missingEnv) fail(`wrangler.toml has no [env.${opts.env}]. Nothing was changed.`, 2);
  publicUrl = resolved.config.vars?.PUBLIC_URL ?? publicUrl;
}
const where = opts.remote ? "--remote" : "--local";
const target = [
  "--config",
  configPath,
  where,
  ...(opts.env ? ["--env", opts.env] : []),
  ...(opts.persistTo ? ["--persist-to", opts.persistTo] : []),
];
const label = `${opts.remote ? "remote" : "local"} D1 database${opts.env ? ` of ${opts.env}` : ""}`;

async function wrangler(args, what) {
  const r = await run(WRANGLER_BIN, args);
  if (r.code !== 0) {
    const detail = (r.stderr || r.stdout)
      .split("\n")
      .filter((l) => l.trim())
      .slice(-8)
      .join("\n");
    fail(`${what} failed:\n${detail}`);
  }
  return r.stdout;
}

/** Runs SELECTs; returns one array of rows per statement (an error names the missing table, if any). */
async function query(sql) {
  const r = await run(WRANGLER_BIN, ["d1", "execute", "DB", ...target, "--json", "--command", sql]);
  if (r.code !== 0) return { error: (r.stderr + r.stdout).trim() };
  try {
    return { results: JSON.parse(r.stdout).map((s) => s.results ?? []) };
  } catch {
    return { error: `unexpected output from wrangler d1 execute: ${r.stdout.slice(0, 200)}` };
  }
}

console.log(`Setting up the ${label}…`);

// 1. Migrations this checkout does not know mean the database was set up by newer code: stop first.
const applied = await query("SELECT name FROM d1_migrations ORDER BY id");
if (applied.error && !/no such table/i.test(applied.error))
  fail(`Could not read the ${label}:\n${applied.error.split("\n").slice(-6).join("\n")}`);
const appliedNames = applied.results?.[0]?.map((r) => r.name) ?? [];
const known = readdirSync(join(ROOT, "schema/migrations"))
  .filter((f) => f.endsWith(".sql"))
  .sort();
const unknown = appliedNames.filter((n) => !known.includes(n));
if (unknown.length) {
  fail(
    `The ${label} has migrations this checkout does not know: ${unknown.join(", ")}.\n` +
      "  It was set up by a newer version of this code. Update this checkout (git pull) and run setup again.\n" +
      "  Nothing was changed.",
  );
}
const pending = known.filter((n) => !appliedNames.includes(n));

// 2. Migrations (each one atomic; wrangler applies only those not yet applied).
if (pending.length) {
  await wrangler(["d1", "migrations", "apply", "DB", ...target], "Applying the migrations");
  console.log(`  ✓ migrations applied: ${pending.join(", ")}`);
} else console.log(`  ✓ migrations up to date (${known.length})`);

// 3. Built-in questionnaires and the first admin: idempotent statements, written as one SQL file.
const before = await query(
  "SELECT COUNT(*) AS n FROM instrument_versions; SELECT email FROM " +
    "staff_users WHERE is_admin = 1 AND disabled_at IS NULL ORDER BY id",
);
if (before.error) fail(`Could not read the ${label}:\n${before.error}`);
const now = Date.now();
const sqlFile = join(tmp, "setup.sql");
writeFileSync(
  sqlFile,
  [...shared.builtInInstrumentStatements(now), ...shared.firstAdminStatements(adminEmail, adminName, now)]
    .map(shared.inlineSql)
    .join("\n") + "\n",
);
await wrangler(
  ["d1", "execute", "DB", ...target, "--yes", "--file", sqlFile],
  "Installing the built-in questionnaires and the first admin",
);
const after = await query(
  "SELECT COUNT(*) AS n FROM instrument_versions; SELECT email FROM " +
    "staff_users WHERE is_admin = 1 AND disabled_at IS NULL ORDER BY id",
);
if (after.error) fail(`Could not read the ${label}:\n${after.error}`);
const added = after.results[0][0].n - before.results[0][0].n;
console.log(
  added
    ? `  ✓ built-in questionnaires installed (${added} definitions, version 1)`
    : "  ✓ built-in questionnaires already installed",
);
const admins = after.results[1].map((r) => r.email);
const existing = before.results[1].map((r) => r.email);
if (existing.length) console.log(`  ✓ an admin exists already (${existing.join(", ")}); no admin created`);
else if (admins.includes(adminEmail)) console.log(`  ✓ first admin created: ${adminEmail}`);
else fail(`The first admin was not created (admins now: ${admins.join(", ") || "none"}).`);

const envFlag = opts.env ? ` --env ${opts.env}` : "";
const startStep = opts.remote
  ? `Deploy the Worker if you have not: npm run deploy --${envFlag}`
  : "Start the Worker: npx wrangler dev (or npm start for the demo study)";
console.log(`
Next steps
  1. ${startStep}
  2. Sign in at ${publicUrl}/staff/sign-in with ${admins[0] ?? adminEmail}: the sign-in link arrives by e-mail.
  3. Under Beheer (${publicUrl}/staff/admin): create the pilots, add researchers and coordinators with their roles.
  4. A researcher enrols the first youth on the pilot page; the next scheduled run (every 15 minutes)
     sends her invitation. Watch it with: npx wrangler tail${envFlag}
`);
