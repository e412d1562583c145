// Local stack for `npm start`, e2e and bench: maildev (SMTP catcher) + D1 migrations + `wrangler dev`.
// Children stay in our process group (not detached) so a terminal Ctrl-C reaches them too, and every
// exit path of this process tears down their whole trees (wrangler spawns workerd).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WRANGLER_ENV, waitForHttp } from "./env.mjs";

const LOG_LINES = 200;
const stacks = new Set();
let handlersInstalled = false;

/** Returns "pid:starttime" identity, so a recycled pid is never mistaken for our process. */
function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { state: f[0], ppid: Number(f[1]), start: f[19] };
  } catch {
    return null;
  }
}

/** All descendants of pid (Linux /proc; elsewhere only the child itself is known). */
function descendants(pid) {
  let entries;
  try {
    entries = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const byParent = new Map();
  for (const d of entries) {
    const st = procStat(d);
    if (!st) continue;
    if (!byParent.has(st.ppid)) byParent.set(st.ppid, []);
    byParent.get(st.ppid).push(Number(d));
  }
  const out = [];
  const queue = [pid];
  while (queue.length) for (const c of byParent.get(queue.shift()) ?? []) out.push(c), queue.push(c);
  return out;
}

function alive({ pid, start }) {
  const st = procStat(pid);
  if (st) return st.state !== "Z" && st.start === start;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalAll(procs, sig) {
  for (const p of procs) {
    try {
      process.kill(p.pid, sig);
    } catch {}
  }
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  let signalled = false;
  const onSignal = (code) => async () => {
    // A second Ctrl-C means "now": skip the graceful wait.
    if (signalled) {
      for (const s of stacks) signalAll(s.tracked(), "SIGKILL");
      process.exit(code);
    }
    signalled = true;
    await Promise.allSettled([...stacks].map((s) => s.stop()));
    process.exit(code);
  };
  process.on("SIGINT", onSignal(130));
  process.on("SIGTERM", onSignal(143));
  process.on("SIGHUP", onSignal(129));
  // Last resort for process.exit()/crashes: no time to wait, so kill hard.
  process.on("exit", () => {
    for (const s of stacks) signalAll(s.tracked(), "SIGKILL");
  });
}

/** Spawns a node script as a child, keeping the last lines of its output for error reports. */
function startChild(name, args, { cwd, env, stdio }) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  const forward = stdio === "inherit";
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop();
      for (const line of lines) {
        log.push(line);
        if (log.length > LOG_LINES) log.shift();
        if (forward) out.write(`[${name}] ${line}\n`);
      }
    });
  }
  child.name = name;
  child.output = () => log.join("\n");
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ name, code, signal })));
  child.once("error", (err) => log.push(`spawn error: ${err.message}`));
  return child;
}

const exitedAlready = (c) => c.exitCode !== null || c.signalCode !== null;

function run(name, args, opts, children) {
  const child = startChild(name, args, opts);
  children.push(child); // so a signal during a one-shot step still reaches its tree
  return child.exited.then(({ code, signal }) => {
    if (code !== 0) throw new Error(`${name} failed (exit ${code ?? signal}):\n${child.output()}`);
    return child.output();
  });
}

/**
 * Starts maildev, applies D1 migrations locally and starts `wrangler dev`.
 * Resolves to { url, mailUrl, smtpPort, stop(), exited } once /healthz answers 200.
 * `exited` resolves with { name, code, signal } if a child dies on its own (not through stop()).
 *
 * Production-shaped runs (test/e2e/production.e2e.ts): `configPath` and `envName` pick a wrangler
 * config and environment (its secrets come from `.dev.vars.<env>` next to that config, as
 * `wrangler secret put` gives them in production), `https` serves over https with wrangler's
 * self-signed certificate (PUBLIC_URL becomes https://127.0.0.1:<port>), and `migrate: false` leaves
 * the empty database to `npm run setup`.
 */
