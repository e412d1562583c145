#!/usr/bin/env node
// `npm start`: the whole app locally, offline, with a mail catcher and demo data. Ctrl-C stops all.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars, portIsFree } from "./lib/env.mjs";
import { startStack } from "./lib/dev-stack.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PORT = 8787,
  SMTP_PORT = 1025,
  MAIL_WEB_PORT = 1080;

function fail(message) {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

const devVars = ensureDevVars(root);

// Check before building so a second `npm start` fails in a second, not after a long startup.
for (const [port, what] of [
  [PORT, "the app"],
  [SMTP_PORT, "the SMTP catcher"],
  [MAIL_WEB_PORT, "the mail web UI"],
]) {
  if (!(await portIsFree(port))) {
    fail(
      `Port ${port} (${what}) is already in use — is another \`npm start\` running?\n` +
        `  Stop it with Ctrl-C, or find the owner with: ss -ltnp | grep ':${port} '`,
    );
  }
}

const buildScript = join(root, "scripts/build-client.mjs");
if (existsSync(buildScript)) {
  const build = spawnSync(process.execPath, [buildScript], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) fail(`Client build failed (npm run build exited ${build.status ?? build.signal}).`);
} else {
  console.warn("⚠ scripts/build-client.mjs not found; skipping the client build.");
}

let stack;
try {
  stack = await startStack({ rootDir: root, port: PORT, smtpPort: SMTP_PORT, mailWebPort: MAIL_WEB_PORT });
} catch (err) {
  fail(`Could not start the local stack:\n${err.message}`);
}

let seed = null;
try {
  const res = await fetch(`${stack.url}/api/v1/dev/seed`, {
    method: "POST",
    headers: { authorization: `Bearer ${devVars.DEV_ADMIN_TOKEN}` },
  });
  if (res.status === 404)
    console.warn("⚠ POST /api/v1/dev/seed answered 404: no demo data loaded (endpoint not there yet).");
  else if (!res.ok) {
    const body = await res.json().catch(() => null);
    console.warn(`⚠ Seeding demo data failed: HTTP ${res.status} ${body?.error?.message ?? ""}`);
  } else seed = await res.json();
} catch (err) {
  console.warn(`⚠ Seeding demo data failed: ${err.message}`);
}

const lines = [
  "",
  "──────────────────────────────────────────────────────────────",
  `  App:              ${stack.url}`,
  `  Mail catcher:     ${stack.mailUrl}   (SMTP on 127.0.0.1:${stack.smtpPort})`,
  `  Fire the cron:    curl "${stack.url}/__scheduled?cron=*/15+*+*+*+*"`,
  `  Dev admin token:  ${devVars.DEV_ADMIN_TOKEN}`,
];
if (seed) {
  lines.push("", seed.created ? "  Demo study loaded." : "  Demo study was already loaded.");
  if (seed.signIn?.length) {
    lines.push(`  Staff sign-in:    ${stack.url}/staff/sign-in  (the sign-in link arrives in the mail catcher)`);
    lines.push(
      `  Summaries:        ${stack.url}/reports  (coordinators)      Workspace: ${stack.url}/staff  (researchers)`,
    );
    lines.push("  Demo staff:");
    for (const s of seed.signIn)
      lines.push(`    ${String(s.role).padEnd(20)} ${s.email}${s.pilot ? `  (${s.pilot})` : ""}`);
  }
  if (seed.links?.length) {
    lines.push("  Open youth questionnaire link per pilot:");
    for (const l of seed.links) lines.push(`    ${String(l.pilot).padEnd(14)} ${l.url}`);
  }
  lines.push("  More links:       npm run demo:link -- <pilot>");
}
lines.push("", "  Ctrl-C stops everything.", "──────────────────────────────────────────────────────────────", "");
console.log(lines.join("\n"));

// Stay attached; dev-stack's signal handlers stop the children on Ctrl-C / SIGTERM.
const { name, code, signal } = await stack.exited;
console.error(`\n✖ ${name} exited unexpectedly (${code ?? signal}); stopping everything.`);
await stack.stop();
process.exit(1);
