#!/usr/bin/env node
// npm run deploy -- --env staging|production [--config path/to/wrangler.toml] [--dry-run] [--skip-audit]
//
// 1. refuses while the environment still has placeholders (REPLACE_…, example.org), saying where each
//    real value comes from;
// 2. runs the checks of `npm run deploy:check` for that environment, including the bundle built by
//    `wrangler deploy --dry-run` (which runs the [build] command, as the real deploy does again);
// 2c. refuses while `npm audit --omit=dev` reports a high or critical advisory in a production dependency,
//    or cannot answer (no network, registry refusing the audit endpoint) — `--skip-audit` deploys anyway
//    with a warning (README "Dependencies and advisories" says when that is acceptable);
// 3. applies the D1 migrations remotely: wrangler d1 migrations apply DB --remote --env <env>;
// 4. deploys: wrangler deploy --env <env>;
// 5. lists missing secrets (wrangler secret list: names only) and prints the next steps.
// --dry-run prints the remote commands instead of running them. Secret values are never read or printed.
import { existsSync } from "node:fs";
import {
  checkEnvironment,
  DEPLOYABLE_ENVS,
  judgeAudit,
  loadRequirements,
  parseArgs,
  relativeToCwd,
  run,
  WRANGLER_BIN,
} from "./lib/deploy-config.mjs";
import { WRANGLER_ENV } from "./lib/env.mjs";

const USAGE = `usage: npm run deploy -- --env staging|production [--dry-run] [--skip-audit] [--config <wrangler.toml>]`;
const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.unknown.length) {
  console.error(`deploy: unknown argument ${args.unknown.join(" ")}\n${USAGE}`);
  process.exit(2);
}
if (!args.env || !DEPLOYABLE_ENVS.includes(args.env)) {
  console.error(
    `deploy: say which environment to deploy: --env ${DEPLOYABLE_ENVS.join(" or --env ")}.\n` +
      `There is no default on purpose: the top level of wrangler.toml is local development and is never deployed,\n` +
      `and a deploy without --env would put the local settings ` +
      `(http://127.0.0.1 links, the local SMTP catcher) live.\n` +
      `${USAGE}\n(npm run deploy:check checks both environments offline.)`,
  );
  process.exit(2);
}
if (!existsSync(args.configPath)) {
  console.error(`deploy: no config file at ${args.configPath}`);
  process.exit(2);
}

const envName = args.env;
const configArgs = args.config ? ["--config", relativeToCwd(args.configPath)] : [];
const show = (cmdArgs) =>
  ["npx", "wrangler", ...cmdArgs]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
const req = await loadRequirements();

console.log(
  `deploy ${envName} (${relativeToCwd(args.configPath)})${args.dryRun ? " — dry run: nothing remote will run" : ""}`,
);

// 1 + 2a. Configuration, placeholders first.
const checked = await checkEnvironment(args.configPath, envName, { bundle: false });
const config = checked.config;
if (checked.placeholders.length) {
  console.error(
    `\ndeploy: refused: ${envName} still has ${checked.placeholders.length} ` +
      `placeholder(s) in ${relativeToCwd(args.configPath)}:`,
  );
  for (const p of checked.placeholders) console.error(`  - ${p.path} = ${JSON.stringify(p.value)}\n      ${p.hint}`);
  if (config) {
    console.error("\nFirst deployment of this environment, once (needs a Cloudflare login: npx wrangler login):");
    for (const d of config.d1_databases ?? [])
      console.error(`  ${show(["d1", "create", d.database_name])}   → database_id`);
    for (const q of config.queues?.producers ?? []) console.error(`  ${show(["queues", "create", q.queue])}`);
    console.error(
      "  add the custom domain's zone to the Cloudflare account " +
        '(routes = [{ pattern = "<host>", custom_domain = true }])',
    );
  }
  process.exit(1);
}
if (checked.errors.length) {
  console.error(`\ndeploy: refused: ${envName} is not deployable:`);
  for (const e of checked.errors) console.error(`  ✗ ${envName}: ${e}`);
  process.exit(1);
}
for (const w of checked.warnings) console.log(`  ! ${envName}: ${w}`);
console.log(`  ✓ every binding, var and setting of ${envName} present (Worker ${config.name})`);

// 2b. The bundle, built exactly as the deploy builds it ([build] runs first), offline.
const bundled = await checkEnvironment(args.configPath, envName, { bundle: true });
if (bundled.errors.length) {
  console.error(`\ndeploy: refused: the bundle check failed:`);
  for (const e of bundled.errors) console.error(`  ✗ ${envName}: ${e}`);
  process.exit(1);
}
for (const w of bundled.warnings.filter((w) => !checked.warnings.includes(w))) console.log(`  ! ${envName}: ${w}`);
console.log(`  ✓ bundle: ${bundled.size.line} — ${bundled.size.summary}`);

// 3 + 4. The remote steps.
const steps = [
  ...(config.d1_databases ?? [])
    .filter((d) => d.migrations_dir)
    .map((d) => ({
      what: `apply the D1 migrations of ${d.binding} (${d.database_name}) remotely`,
      args: ["d1", "migrations", "apply", d.binding, "--remote", "--env", envName, ...configArgs],
    })),
  { what: `deploy the Worker ${config.name}`, args: ["deploy", "--env", envName, ...configArgs] },
];
const secretListArgs = ["secret", "list", "--env", envName, "--format", "json", ...configArgs];

