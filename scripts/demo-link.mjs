#!/usr/bin/env node
// `npm run demo:link -- <pilot>`: asks the running dev server for a fresh youth questionnaire link.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDevVars } from "./lib/env.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BASE = "http://127.0.0.1:8787";
const PILOTS = ["fier", "gezinshuizen", "sterkhuis", "viajeugd"];

function fail(message) {
  console.error(message);
  process.exit(1);
}

const pilot = process.argv[2];
if (!pilot) fail(`Usage: npm run demo:link -- <pilot>\n  where <pilot> is one of: ${PILOTS.join(", ")}`);

const devVarsFile = join(root, ".dev.vars");
const token = existsSync(devVarsFile) ? parseDevVars(readFileSync(devVarsFile, "utf8")).DEV_ADMIN_TOKEN : undefined;
if (!token) fail("No DEV_ADMIN_TOKEN in .dev.vars: start the app once with `npm start` (it creates the file).");

let res;
try {
  res = await fetch(`${BASE}/api/v1/dev/link`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ pilot }),
  });
} catch {
  fail(`The dev server is not running on ${BASE}: start it with \`npm start\` (in another terminal).`);
}

const body = await res.json().catch(() => null);
if (!res.ok || !body?.url) {
  const msg = body?.error?.message ?? `HTTP ${res.status} ${res.statusText}`;
  const hint = res.status === 404 && !body?.error ? " (is this the outcome-monitor dev server, with DEV_MODE on?)" : "";
  fail(`Could not create a link for "${pilot}": ${msg}${hint}\n  Known pilots: ${PILOTS.join(", ")}`);
}
console.log(body.url);
