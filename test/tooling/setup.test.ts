// `npm run setup` as a child process against a throw-away local D1 (wrangler's --persist-to): from an
// empty database it applies the migrations, installs the built-in questionnaires and creates the first
// admin; a second run changes nothing (every table compared); bad input and a database with migrations
// this checkout does not know stop it before anything is changed.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runCommand, runScript } from "./support";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), "outcome-setup-test-"));
  dirs.push(d);
  return d;
};
const setup = (persistTo: string, ...args: string[]) => runScript("setup.mjs", [...args, "--persist-to", persistTo]);

async function sql(persistTo: string, command: string) {
  const r = await runCommand(join(ROOT, "node_modules/.bin/wrangler"), [
    "d1",
    "execute",
    "DB",
    "--local",
    "--persist-to",
    persistTo,
    "--json",
    "--command",
    command,
  ]);
  expect(r.code, r.output).toBe(0);
  return (JSON.parse(r.stdout) as { results: Record<string, unknown>[] }[]).map((s) => s.results);
}

/** Every row of every table, in a stable order: what "changes nothing" is checked against. */
async function dump(persistTo: string) {
  const [tables] = await sql(
    persistTo,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name " +
      "NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
  );
  const names = tables!.map((t) => String(t.name));
  const rows = await sql(persistTo, names.map((n) => `SELECT * FROM "${n}" ORDER BY rowid`).join("; "));
  return Object.fromEntries(names.map((n, i) => [n, rows[i]]));
}

describe("npm run setup", () => {
  it("sets up an empty database once; the second run changes nothing", async () => {
    const dir = stateDir();
    const first = await setup(dir, "--admin", " Beheer@Example.NL ", "--name", "Beheer Onderzoek", "--local");
    expect(first.code, first.output).toBe(0);
    expect(first.stdout).toMatch(/migrations applied: 0000_init\.sql/);
    expect(first.stdout).toContain("built-in questionnaires installed (10 definitions, version 1)");
    expect(first.stdout).toContain("first admin created: beheer@example.nl");
    expect(first.stdout).toContain("/staff/sign-in");
    const once = await dump(dir);
    expect(once.instruments).toHaveLength(10);
    expect(once.instrument_versions).toHaveLength(10);
    expect(once.staff_users).toEqual([
      expect.objectContaining({ email: "beheer@example.nl", name: "Beheer Onderzoek", is_admin: 1, disabled_at: null }),
    ]);
    expect(once.audit_log).toEqual([expect.objectContaining({ action: "setup.first_admin", actor_type: "system" })]);
    const migrations = readdirSync(join(ROOT, "schema/migrations")).filter((f) => f.endsWith(".sql"));
    expect(once.d1_migrations).toHaveLength(migrations.length);

    const second = await setup(dir, "--admin", "beheer@example.nl");
    expect(second.code, second.output).toBe(0);
    expect(second.stdout).toContain(`migrations up to date (${migrations.length})`);
    expect(second.stdout).toContain("built-in questionnaires already installed");
    expect(second.stdout).toContain("an admin exists already (beheer@example.nl); no admin created");
    // A different address does not make a second admin either.
    const third = await setup(dir, "--admin", "iemand.anders@example.nl");
    expect(third.code, third.output).toBe(0);
    expect(await dump(dir)).toEqual(once);
  });

  it("refuses bad arguments before touching anything", async () => {
    const dir = join(stateDir(), "never-created");
    for (const [args, message] of [
      [["--admin", "geen-adres"], /"geen-adres" is not an e-mail address\. Nothing was changed\./],
      [["--admin", "a@b"], /is not an e-mail address/],
      [["--admin", "x@example.nl<script>"], /is not an e-mail address/],
      [[], /--admin <email> is required/],
      [["--admin"], /--admin needs a value/],
      [["--admin", "a@example.nl", "--local", "--remote"], /Choose --local or --remote/],
      [["--admin", "a@example.nl", "--bogus"], /Unknown argument: --bogus/],
      [["--admin", "a@example.nl", "--env", "nergens"], /wrangler\.toml has no \[env\.nergens\]/],
    ] as [string[], RegExp][]) {
      const r = await setup(dir, ...args);
      expect(r.code, r.output).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it("stops on a database with migrations this checkout does not know, changing nothing", async () => {
    const dir = stateDir();
    expect((await setup(dir, "--admin", "beheer@example.nl")).code).toBe(0);
    await sql(dir, "INSERT INTO d1_migrations (name) VALUES ('9999_from_the_future.sql')");
    await sql(dir, "DELETE FROM instrument_versions WHERE id = (SELECT MAX(id) FROM instrument_versions)");
    const before = await dump(dir);
    const r = await setup(dir, "--admin", "beheer@example.nl");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("has migrations this checkout does not know: 9999_from_the_future.sql");
    expect(r.stderr).toContain("Nothing was changed.");
    expect(await dump(dir)).toEqual(before); // the missing definition was not reinstalled either
  });
});
