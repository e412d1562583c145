#!/usr/bin/env node
// `npm run bench`, HTTP part (issue 14, item 7): the youth's questionnaire GET and answer POST under
// `wrangler dev`, against a bare Hono + D1 Worker (test/bench/bare/) started in the same run on the same
// machine. Load comes from a second process (load.mjs, autocannon). Prints requests per second, p50 and
// p99 latency, the ratios to the bare routes against the budgets, and the first-load page weight.
// Figures only: a missed budget is printed with its number (and `BUDGET MISSED`), it does not fail the run.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startStack } from "../../../scripts/lib/dev-stack.mjs";
import { ensureDevVars, freePort, WRANGLER_ENV, waitForHttp } from "../../../scripts/lib/env.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 2);
const BUDGET = { rpsRatio: 0.7, p99Ratio: 1.5, firstLoadGzip: 12 * 1024 };

function load(cfg) {
  // the configuration (with thousands of paths) on stdin: too long for an argument list
  const r = spawnSync(process.execPath, [join(root, "test/bench/http/load.mjs")], {
    input: JSON.stringify(cfg),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`load generator failed: ${r.error ?? ""} ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The bare Worker: its own `wrangler dev` on its own port and throw-away D1. */
async function startBare(persistTo) {
  const port = await freePort();
  const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");
  const child = spawn(
    process.execPath,
    [
      wrangler,
      "dev",
      "--config",
      join(root, "test/bench/bare/wrangler.toml"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      persistTo,
    ],
    {
      cwd: root,
      env: WRANGLER_ENV,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so stopping it reaches workerd too
    },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/read`, 60_000, {
      accept: (r) => r.status === 200,
      isDead: () => child.exitCode !== null,
    });
  } catch (e) {
    throw new Error(`bare worker did not start: ${e.message}\n${out}`);
  }
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  process.on("exit", stop);
  return { url, stop };
}

const fmt = (n, d = 0) => n.toFixed(d);
const codes = (c) =>
  Object.entries(c)
    .map(([k, v]) => `${k}×${v}`)
    .join(" ");