export async function startStack({
  rootDir,
  port = 8787,
  smtpPort = 1025,
  mailWebPort = 1080,
  persistTo,
  vars = {},
  stdio = "inherit",
  configPath,
  envName,
  https = false,
  migrate = true,
} = {}) {
  if (!rootDir) throw new Error("startStack: rootDir is required");
  const children = [];
  const known = new Map(); // pid -> { pid, start }: tree members seen so far, even if reparented since
  const remember = (pid) => {
    const st = procStat(pid);
    if (st && !known.has(pid)) known.set(pid, { pid, start: st.start });
  };
  const tracked = () => {
    for (const c of children) if (!exitedAlready(c)) [c.pid, ...descendants(c.pid)].forEach(remember);
    return [...known.values()].filter(alive);
  };
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      const procs = tracked();
      signalAll(procs, "SIGTERM");
      const deadline = Date.now() + 5000;
      while (procs.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const left = procs.filter(alive);
      if (left.length) {
        signalAll(left, "SIGKILL");
        while (left.some(alive)) await new Promise((r) => setTimeout(r, 50));
      }
      stacks.delete(stack);
    })());
  const stack = { stop, tracked };
  stacks.add(stack);
  installHandlers();

  const opts = { cwd: rootDir, env: WRANGLER_ENV, stdio };
  const wrangler = join(rootDir, "node_modules/wrangler/bin/wrangler.js");
  const persist = persistTo ? ["--persist-to", persistTo] : [];
  const config = [...(configPath ? ["--config", configPath] : []), ...(envName ? ["--env", envName] : [])];
  try {
    const mail = startChild(
      "mail",
      [
        join(rootDir, "node_modules/maildev/dist/bin/maildev.js"),
        "--smtp",
        String(smtpPort),
        "--web",
        String(mailWebPort),
        "--ip",
        "127.0.0.1",
        "--web-ip",
        "127.0.0.1",
      ],
      opts,
    );
    children.push(mail);
    const mailUrl = `http://127.0.0.1:${mailWebPort}`;
    try {
      await waitForHttp(`${mailUrl}/api/email`, 20_000, { accept: (r) => r.ok, isDead: () => exitedAlready(mail) });
    } catch (err) {
      throw new Error(`maildev did not start: ${err.message}\n${mail.output()}`);
    }

    // CI=1 in WRANGLER_ENV makes wrangler take the "yes" fallback of its confirmation prompt.
    if (migrate)
      await run(
        "migrate",
        [wrangler, "d1", "migrations", "apply", "DB", "--local", ...config, ...persist],
        opts,
        children,
      );

    const url = `${https ? "https" : "http"}://127.0.0.1:${port}`;
    const allVars = { SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtpPort), PUBLIC_URL: url, ...vars };
    const dev = startChild(
      "worker",
      [
        wrangler,
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--test-scheduled",
        ...config,
        ...persist,
        ...(https ? ["--local-protocol", "https"] : []),
        ...Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
      ],
      opts,
    );
    children.push(dev);
    try {
      await waitForHttp(`${url}/healthz`, 60_000, {
        accept: (r) => r.status === 200,
        isDead: () => exitedAlready(dev),
        insecureLoopback: https,
      });
    } catch (err) {
      throw new Error(`wrangler dev did not become healthy: ${err.message}\n--- wrangler output ---\n${dev.output()}`);
    }
    tracked(); // remember workerd now, in case wrangler dies first and orphans it
    // Only report deaths we did not cause. On Ctrl-C the terminal signals the children too, possibly
    // before our own SIGINT handler has called stop(), hence the grace period.
    const exited = Promise.race([mail.exited, dev.exited])
      .then((info) => new Promise((r) => setTimeout(() => r(info), 1000)))
      .then((info) => (stopping ? new Promise(() => {}) : info));
    return { url, mailUrl, smtpPort, stop, exited };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Small client for maildev's REST API. */
export function mailbox(mailUrl) {
  const api = async (path, init) => {
    const res = await fetch(`${mailUrl}${path}`, init);
    if (!res.ok) throw new Error(`maildev ${init?.method ?? "GET"} ${path}: HTTP ${res.status}`);
    return res;
  };
  const list = async () => (await api("/api/email")).json();
  return {
    list,
    source: async (id) => (await api(`/api/email/${encodeURIComponent(id)}/source`)).text(),
    clear: async () => void (await api("/api/email/all", { method: "DELETE" })),
    /** Resolves with the first message matching predicate(msg); rejects after timeoutMs. */
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = (await list()).find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching e-mail within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
