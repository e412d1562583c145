// Shared by scripts/deploy-check.mjs and scripts/deploy.mjs: resolves a deployable environment of
// wrangler.toml with wrangler's own reader, checks it against what the Worker needs
// (worker/bindings.ts, the one list of required bindings, vars and secrets), finds placeholders, and
// measures the bundle with `wrangler deploy --dry-run`. Everything here runs offline.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { WRANGLER_ENV } from "./env.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The environments `npm run deploy` may target (the top level of wrangler.toml is local development). */
export const DEPLOYABLE_ENVS = ["staging", "production"];
export const WRANGLER_BIN = join(ROOT, "node_modules", ".bin", "wrangler");

/**
 * Worker size limits. Since 2026-09-04 Cloudflare checks only the uncompressed upload: 64 MiB on every
 * plan (developers.cloudflare.com/workers/platform/limits/#worker-size, and wrangler PR #14001). Before,
 * the limit was 3 MiB gzip (Free) / 10 MiB gzip (Paid), which wrangler 4.86 still colours its report by.
 * deploy:check fails above 64 MiB uncompressed, and also above 10 MiB gzip (no plan ever accepted more:
 * a safe bound should an account or tool still apply the old rule); it warns above 3 MiB gzip.
 */
export const SIZE_LIMITS = {
  source: "https://developers.cloudflare.com/workers/platform/limits/#worker-size (checked 2026-11-29)",
  uncompressedMax: 64 * 1024 * 1024,
  gzipFormerPaid: 10 * 1024 * 1024,
  gzipFormerFree: 3 * 1024 * 1024,
};

const PLACEHOLDER = /REPLACE_[A-Z0-9_]*|(?:^|[.@/])example\.(?:org|com|net)\b/;

let requirementsPromise;
/**
 * worker/bindings.ts, loaded in Node: it is plain data, so esbuild's transform (no bundling) turns it
 * into a module we import from a data: URL. The Worker's type check keeps its names keys of Env.
 */
export function loadRequirements() {
  requirementsPromise ??= (async () => {
    const { transform } = await import("esbuild");
    const file = join(ROOT, "worker", "bindings.ts");
    const { code } = await transform(readFileSync(file, "utf8"), { loader: "ts", format: "esm", sourcefile: file });
    const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
    return mod.DEPLOY_REQUIREMENTS;
  })();
  return requirementsPromise;
}

/** Wrangler's own config reader; this process is short-lived, so wrangler's offline settings just apply to it. */
async function wranglerApi() {
  for (const k of [
    "WRANGLER_SEND_METRICS",
    "WRANGLER_HIDE_BANNER",
    "CLOUDFLARE_CF_FETCH_ENABLED",
    "WRANGLER_SEND_ERROR_REPORTS",
  ]) {
    process.env[k] = WRANGLER_ENV[k];
  }
  return import("wrangler");
}

/** Resolves `--env <envName>` of the config file exactly as `wrangler deploy --env <envName>` does. */
export async function readEnvConfig(configPath, envName) {
  const { unstable_readConfig, experimental_readRawConfig } = await wranglerApi();
  const { rawConfig } = experimental_readRawConfig({ config: configPath });
  if (!rawConfig.env || !Object.hasOwn(rawConfig.env, envName)) {
    return { missingEnv: true };
  }
  const config = unstable_readConfig({ config: configPath, env: envName }, { hideWarnings: true });
  return { config, raw: rawConfig.env[envName] };
}

const httpsOrigin = (s) => {
  try {
    const u = new URL(s);
    return u.protocol === "https:" && u.pathname === "/" && !u.search && !u.hash;
  } catch {
    return false;
  }
};
const isHttps = (s) => {
  try {
    return new URL(s).protocol === "https:";
  } catch {
    return false;
  }
};

/**
 * Checks one resolved environment. Returns { errors, warnings, placeholders } as short English lines;
 * errors name the missing binding ("missing Queue producer MAIL_QUEUE"). Never includes a var's value
 * unless it is a placeholder.
 */
