// npm run deploy:check and npm run deploy --dry-run, as child processes, offline: the committed
// wrangler.toml passes (placeholders are warnings), copies with one binding removed fail naming it,
// and deploy refuses placeholders but, once they are filled in, only prints the remote commands.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  fillPlaceholders,
  portableWranglerToml,
  removeTable,
  removeTempConfigs,
  replaceLineIn,
  runCommand,
  ROOT,
  runScript,
  writeTempConfig,
} from "./support";

afterAll(removeTempConfigs);

describe("deploy:check on the committed wrangler.toml", () => {
  it("passes for staging and production, warns about each placeholder and prints the bundle size", async () => {
    // --ignore-scripts: the script itself, without its pre-hook (ensure-deps, which may run `npm ci` and would
    // empty a node_modules shared with another checkout; the suite already runs on installed dependencies)
    const r = await runCommand("npm", ["run", "-s", "--ignore-scripts", "deploy:check"]);
    expect(r.code, r.output).toBe(0);
    for (const env of ["staging", "production"]) {
      expect(r.stdout).toContain(`[${env}]`);
      expect(r.stdout).toContain(`✓ ${env}: every binding, var and setting present`);
      expect(r.stdout).toMatch(
        new RegExp(
          `! ${env}: placeholder d1_databases\\[0\\]\\.database_id ` +
            `= "REPLACE_WITH_${env.toUpperCase()}_D1_DATABASE_ID"`,
        ),
      );
      expect(r.stdout).toContain(`! ${env}: placeholder vars.SMTP_HOST = "REPLACE_WITH_SMTP_RELAY_HOST"`);
      expect(r.stdout).toContain(`! ${env}: placeholder vars.MAIL_FROM`);
      expect(r.stdout).toContain(`! ${env}: placeholder vars.PUBLIC_URL`);
      expect(r.stdout).toContain(`! ${env}: placeholder routes[0].pattern`);
    }
    expect(r.stdout).toContain("wrangler d1 create outcome-monitor-staging");
    const sizes = [...r.stdout.matchAll(/bundle: Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/g)];
    expect(sizes).toHaveLength(2);
    for (const [, total, gzip] of sizes) {
      expect(Number(gzip)).toBeGreaterThan(50);
      expect(Number(gzip)).toBeLessThan(3 * 1024);
      expect(Number(total)).toBeGreaterThan(Number(gzip));
    }
    expect(r.stdout).toContain("of the 64 MiB limit");
    expect(r.stdout).toContain("deploy:check passed");
  });

  it("rejects the local top level and unknown environments as targets", async () => {
    const r = await runScript("deploy-check.mjs", ["--env", "local"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--env must be staging, production or all");
  });
});

describe("deploy:check fails with the binding's name when one is missing", () => {
  const base = portableWranglerToml();
  const cases: Array<[string, (t: string) => string, RegExp]> = [
    ["D1", (t) => removeTable(t, "[[env.production.d1_databases]]"), /production: missing D1 database DB/],
    [
      "D1 migrations_dir",
      (t) => replaceLineIn(t, "[[env.production.d1_databases]]", "migrations_dir", null),
      /production: D1 database DB has no migrations_dir/,
    ],
    [
      "queue producer",
      (t) => removeTable(t, "[[env.production.queues.producers]]"),
      /production: missing Queue producer MAIL_QUEUE/,
    ],
    [
      "queue consumer",
      (t) => removeTable(t, "[[env.production.queues.consumers]]"),
      new RegExp(
        String.raw`production: missing Queue consumer for MAIL_QUEUE: no \[\[queues\.consumers\]\] ` +
          'with queue = "outcome-monitor-mail"',
      ),
    ],
    // [triggers] is inherited from the top level (unlike bindings), so an empty list is what loses the cron.
    [
      "cron",
      (t) => replaceLineIn(t, "[env.production.triggers]", "crons", "crons = []"),
      /production: missing cron trigger/,
    ],
    [
      "ratelimit",
      (t) => removeTable(t, "[[env.production.ratelimits]]"),
      /production: missing ratelimit SIGNIN_LIMITER/,
    ],
    ["send_email", (t) => removeTable(t, "[[env.production.send_email]]"), /production: missing send_email EMAIL/],
    [
      "PUBLIC_URL http://",
      (t) => replaceLineIn(t, "[env.production.vars]", "PUBLIC_URL", 'PUBLIC_URL = "http://vragenlijst.example.org"'),
      /production: var PUBLIC_URL must be an https:\/\/ origin/,
    ],
    [
      "PUBLIC_URL",
      (t) => replaceLineIn(t, "[env.production.vars]", "PUBLIC_URL", null),
      /production: missing var PUBLIC_URL/,
    ],
    [
      "SMTP_HOST",
      (t) => replaceLineIn(t, "[env.production.vars]", "SMTP_HOST", null),
      /production: missing var SMTP_HOST \(needed with MAIL_TRANSPORT = "smtp"\)/,
    ],
    ["[build]", (t) => removeTable(t, "[build]"), /production: missing \[build\] command/],
    [
      "observability",
      (t) => replaceLineIn(t, "[env.production.observability]", "enabled", "enabled = false"),
      /production: observability is off/,
    ],
    [
      "workers_dev = false",
      (t) => replaceLineIn(t, "[env.production]", "workers_dev", null),
      /production: workers_dev must be false/,
    ],
    [
      "route",
      (t) => replaceLineIn(t, "[env.production]", "routes", null),
      /production: missing route or custom domain/,
    ],
  ];

  it.each(cases)("without %s", async (_name, edit, message) => {
    const config = writeTempConfig(edit(base));
    const r = await runScript("deploy-check.mjs", ["--env", "production", "--config", config]);
    expect(r.code, r.output).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(r.stdout).toContain("deploy:check FAILED");
    // The broken environment is not bundled: the errors come first.
    expect(r.stdout).toContain("bundle: not built");
  });

  it("a secret written into [vars] fails, without printing its value", async () => {
    const config = writeTempConfig(
      replaceLineIn(
        base,
        "[env.production.vars]",
        "MAIL_FROM_NAME",
        'MAIL_FROM_NAME = "Vragenlijst"\nSESSION_SECRET = "s3cr3t-value-that-must-not-be-printed"',
      ),
    );
    const r = await runScript("deploy-check.mjs", ["--env", "production", "--config", config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("production: SESSION_SECRET is a secret: remove it from [vars]");
    expect(r.output).not.toContain("s3cr3t-value");
  });

  it("staging must not share production's queue", async () => {
    const config = writeTempConfig(base.replace(/"outcome-monitor-mail-staging"/g, '"outcome-monitor-mail"'));
    const r = await runScript("deploy-check.mjs", ["--config", config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("staging and production share the queue outcome-monitor-mail");
  });

  it("a config wrangler cannot read fails with wrangler's own message", async () => {
    const config = writeTempConfig(base.replace("[[env.production.send_email]]", "[[env.production.send_email]"));
    const r = await runScript("deploy-check.mjs", ["--env", "production", "--config", config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/production: wrangler cannot read .*Invalid TOML/);
  });

  it("checks both environments by default and names the one that is broken", async () => {
    const config = writeTempConfig(removeTable(base, "[[env.staging.ratelimits]]"));
    const r = await runScript("deploy-check.mjs", ["--config", config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("staging: missing ratelimit SIGNIN_LIMITER");
    expect(r.stdout).not.toContain("production: missing");
    expect(r.stdout).toContain("✓ production: every binding, var and setting present");
  });
});

describe("npm run deploy", () => {
  it("refuses without --env and says why", async () => {
    const r = await runScript("deploy.mjs", ["--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--env staging or --env production");
    expect(r.stderr).toContain("never deployed");
  });

  it(
    "--dry-run --env production refuses while placeholders " + "remain, naming them and where each value comes from",
    async () => {
      const args = ["run", "-s", "--ignore-scripts", "deploy", "--", "--dry-run", "--env", "production"];
      const r = await runCommand("npm", args); // without the pre-hook, as above
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/deploy: refused: production still has \d+ placeholder\(s\)/);
      expect(r.stderr).toContain('d1_databases[0].database_id = "REPLACE_WITH_PRODUCTION_D1_DATABASE_ID"');
      expect(r.stderr).toContain("`npx wrangler d1 create outcome-monitor` prints it");
      expect(r.stderr).toContain('vars.SMTP_HOST = "REPLACE_WITH_SMTP_RELAY_HOST"');
      expect(r.stderr).toContain("SMTP relay host");
      expect(r.stderr).toContain("routes[0].pattern");
      expect(r.stderr).toContain("custom domain");
      expect(r.stderr).toContain("npx wrangler queues create outcome-monitor-mail");
      expect(r.output).not.toContain("would run:");
    },
  );

  it(
    "with the placeholders filled in, --dry-run lists the " +
      "remote migration and deploy commands and runs nothing remote",
    async () => {
      const config = writeTempConfig(fillPlaceholders(portableWranglerToml()));
      // No Cloudflare credentials and an unroutable API: a remote command, if one ran, would fail.
      const r = await runScript("deploy.mjs", ["--dry-run", "--env", "production", "--config", config], {
        env: { CLOUDFLARE_API_TOKEN: undefined, CLOUDFLARE_API_BASE_URL: "http://127.0.0.1:9/client/v4" },
      });
      expect(r.code, r.output).toBe(0);
      expect(r.stdout).toMatch(/✓ bundle: Total Upload: [\d.]+ KiB \/ gzip: [\d.]+ KiB/);
      const would = r.stdout.split("\n").filter((l) => l.includes("would run:"));
      expect(would[0]).toContain("npm audit --omit=dev --audit-level=high --json");
      expect(would[1]).toContain(`npx wrangler d1 migrations apply DB --remote --env production --config ${config}`);
      expect(would[2]).toContain(`npx wrangler deploy --env production --config ${config}`);
      expect(would[3]).toContain("npx wrangler secret list --env production");
      expect(would).toHaveLength(4);
      for (const k of ["LINK_SECRET", "CONTACT_KEY", "SESSION_SECRET"])
        expect(r.stdout).toContain(`secret put ${k} --env production`);
      expect(r.stdout).toContain("npm run setup -- --admin <email> --remote --env production");
      expect(r.stdout).toContain("npx wrangler tail --env production");
      expect(r.stdout).toContain("nothing remote was run");
      expect(r.output).not.toMatch(/Uploaded|Deployed outcome-monitor|Migrations to be applied/);
    },
  );
});

describe("bundle size judgement", () => {
  const judge = async (expr: string) => {
    const code =
      `import("${join(ROOT, "scripts/lib/deploy-config.mjs")}").then((m) ` + `=> console.log(JSON.stringify(${expr})))`;
    const r = await runCommand(process.execPath, ["-e", code]);
    expect(r.code, r.output).toBe(0);
    return JSON.parse(r.stdout);
  };
  const MiB = 1024 * 1024;

  it("parses wrangler's Total Upload line, coloured or not", async () => {
    expect(
      await judge(`m.parseTotalUpload("\\x1b[32mTotal Upload: 1286.70 KiB / gzip: 267.69 KiB\\x1b[39m")`),
    ).toMatchObject({
      bytes: Math.round(1286.7 * 1024),
      gzipBytes: Math.round(267.69 * 1024),
    });
    expect(await judge(`m.parseTotalUpload("no size here")`)).toBeNull();
  });

  it("fails above 64 MiB uncompressed or 10 MiB gzip, warns above 3 MiB gzip", async () => {
    const ok = await judge(`m.judgeBundleSize({ bytes: ${2 * MiB}, gzipBytes: ${0.5 * MiB} })`);
    expect(ok).toMatchObject({ errors: [], warnings: [] });
    const free = await judge(`m.judgeBundleSize({ bytes: ${12 * MiB}, gzipBytes: ${4 * MiB} })`);
    expect(free.errors).toEqual([]);
    expect(free.warnings[0]).toContain("former 3 MiB Free-plan limit");
    const paid = await judge(`m.judgeBundleSize({ bytes: ${40 * MiB}, gzipBytes: ${11 * MiB} })`);
    expect(paid.errors[0]).toContain("over 10 MiB");
    const big = await judge(`m.judgeBundleSize({ bytes: ${65 * MiB}, gzipBytes: ${2 * MiB} })`);
    expect(big.errors[0]).toContain("over the 64 MiB Worker size limit");
  });
});

describe("npm run deploy without --dry-run (a recording stand-in for wrangler's remote commands)", () => {
  function fakeWrangler(config: string, failOn?: string) {
    const dir = dirname(config);
    const log = join(dir, "calls.jsonl");
    const bin = join(dir, "fake-wrangler.mjs");
    writeFileSync(
      bin,
      `#!/usr/bin/env node
import { appendFileSync } from "node:fs";
const args = process.argv.slice(2);
appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + "\\n");
if (${JSON.stringify(failOn ?? "")} === args[0]) process.exit(3);
if (args[0] === "secret" && args[1] === "list") ` +
        `console.log(JSON.stringify([{ name: "LINK_SECRET", type: "secret_text" }]));
`,
    );
    chmodSync(bin, 0o755);
    const calls = () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as string[])
        : [];
    return { bin, calls };
  }

  /** A stand-in for `npm audit --json`: "clean", one "high" advisory, or no report (the endpoint refused). */
  function fakeNpm(config: string, answer: "clean" | "high" | "unreachable") {
    const bin = join(dirname(config), `fake-npm-${answer}.mjs`);
    const counts = {
      info: 0,
      low: 0,
      moderate: 0,
      high: answer === "high" ? 1 : 0,
      critical: 0,
      total: answer === "high" ? 1 : 0,
    };
    const vulnerabilities =
      answer === "high"
        ? {
            "some-lib": {
              name: "some-lib",
              severity: "high",
              via: [{ title: "Prototype pollution", url: "https://github.com/advisories/GHSA-xxxx" }],
            },
          }
        : {};
    const out =
      answer === "unreachable" ? "" : JSON.stringify({ vulnerabilities, metadata: { vulnerabilities: counts } });
    const reply =
      answer === "unreachable"
        ? `console.error("npm error audit endpoint returned an error"); process.exit(1);`
        : `console.log(${JSON.stringify(out)}); process.exit(${answer === "high" ? 1 : 0});`;
    writeFileSync(
      bin,
      `#!/usr/bin/env node
if (process.argv[2] !== "audit" || !process.argv.includes("--omit=dev")) process.exit(9);
${reply}
`,
    );
    chmodSync(bin, 0o755);
    return bin;
  }
  const clean = (config: string) => ({ OM_DEPLOY_NPM_BIN: fakeNpm(config, "clean") });

  it("refuses before any remote command while a production dependency has a high advisory", async () => {
    const config = writeTempConfig(fillPlaceholders(portableWranglerToml()));
    const fake = fakeWrangler(config);
    const r = await runScript("deploy.mjs", ["--env", "staging", "--config", config], {
      env: { OM_DEPLOY_WRANGLER_BIN: fake.bin, OM_DEPLOY_NPM_BIN: fakeNpm(config, "high") },
    });
    expect(r.code, r.output).toBe(1);
    expect(r.stderr).toContain("high or critical advisories");
    expect(r.stderr).toContain("some-lib (high) Prototype pollution");
    expect(fake.calls()).toEqual([]);
  });

  it("refuses when the advisory database gives no answer, unless --skip-audit says so", async () => {
    const config = writeTempConfig(fillPlaceholders(portableWranglerToml()));
    const fake = fakeWrangler(config);
    const env = { OM_DEPLOY_WRANGLER_BIN: fake.bin, OM_DEPLOY_NPM_BIN: fakeNpm(config, "unreachable") };
    const refused = await runScript("deploy.mjs", ["--env", "staging", "--config", config], { env });
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stderr).toContain("advisory database was not reachable");
    expect(fake.calls()).toEqual([]);
    const skipped = await runScript("deploy.mjs", ["--env", "staging", "--skip-audit", "--config", config], { env });
    expect(skipped.code, skipped.output).toBe(0);
    expect(skipped.stdout).toContain("deploying anyway (--skip-audit)");
    expect(fake.calls().map((c) => c[0])).toEqual(["d1", "deploy", "secret"]);
  });

  it("applies the migrations, deploys, then names only the secrets still missing", async () => {
    const config = writeTempConfig(fillPlaceholders(portableWranglerToml()));
    const fake = fakeWrangler(config);
    const r = await runScript("deploy.mjs", ["--env", "staging", "--config", config], {
      env: { OM_DEPLOY_WRANGLER_BIN: fake.bin, ...clean(config) },
    });
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain("✓ npm audit --omit=dev: no high or critical advisory");
    expect(fake.calls()).toEqual([
      ["d1", "migrations", "apply", "DB", "--remote", "--env", "staging", "--config", config],
      ["deploy", "--env", "staging", "--config", config],
      ["secret", "list", "--env", "staging", "--format", "json", "--config", config],
    ]);
    expect(r.stdout).toContain("secrets missing");
    expect(r.stdout).toContain("secret put CONTACT_KEY --env staging");
    expect(r.stdout).toContain("secret put SESSION_SECRET --env staging");
    expect(r.stdout).not.toContain("secret put LINK_SECRET");
    expect(r.stdout).toContain("deploy: staging deployed.");
  });

  it("stops at the first failing remote command", async () => {
    const config = writeTempConfig(fillPlaceholders(portableWranglerToml()));
    const fake = fakeWrangler(config, "deploy");
    const r = await runScript("deploy.mjs", ["--env", "production", "--config", config], {
      env: { OM_DEPLOY_WRANGLER_BIN: fake.bin, ...clean(config) },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("deploy: stopped:");
    expect(fake.calls().map((c) => c[0])).toEqual(["d1", "deploy"]);
  });
});
