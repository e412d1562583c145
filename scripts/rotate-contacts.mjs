#!/usr/bin/env node
// `npm run rotate-contacts -- [--local | --remote] [--env <name>] [--url <origin>] [--batch <n>]`
//
// Re-encrypts every stored e-mail address under the current CONTACT_KEY, after a key change (README
// "Sleutels en gegevens / Keys and data"). The keys live only in the Worker, so this script does not talk
// to D1 itself: it calls the running Worker's POST /api/v1/admin/contacts/rotate, one bounded batch per
// call, until a pass reaches the end. Each call is idempotent and only touches addresses not yet under
// the current key, so an interrupted run is simply started again. It prints counts, never an address.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fail, parseArgs } from "./lib/cli.mjs";
import { readEnvConfig, ROOT } from "./lib/deploy-config.mjs";
import { loopbackFetch, parseDevVars } from "./lib/env.mjs";

const USAGE =
  `Usage: npm run rotate-contacts -- [--local | --remote] ` +
  `[--env <staging|production>] [--url <origin>] [--batch <n>]

  --local          the Worker on this machine (default; http://127.0.0.1:8787, as \`npm start\` / \`wrangler dev\`)
  --remote         the deployed Worker of --env, at its PUBLIC_URL from wrangler.toml
  --env <name>     the wrangler.toml environment (staging, production)
  --url <origin>   call this origin instead (e.g. https://127.0.0.1:8788 for a local production rehearsal)
  --batch <n>      participants per call (1–500; default 250)

  The API token of an admin goes in the environment variable OM_API_TOKEN (Beheer → API-tokens, role
  admin; never on the command line). Locally, without it, the dev admin token from .dev.vars is used.`;

function parse(argv) {
  const out = parseArgs(argv, {
    usage: USAGE,
    values: {
      "--env": "env",
      "-e": "env",
      "--url": "url",
      "--batch": ["batch", Number],
      "--config": ["config", resolve],
      "-c": ["config", resolve],
    },
    defaults: { batch: 250 },
  });
  if (!Number.isInteger(out.batch) || out.batch < 1 || out.batch > 500)
    fail("--batch must be a whole number from 1 to 500.", 2);
  return out;
}

const opts = parse(process.argv.slice(2));
const configPath = opts.config ?? join(ROOT, "wrangler.toml");

let origin = opts.url;
if (!origin && opts.remote) {
  if (!opts.env)
    fail(`--remote needs --env <name>: the Worker is found at that environment's PUBLIC_URL.\n\n${USAGE}`, 2);
  const resolved = await readEnvConfig(configPath, opts.env);
  if (resolved.missingEnv) fail(`wrangler.toml has no [env.${opts.env}].`, 2);
  origin = resolved.config.vars?.PUBLIC_URL;
  if (!origin || /example\.org|REPLACE_/.test(origin))
    fail(`[env.${opts.env}] has no real PUBLIC_URL yet; pass --url <origin>.`, 2);
}
origin = (origin ?? "http://127.0.0.1:8787").replace(/\/$/, "");
let url;
try {
  url = new URL("/api/v1/admin/contacts/rotate", origin);
} catch {
  fail(`Not a URL: ${origin}`, 2);
}
const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
if (!loopback && url.protocol !== "https:") fail(`${origin} is not https://: the API token would travel in clear.`, 2);

let token = process.env.OM_API_TOKEN;
if (!token && loopback) {
  const devVars = join(dirname(configPath), ".dev.vars");
  token = existsSync(devVars) ? parseDevVars(readFileSync(devVars, "utf8")).DEV_ADMIN_TOKEN : undefined;
}
if (!token) fail("No API token: set OM_API_TOKEN to an admin API token (Beheer → API-tokens, role admin).", 2);

const post = (body) => {
  const init = {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  return loopback ? loopbackFetch(url.href, init) : fetch(url, init);
};

/** One call, retried a few times on network errors and 5xx (each call is safe to repeat). */
async function batch(after) {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await post({ after, limit: opts.batch });
    } catch (e) {
      if (attempt >= 5)
        fail(`Cannot reach ${origin}: ${e.message}. Nothing is lost: run the command again to continue.`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      continue;
    }
    const body = await res.json().catch(() => null);
    if (res.ok && body) return body;
    const msg = body?.error?.message ?? `HTTP ${res.status}`;
    if (res.status === 401 || res.status === 403)
      fail(`Refused (${res.status}): ${msg}. OM_API_TOKEN must be an admin's API token for ${origin}.`);
    if (res.status === 503)
      fail(
        `${origin} answers 503: the Worker refuses its configuration ` +
          `(see \`wrangler tail\`: config_refused names the secret).`,
      );
    if (res.status >= 500 && attempt < 5) {
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      continue;
    }
    fail(`Refused (${res.status}): ${msg}`);
  }
}

console.log(`Re-encrypting contact data at ${origin} to the current CONTACT_KEY, ${opts.batch} participants per call…`);
let after = 0;
let calls = 0;
const total = { scanned: 0, rotated: 0, unreadable: 0, changedMeanwhile: 0 };
const unreadable = [];
let last;
do {
  last = await batch(after);
  calls++;
  for (const k of Object.keys(total)) total[k] += last[k];
  unreadable.push(...last.unreadableParticipants);
  console.log(
    `  call ${calls}: ${last.scanned} participants, ${last.rotated} addresses ` +
      `re-encrypted${last.unreadable ? `, ${last.unreadable} unreadable` : ""}; ${last.remaining} ` +
      `not yet under key k${last.keyId}`,
  );
  after = last.next;
} while (after !== null);

console.log(`\nDone: ${total.rotated} addresses re-encrypted to key k${last.keyId} in ${calls} calls.`);
console.log(
  `Stored addresses per key: ${
    Object.entries(last.keys)
      .map(([k, n]) => `${k === "legacy" ? "legacy (no key id)" : `k${k}`} ${n}`)
      .join(", ") || "none"
  }`,
);
if (total.changedMeanwhile)
  console.log(
    `${total.changedMeanwhile} participants' addresses changed during ` +
      `the run (they are under the new key already); run again to check.`,
  );
if (unreadable.length) {
  console.log(
    `\n${total.unreadable} addresses open with no configured key (CONTACT_KEY or CONTACT_KEYS_PREVIOUS). Participants:`,
  );
  for (const p of unreadable) console.log(`  ${p.pilot} ${p.code}`);
  console.log("Add the key they were written with to CONTACT_KEYS_PREVIOUS and run again, or have a researcher enter");
  console.log("these addresses again (participant page or CSV import). Keep CONTACT_KEYS_PREVIOUS until then.");
  process.exit(3);
}
if (last.remaining === 0) {
  const envFlag = opts.env ? ` --env ${opts.env}` : "";
  console.log(`\nEvery address is under the current key. The previous keys are no longer needed:`);
  console.log(`  npx wrangler secret delete CONTACT_KEYS_PREVIOUS${envFlag}`);
  console.log("(and delete them from the password manager once no backup you may restore still needs them).");
} else {
  console.log(
    `\n${last.remaining} addresses are still not under the ` +
      `current key (written during the run?): run the command again.`,
  );
  process.exit(3);
}