export async function runHttpBench() {
  const vars = ensureDevVars(root);
  const dir = mkdtempSync(join(tmpdir(), "outcome-bench-"));
  const [port, smtpPort, mailWebPort] = [await freePort(), await freePort(), await freePort()];
  const app = await startStack({
    rootDir: root,
    port,
    smtpPort,
    mailWebPort,
    persistTo: join(dir, "app"),
    stdio: "pipe",
  });
  let bare;
  try {
    bare = await startBare(join(dir, "bare"));
    const auth = { authorization: `Bearer ${vars.DEV_ADMIN_TOKEN}`, "content-type": "application/json" };
    const seeded = await fetch(`${app.url}/api/v1/dev/seed`, { method: "POST", headers: auth });
    if (!seeded.ok) throw new Error(`seed: HTTP ${seeded.status}`);
    const link = await (
      await fetch(`${app.url}/api/v1/dev/link`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ pilot: "fier", kind: "frequent" }),
      })
    ).json();
    const getPath = new URL(link.url).pathname;

    // page weight: the first load of the frequent questionnaire (HTML with inline CSS, plus the island bundle)
    const html = await (await fetch(`${app.url}${getPath}`)).text();
    const jsPath = /<script type="module" src="([^"]+)"/.exec(html)?.[1];
    const js = jsPath ? await (await fetch(`${app.url}${jsPath}`)).text() : "";
    const htmlGz = gzipSync(html).length;
    const jsGz = gzipSync(js).length;
    const weight = htmlGz + jsGz;
    console.log(
      `BENCH http first load (frequent questionnaire): ${html.length} B html (${htmlGz} ` +
        `B gzip) + ${js.length} B js (${jsGz} B gzip) = ${weight} B gzip; ` +
        `budget ${BUDGET.firstLoadGzip} B${weight > BUDGET.firstLoadGzip ? " BUDGET MISSED" : " met"}`,
    );

    // the form a youth sends: 13 answers (every 0–10 item of the frequent questionnaire, 1–9)
    const radios = new Map();
    for (const m of html.matchAll(/name="(v\.\d+\.[a-z_]+)" value="\d+"/g))
      radios.set(m[1], (radios.get(m[1]) ?? 0) + 1);
    const names = [...radios.keys()];
    // 0–10 items (11 choices) get 1–9, yes/no items (2 choices) "1"
    const answers = new URLSearchParams(
      names.map((n, i) => [n, radios.get(n) === 11 ? String((i % 9) + 1) : "1"]),
    ).toString();
    const count = Math.ceil(SECONDS * ROUNDS * 1200) + 2000;
    const minted = await (
      await fetch(`${app.url}/api/v1/dev/bench-links`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ pilot: "fier", count: Math.min(count, 20_000) }),
      })
    ).json();
    if (!minted.paths) throw new Error(`bench links: ${JSON.stringify(minted)}`);
    let offset = 0;

    // warm both Workers (isolate caches, D1 pages)
    load({ url: `${bare.url}/read`, connections: 4, duration: 2 });
    load({ url: `${app.url}${getPath}`, connections: 4, duration: 2 });

    const runs = { get: [], post: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const bareGet = load({ url: `${bare.url}/read`, connections: CONNECTIONS, duration: SECONDS });
      const appGet = load({ url: `${app.url}${getPath}`, connections: CONNECTIONS, duration: SECONDS });
      const barePost = load({
        url: `${bare.url}/write`,
        method: "POST",
        body: answers,
        connections: CONNECTIONS,
        duration: SECONDS,
      });
      const paths = minted.paths.slice(offset);
      // each POST sends another open questionnaire, with the signed context its page carries (no earlier GET
      // in this isolate, so the isolate's context cache never helps: the cross-isolate case)
      const bodies = minted.contexts.slice(offset).map((ctx) => `${answers}&ctx=${encodeURIComponent(ctx)}`);
      const appPost = load({
        url: app.url,
        method: "POST",
        body: answers,
        paths,
        bodies,
        connections: CONNECTIONS,
        duration: SECONDS,
      });
      offset += appPost.used;
      if (offset >= minted.paths.length)
        console.log(
          "BENCH http note: the answer POST ran out of open questionnaires; " +
            "later requests were refused (409) and are not answer POSTs",
        );
      runs.get.push({ bare: bareGet, app: appGet });
      runs.post.push({ bare: barePost, app: appPost });
    }
    for (const [what, list] of Object.entries(runs)) {
      for (const [i, { bare: b, app: a }] of list.entries()) {
        const rps = a.rps / b.rps;
        const p99 = a.p99 / Math.max(b.p99, 1);
        const label = what === "get" ? "questionnaire GET" : `answer POST (${names.length} answers)`;
        console.log(
          `BENCH http ${label}, round ${i + 1}: app ${fmt(a.rps)} req/s p50 ${a.p50} ms ` +
            `p99 ${a.p99} ms [${codes(a.codes)}${a.errors ? ` errors×${a.errors}` : ""}]; ` +
            `bare ${fmt(b.rps)} req/s p50 ${b.p50} ms p99 ${b.p99} ms [${codes(b.codes)}]; ` +
            `ratio ${fmt(rps * 100)} % of the bare req/s (budget ≥ ${BUDGET.rpsRatio * 100} ` +
            `%${rps < BUDGET.rpsRatio ? " BUDGET MISSED" : " met"}), ` +
            `p99 ${fmt(p99, 2)}× the bare p99 (budget ` +
            `≤ ${BUDGET.p99Ratio}×${p99 > BUDGET.p99Ratio ? " BUDGET MISSED" : " met"})`,
        );
      }
    }
    // the POSTs measured were real sends: a sample of the links used now answers "already filled in"
    // (a pooled connection may have been closed by wrangler during the loads: one retry)
    const status = (p) =>
      fetch(`${app.url}${p}`)
        .catch(() => fetch(`${app.url}${p}`))
        .then((r) => r.status);
    const sample = minted.paths.slice(0, Math.min(offset, 2000)).filter((_, i) => i % 100 === 0);
    const after = [];
    for (const p of sample) after.push(await status(p).catch(() => 0));
    console.log(
      `BENCH http answer POST check: ${after.filter((s) => s === 409).length} ` +
        `of ${sample.length} sampled links used by the POST rounds are completed (409 on GET)`,
    );
    console.log(
      `BENCH http setup: wrangler dev (local D1) for both Workers, ${CONNECTIONS} connections, ${SECONDS} ` +
        `s per measurement, ${ROUNDS} rounds, load from a separate Node process (autocannon)`,
    );
  } finally {
    bare?.stop();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runHttpBench().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