export function checkEnvConfig(config, req, { configDir }) {
  const errors = [];
  const warnings = [];

  for (const { binding, migrations } of req.d1) {
    const db = (config.d1_databases ?? []).find((d) => d.binding === binding);
    if (!db) {
      errors.push(`missing D1 database ${binding} ([[d1_databases]] binding = "${binding}")`);
      continue;
    }
    if (!db.database_name) errors.push(`D1 database ${binding} has no database_name`);
    if (!db.database_id) errors.push(`D1 database ${binding} has no database_id (wrangler d1 create prints it)`);
    if (migrations) {
      if (!db.migrations_dir) errors.push(`D1 database ${binding} has no migrations_dir (schema/migrations)`);
      else {
        const dir = isAbsolute(db.migrations_dir) ? db.migrations_dir : join(configDir, db.migrations_dir);
        const sql =
          existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => f.endsWith(".sql")) : [];
        if (!sql.length)
          errors.push(`D1 database ${binding}: migrations_dir ${db.migrations_dir} has no .sql migrations`);
      }
    }
  }

  const producers = config.queues?.producers ?? [];
  const consumers = config.queues?.consumers ?? [];
  for (const { binding, consumed } of req.queueProducers) {
    const p = producers.find((q) => q.binding === binding);
    if (!p) {
      errors.push(`missing Queue producer ${binding} ([[queues.producers]] binding = "${binding}")`);
      continue;
    }
    if (consumed && !consumers.some((c) => c.queue === p.queue)) {
      errors.push(`missing Queue consumer for ${binding}: no [[queues.consumers]] with queue = "${p.queue}"`);
    }
  }

  if (req.cron && !(config.triggers?.crons ?? []).length) errors.push("missing cron trigger ([triggers] crons)");

  for (const name of req.ratelimits) {
    if (!(config.ratelimits ?? []).some((r) => r.name === name))
      errors.push(`missing ratelimit ${name} ([[ratelimits]] name = "${name}")`);
  }
  for (const name of req.sendEmail) {
    if (!(config.send_email ?? []).some((s) => s.name === name))
      errors.push(`missing send_email ${name} ([[send_email]] name = "${name}")`);
  }

  const vars = config.vars ?? {};
  const has = (k) => (typeof vars[k] === "string" ? vars[k].trim() !== "" : vars[k] !== undefined && vars[k] !== null);
  for (const k of req.vars) if (!has(k)) errors.push(`missing var ${k} ([vars])`);
  if (has("PUBLIC_URL") && !httpsOrigin(String(vars.PUBLIC_URL))) {
    errors.push(
      `var PUBLIC_URL must be an https:// origin without a path ` +
        `(is ${JSON.stringify(String(vars.PUBLIC_URL))}): every link in every mail points there`,
    );
  }
  if (has("MAIL_FROM") && !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(String(vars.MAIL_FROM)))
    errors.push("var MAIL_FROM must be an e-mail address");
  const transport = String(vars.MAIL_TRANSPORT ?? "");
  if (has("MAIL_TRANSPORT")) {
    const tv = req.transportVars[transport];
    if (!tv)
      errors.push(
        `var MAIL_TRANSPORT must be one of ${Object.keys(req.transportVars).join(", ")} ` +
          `(is ${JSON.stringify(transport)})`,
      );
    else {
      for (const k of tv) {
        if (!has(k)) errors.push(`missing var ${k} (needed with MAIL_TRANSPORT = "${transport}")`);
        else if (/_URL$/.test(k) && !isHttps(String(vars[k]))) errors.push(`var ${k} must be an https:// URL`);
      }
      if (transport === "smtp" && has("SMTP_PORT")) {
        const port = Number(vars.SMTP_PORT);
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          errors.push("var SMTP_PORT must be a port number (587 or 465)");
        else if (port === 25 || port === 1025)
          warnings.push(
            `var SMTP_PORT is ${port}: a relay for production listens on 587 (STARTTLS) or 465 (SMTP_SECURE = "tls")`,
          );
      }
    }
  }
  const allSecrets = [
    ...req.secrets,
    ...(req.rotationSecrets ?? []),
    ...Object.values(req.transportSecrets).flatMap((s) => [...s.required, ...s.optional]),
  ];
  for (const k of allSecrets) {
    if (Object.hasOwn(vars, k)) errors.push(`${k} is a secret: remove it from [vars] and use wrangler secret put ${k}`);
  }
  for (const k of ["DEV_MODE", "DEV_ADMIN_TOKEN", "VALIDATE_RESPONSES"]) {
    if (Object.hasOwn(vars, k)) errors.push(`var ${k} is for local development only: remove it`);
  }

  if (config.workers_dev !== false) errors.push("workers_dev must be false (serve only on the custom domain)");
  const routes = [...(config.routes ?? []), ...(config.route ? [config.route] : [])];
  if (!routes.length)
    errors.push('missing route or custom domain (routes = [{ pattern = "…", custom_domain = true }])');
  if (has("PUBLIC_URL") && httpsOrigin(String(vars.PUBLIC_URL))) {
    const host = new URL(String(vars.PUBLIC_URL)).hostname;
    const patterns = routes.map((r) => (typeof r === "string" ? r : r.pattern));
    if (
      routes.length &&
      !patterns.some((p) => p.replace(/\/\*?$/, "").replace(/^\*\.?/, "") === host || p.startsWith(`${host}/`))
    ) {
      warnings.push(`PUBLIC_URL host ${host} is not among the routes (${patterns.join(", ")})`);
    }
  }
  if (!config.observability?.enabled && !config.observability?.logs?.enabled)
    errors.push("observability is off ([observability] enabled = true: Workers Logs)");
  if (!config.build?.command)
    errors.push("missing [build] command (node scripts/build-client.mjs generates web/generated/assets.ts)");

  return { errors, warnings, placeholders: findPlaceholders(config) };
}