// The remote commands' wrangler. OM_DEPLOY_WRANGLER_BIN substitutes a stand-in that records its arguments
// (test/tooling: the non-dry-run path without Cloudflare); the offline bundle check always uses wrangler.
const remoteWrangler = process.env.OM_DEPLOY_WRANGLER_BIN || WRANGLER_BIN;
// Remote commands may prompt (migrations ask before applying) unless the caller runs in CI.
const remoteEnv = { ...WRANGLER_ENV };
if (!process.env.CI) delete remoteEnv.CI;

// 2c. Known advisories in what runs in production. OM_DEPLOY_NPM_BIN substitutes a stand-in (test/tooling).
const auditArgs = ["audit", "--omit=dev", "--audit-level=high", "--json"];
if (!args.dryRun) {
  const res = await run(process.env.OM_DEPLOY_NPM_BIN || "npm", auditArgs, { env: process.env });
  const audit = judgeAudit(res.stdout);
  if (audit.unreachable) {
    const why =
      `\`npm ${auditArgs.join(" ")}\` gave no report ` + `(exit ${res.code}): the advisory database was not reachable`;
    if (!args.skipAudit) {
      console.error(
        `\ndeploy: refused: ${why}.\nRun it again with network access, or ` +
          `deploy with --skip-audit (see README "Dependencies and advisories").`,
      );
      process.exit(1);
    }
    console.log(`  ! ${why}; deploying anyway (--skip-audit)`);
  } else if (!audit.ok) {
    console.error(`\ndeploy: refused: high or critical advisories in production dependencies:`);
    for (const f of audit.findings) console.error(`  ✗ ${f.name} (${f.severity}) ${f.title} ${f.url}`.trimEnd());
    console.error("Update them (npm update / a newer exact version in package.json), run npm test, then deploy.");
    process.exit(1);
  } else console.log("  ✓ npm audit --omit=dev: no high or critical advisory");
}

if (args.dryRun) {
  console.log("\nWould run, in this order (dry run: none of these was run):");
  console.log(
    `  would run: npm ${auditArgs.join(" ")}\n      refuse on a high or critical advisory in a production dependency`,
  );
  for (const s of steps) console.log(`  would run: ${show(s.args)}\n      ${s.what}`);
  console.log(`  would run: ${show(secretListArgs)}\n      list which secrets the Worker has (names only)`);
} else {
  for (const s of steps) {
    console.log(`\n→ ${s.what}: ${show(s.args)}`);
    const res = await run(remoteWrangler, s.args, { env: remoteEnv, inherit: true });
    if (res.code !== 0) {
      console.error(`\ndeploy: stopped: \`${show(s.args)}\` exited with ${res.code}. Nothing after it was run.`);
      if (s.args[0] === "deploy")
        console.error("The migrations above were applied; they are written to be safe for the running Worker version.");
      process.exit(1);
    }
  }
}

// 5. Secrets and next steps.
const transport = String(config.vars?.MAIL_TRANSPORT ?? "");
const ts = req.transportSecrets[transport] ?? { required: [], optional: [] };
const required = [...req.secrets, ...ts.required];
let present = null;
if (!args.dryRun) {
  const res = await run(remoteWrangler, secretListArgs, { env: remoteEnv });
  try {
    const list = JSON.parse(res.stdout.slice(res.stdout.indexOf("[")));
    if (res.code === 0 && Array.isArray(list)) present = new Set(list.map((s) => s.name));
  } catch {
    present = null;
  }
}
console.log(`\nNext steps for ${envName}:`);
const missing = present ? required.filter((k) => !present.has(k)) : required;
const optional = present ? ts.optional.filter((k) => !present.has(k)) : ts.optional;
if (present && !missing.length) console.log(`  ✓ secrets: ${required.join(", ")} are set`);
else {
  console.log(
    present
      ? `  secrets missing (the Worker answers 503 and sends nothing until they are set):`
      : `  secrets, if not set yet (${args.dryRun ? "" : "could not list them; "}check ` +
          `with: ${show(["secret", "list", "--env", envName, ...configArgs])}):`,
  );
  for (const k of missing) {
    const how = k === "CONTACT_KEY" ? "openssl rand -base64 32" : "openssl rand -base64 32 | tr '+/' '-_' | tr -d '='";
    console.log(`    ${how} | ${show(["secret", "put", k, "--env", envName, ...configArgs])}`);
  }
}
for (const k of optional)
  console.log(
    `    ${show(["secret", "put", k, "--env", envName, ...configArgs])}   ` +
      `(only if the ${transport} relay asks for authentication)`,
  );
console.log(`  the first admin: npm run setup -- --admin <email> --remote --env ${envName}`);
console.log(`  watch it run:    ${show(["tail", "--env", envName, ...configArgs])}`);
if (config.vars?.PUBLIC_URL) console.log(`  open:            ${config.vars.PUBLIC_URL}/staff/sign-in`);
console.log(
  args.dryRun
    ? `\ndeploy --dry-run: ${envName} is ready to deploy; nothing remote was run.`
    : `\ndeploy: ${envName} deployed.`,
);
