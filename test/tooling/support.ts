// Helpers for the Node-side tooling tests: run a project script as a child process, and write edited
// copies of wrangler.toml into temp folders (with paths made absolute, so the copy still points at this
// checkout's Worker, migrations and build script).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export type RunResult = { code: number; stdout: string; stderr: string; output: string };

/** Runs a command in the project root with wrangler's offline settings; never throws on a non-zero exit. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string | undefined> } = {},
): Promise<RunResult> {
  return new Promise((res) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_HIDE_BANNER: "true",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        NO_COLOR: "1",
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => res({ code: code ?? -1, stdout, stderr, output: stdout + stderr }));
  });
}

/** `node scripts/<script> ...args` */
export const runScript = (script: string, args: string[], opts?: { env?: Record<string, string | undefined> }) =>
  runCommand(process.execPath, [join(ROOT, "scripts", script), ...args], opts);

const tempDirs: string[] = [];

/**
 * The committed wrangler.toml with main, migrations_dir, the [build] command and its watch_dir pointing into this
 * checkout.
 */
export function portableWranglerToml(): string {
  return readFileSync(join(ROOT, "wrangler.toml"), "utf8")
    .replace(/^main = "([^"]+)"/m, (_, p: string) => `main = ${JSON.stringify(join(ROOT, p))}`)
    .replace(/^migrations_dir = "([^"]+)"/gm, (_, p: string) => `migrations_dir = ${JSON.stringify(join(ROOT, p))}`)
    .replace(
      /^command = "node (scripts\/[^"]+)"/m,
      (_, p: string) => `command = ${JSON.stringify(`node ${join(ROOT, p)}`)}`,
    )
    .replace(
      /^watch_dir = \[([^\]]*)\]/m,
      (_, list: string) =>
        `watch_dir = [${list
          .split(",")
          .map((d) => JSON.stringify(join(ROOT, JSON.parse(d.trim()) as string)))
          .join(", ")}]`,
    );
}

/** Writes text as wrangler.toml into a fresh temp folder; returns its path. */
export function writeTempConfig(text: string, name = "wrangler.toml"): string {
  const dir = mkdtempSync(join(tmpdir(), "om-tooling-"));
  tempDirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function removeTempConfigs(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * Removes one TOML table (its header line and the key lines under it, up to the next blank line or
 * header). Throws when the header is not found, so a renamed table fails the test loudly.
 */
export function removeTable(text: string, header: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === header);
  if (start < 0) throw new Error(`no ${header} in wrangler.toml`);
  let end = start + 1;
  while (end < lines.length && lines[end]!.trim() !== "" && !lines[end]!.trim().startsWith("[")) end++;
  lines.splice(start, end - start);
  return lines.join("\n");
}

/** Replaces exactly one line starting with `prefix` inside the given [table] (up to the next header). */
export function replaceLineIn(text: string, header: string, prefix: string, replacement: string | null): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === header);
  if (start < 0) throw new Error(`no ${header} in wrangler.toml`);
  let i = start + 1;
  while (i < lines.length && !lines[i]!.trim().startsWith("[")) {
    if (lines[i]!.startsWith(prefix)) {
      if (replacement === null) lines.splice(i, 1);
      else lines[i] = replacement;
      return lines.join("\n");
    }
    i++;
  }
  throw new Error(`no line ${prefix}… in ${header}`);
}

/** Fills every placeholder with plausible real-looking values (no REPLACE_…, no example.org). */
export function fillPlaceholders(text: string): string {
  return text
    .replace(/REPLACE_WITH_STAGING_D1_DATABASE_ID/g, "2b7c3f0e-1111-4a5b-8c9d-0123456789ab")
    .replace(/REPLACE_WITH_PRODUCTION_D1_DATABASE_ID/g, "9e8d7c6b-2222-4a5b-8c9d-0123456789ab")
    .replace(/REPLACE_WITH_SMTP_RELAY_HOST/g, "smtp.jeugdzorg-monitor.test")
    .replace(/example\.org/g, "jeugdzorg-monitor.test");
}