const PLACEHOLDER_HINTS = [
  [
    /^d1_databases\[\d+\]\.database_id$/,
    (c, i) => `\`npx wrangler d1 create ${c.d1_databases?.[i]?.database_name ?? "<name>"}\` prints it`,
  ],
  [
    /^vars\.SMTP_HOST$/,
    () =>
      "the organisation's SMTP relay host (ask its mail administrator; " +
      'port 587 with STARTTLS or 465 with SMTP_SECURE = "tls")',
  ],
  [/^vars\.MAIL_FROM$/, () => "the sender address on the organisation's domain that the relay may send for (SPF/DKIM)"],
  [/^vars\.PUBLIC_URL$/, () => "https:// and the custom domain of this environment (the same host as routes)"],
  [/^vars\.MAIL_API_URL$/, () => "the mail API provider's https:// endpoint"],
  [/^routes\[\d+\]/, () => "the hostname of this environment on a zone in the Cloudflare account (custom domain)"],
  [/^route$/, () => "the hostname of this environment on a zone in the Cloudflare account"],
];

/** Placeholder values (REPLACE_…, example.org) in the resolved config, with where each real value comes from. */
export function findPlaceholders(config) {
  const found = [];
  const skip = new Set(["configPath", "userConfigPath", "topLevelName", "definedEnvironments", "targetEnvironment"]);
  const walk = (v, path) => {
    if (typeof v === "string") {
      if (PLACEHOLDER.test(v)) {
        const hintEntry = PLACEHOLDER_HINTS.find(([re]) => re.test(path));
        const index = Number(/\[(\d+)\]/.exec(path)?.[1] ?? 0);
        found.push({ path, value: v, hint: hintEntry ? hintEntry[1](config, index) : "fill in the real value" });
      }
    } else if (Array.isArray(v))
      v.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) if (!(path === "" && skip.has(k))) walk(x, path ? `${path}.${k}` : k);
    }
  };
  walk(config, "");
  return found;
}

/** Checks between environments: staging must never share production's Worker, database or queue. */
export function crossEnvErrors(configs) {
  const errors = [];
  const names = Object.entries(configs);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [a, ca] = names[i];
      const [b, cb] = names[j];
      if (ca.name === cb.name) errors.push(`${a} and ${b} deploy the same Worker name ${ca.name}`);
      const dbs = (c) => (c.d1_databases ?? []).map((d) => d.database_name);
      const shared = dbs(ca).filter((d) => dbs(cb).includes(d));
      if (shared.length) errors.push(`${a} and ${b} share the D1 database ${shared.join(", ")}`);
      const qs = (c) => (c.queues?.producers ?? []).map((q) => q.queue);
      const sq = qs(ca).filter((q) => qs(cb).includes(q));
      if (sq.length) errors.push(`${a} and ${b} share the queue ${sq.join(", ")}`);
    }
  }
  return errors;
}

/** Runs a command; resolves { code, stdout, stderr } (output captured, never echoed). */
export function run(cmd, args, { env = WRANGLER_ENV, cwd = ROOT, inherit = false } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd, env, stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("error", (e) => resolvePromise({ code: -1, stdout, stderr: stderr + String(e) }));
    child.on("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");
const UNITS = { B: 1, KiB: 1024, MiB: 1024 * 1024 };
/** Parses wrangler's "Total Upload: 1286.70 KiB / gzip: 267.69 KiB" into bytes. */
export function parseTotalUpload(output) {
  const m = /Total Upload:\s*([\d.]+)\s*(B|KiB|MiB)\s*\/\s*gzip:\s*([\d.]+)\s*(B|KiB|MiB)/.exec(stripAnsi(output));
  if (!m) return null;
  return {
    bytes: Math.round(Number(m[1]) * UNITS[m[2]]),
    gzipBytes: Math.round(Number(m[3]) * UNITS[m[4]]),
    line: m[0],
  };
}

export const formatBytes = (n) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(2)} KiB`;

/** Judges a measured bundle against SIZE_LIMITS: { errors, warnings, summary }. */
export function judgeBundleSize({ bytes, gzipBytes }) {
  const errors = [];
  const warnings = [];
  const pct = ((bytes / SIZE_LIMITS.uncompressedMax) * 100).toFixed(1);
  if (bytes > SIZE_LIMITS.uncompressedMax)
    errors.push(`bundle is ${formatBytes(bytes)}: over the 64 MiB Worker size limit`);
  if (gzipBytes > SIZE_LIMITS.gzipFormerPaid)
    errors.push(`bundle is ${formatBytes(gzipBytes)} gzip: over 10 MiB, more than any plan ever accepted`);
  else if (gzipBytes > SIZE_LIMITS.gzipFormerFree)
    warnings.push(`bundle is ${formatBytes(gzipBytes)} gzip: over the former 3 MiB Free-plan limit`);
  const summary =
    `${formatBytes(bytes)} (gzip ${formatBytes(gzipBytes)}): ${pct}% of the 64 MiB limit; ` +
    `gzip ${((gzipBytes / SIZE_LIMITS.gzipFormerFree) * 100).toFixed(1)}% of the former 3 MiB Free ` +
    `/ ${((gzipBytes / SIZE_LIMITS.gzipFormerPaid) * 100).toFixed(1)}% of the 10 MiB Paid limit`;
  return { errors, warnings, summary };
}

/**
 * `wrangler deploy --dry-run --outdir <tmp> --env <env>`: runs the [build] command and bundles the
 * Worker exactly as a deploy would, without any network. Returns { size, error }.
 */
export async function dryRunBundle(configPath, envName) {
  const outdir = mkdtempSync(join(tmpdir(), `om-bundle-${envName}-`));
  try {
    const res = await run(WRANGLER_BIN, [
      "deploy",
      "--dry-run",
      "--outdir",
      outdir,
      "--env",
      envName,
      "--config",
      configPath,
    ]);
    const size = parseTotalUpload(res.stdout + res.stderr);
    if (res.code !== 0 || !size) {
      const tail = stripAnsi(res.stderr || res.stdout)
        .trim()
        .split("\n")
        .slice(-15)
        .join("\n");
      return { error: `wrangler deploy --dry-run failed (exit ${res.code}):\n${tail}` };
    }
    return { size };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Everything deploy:check verifies for one environment. */
export async function checkEnvironment(configPath, envName, { bundle = true } = {}) {
  const req = await loadRequirements();
  let read;
  try {
    read = await readEnvConfig(configPath, envName);
  } catch (e) {
    // Wrangler's own validation (TOML syntax, wrong field types): its message says where.
    const msg = stripAnsi(String(e?.message ?? e)).trim();
    return {
      env: envName,
      errors: [`wrangler cannot read ${relativeToCwd(configPath)}: ${msg}`],
      warnings: [],
      placeholders: [],
    };
  }
  if (read.missingEnv) {
    return {
      env: envName,
      errors: [`no [env.${envName}] in ${relativeToCwd(configPath)}`],
      warnings: [],
      placeholders: [],
    };
  }
  const result = {
    env: envName,
    config: read.config,
    ...checkEnvConfig(read.config, req, { configDir: dirname(configPath) }),
  };
  if (bundle) {
    if (result.errors.length) result.bundleSkipped = true;
    else {
      const b = await dryRunBundle(configPath, envName);
      if (b.error) result.errors.push(b.error);
      else {
        const judged = judgeBundleSize(b.size);
        result.size = { ...b.size, summary: judged.summary };
        result.errors.push(...judged.errors);
        result.warnings.push(...judged.warnings);
      }
    }
  }
  return result;
}

export const relativeToCwd = (p) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
};

/** Shared argument parsing: --env <name>, --config <path>, --dry-run; `--env=x` works too. */
export function parseArgs(argv) {
  const out = { env: undefined, config: undefined, dryRun: false, skipAudit: false, help: false, unknown: [] };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) [a, value] = [a.slice(0, eq), a.slice(eq + 1)];
    const next = () => value ?? argv[++i];
    if (a === "--env" || a === "-e") out.env = next();
    else if (a === "--config" || a === "-c") out.config = next();
    else if (a === "--dry-run") out.dryRun = true;
    else if (a === "--skip-audit") out.skipAudit = true;
    else if (a === "--help" || a === "-h") out.help = true;
    else out.unknown.push(argv[i]);
  }
  out.configPath = resolve(out.config ?? join(ROOT, "wrangler.toml"));
  return out;
}

/**
 * Judges `npm audit --omit=dev --json` output: the production dependencies' high and critical advisories.
 * Returns { ok, unreachable, findings: [{ name, severity, title, url }] }. An answer without a
 * vulnerabilities report (no network, the registry refusing the audit endpoint) is `unreachable`, never "clean".
 */
export function judgeAudit(stdout) {
  let report;
  try {
    report = JSON.parse(stdout.slice(Math.max(0, stdout.indexOf("{"))));
  } catch {
    return { ok: false, unreachable: true, findings: [] };
  }
  const counts = report?.metadata?.vulnerabilities;
  if (!counts || typeof counts !== "object") return { ok: false, unreachable: true, findings: [] };
  const findings = [];
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity !== "high" && v.severity !== "critical") continue;
    const via = (v.via ?? []).find((x) => typeof x === "object") ?? {};
    findings.push({ name, severity: v.severity, title: via.title ?? "", url: via.url ?? "" });
  }
  return { ok: findings.length === 0 && !counts.high && !counts.critical, unreachable: false, findings };
}
