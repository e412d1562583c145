// The house checks (scripts/check-house.mjs) against small trees that break each rule, and one that keeps them all;
// and the long-line codemod (scripts/wrap-long-lines.mjs) on a file whose strings it must wrap without changing them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "./support";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fixture tree in a temp folder (not a git checkout: every file counts). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "house-"));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const check = (root: string, rules?: string) =>
  runCommand("node", ["scripts/check-house.mjs", "--root", root, ...(rules ? ["--rules", rules] : [])]);

/** Violation lines only (`file:line: rule: …`), without the summary line. */
const violations = (output: string) => output.split("\n").filter((l) => /^\S+:\d+: [a-z-]+: /.test(l));

/** Source text from lines. */
const src = (...lines: string[]) => `${lines.join("\n")}\n`;

// A house that keeps every rule: a route file that calls its domain's data module, a page that imports only a type
// from worker/, worker/ rendering a view, one-way folder imports.
const GOOD = {
  "worker/app.ts": src(
    'import { Hono } from "hono";',
    'import { survey } from "./survey/routes";',
    'export const app = new Hono().route("/", survey);',
  ),
  "worker/env.ts": src("export type Env = { DB: unknown };"),
  "worker/survey/routes.tsx": src(
    'import { Hono } from "hono";',
    'import { Questionnaire } from "../../web/pages/Questionnaire";',
    'import { openOccasions } from "./queries";',
    'import type { Env } from "../env";',
    "export const survey = new Hono<{ Bindings: Env }>();",
    'survey.get("/q", async (c) => c.html(Questionnaire({ n: (await openOccasions(c.env.DB)).length })));',
  ),
  "worker/survey/queries.ts": src(
    "export const openOccasions = async (db: { prepare(sql: string): { all(): Promise<unknown[]> } }) =>",
    "  db.prepare(\"SELECT id FROM occasions WHERE status = 'open'\").all();",
  ),
  "worker/survey/types.ts": src("export type Asked = { n: number };"),
  "web/pages/Questionnaire.tsx": src(
    'import type { Asked } from "../../worker/survey/types";',
    'import { type Env } from "../../worker/env";',
    'export const Questionnaire = (p: Asked) => "<p>" + p.n + "</p>";',
    "export type { Env };",
  ),
  "scripts/tool.mjs": src(`// ${"a comment of exactly one hundred and twenty columns ".repeat(3).slice(0, 117)}`),
};

describe("check-house", () => {
  it("passes a house that keeps every rule", async () => {
    const res = await check(tree(GOOD));
    expect(violations(res.output)).toEqual([]);
    expect(res.output).toContain("house rules hold (width, http-sql, layers, cycles)");
    expect(res.code).toBe(0);
  });

  it("width: each line over 120 columns, in characters (not bytes); generated files are left out", async () => {
    const root = tree({
      ...GOOD,
      "worker/long.ts": src(
        "export const a = 1;",
        `export const s = "${"é".repeat(101)}";`,
        `export const t = "${"x".repeat(100)}";`,
      ),
      "worker-configuration.d.ts": `declare const x: "${"x".repeat(200)}";\n`,
      "web/generated/assets.ts": `export const js = "${"x".repeat(200)}";\n`,
    });
    const res = await check(root);
    expect(violations(res.output)).toEqual(["worker/long.ts:2: width: 121 columns (at most 120)"]);
    expect(res.code).toBe(1);
  });

  it("http-sql: no SQL, D1 call, getDb or drizzle query in route files, page files or web/", async () => {
    const root = tree({
      ...GOOD,
      "worker/staff/admin-pages.tsx":
        'import { eq } from "drizzle-orm";\nimport { participants } from "../../schema/tables";\n' +
        "export const list = (db: any) => db.select().from(participants).where(eq(participants.id, 1));\n",
      "worker/reports/api.ts":
        'import { Hono } from "hono";\nimport { getDb } from "../db";\nexport const api = new Hono();\n' +
        'api.get("/", (c: any) => c.json(getDb(c.env.DB)));\n' +
        'export const stmt = (db: any) => db.prepare("DELETE FROM outbox WHERE id = ?");\n',
      "worker/reports/service.ts": 'export const n = (db: any) => db.prepare("SELECT 1").first();\n',
      // declares its operations through worker/http (no `new Hono`, not named *routes): an HTTP file too
      "worker/staff/api.ts":
        'import {\n  mount,\n  route,\n} from "../http/operation";\nimport { getDb } from "../db";\n' +
        "export const api = mount(route({} as any, (c: any) => c.json(getDb(c.env.DB))));\n",
      "web/pages/List.tsx":
        "export const sql = `UPDATE participants SET status = 'left'`;\nexport const s = 'Select a youth';\n",
    });
    const res = await check(root, "http-sql");
    expect(violations(res.output)).toEqual([
      "web/pages/List.tsx:1: http-sql: SQL in a string (UPDATE participants SET)",
      "worker/reports/api.ts:4: http-sql: calls getDb(",
      "worker/reports/api.ts:5: http-sql: calls .prepare(",
      "worker/reports/api.ts:5: http-sql: SQL in a string (DELETE FROM)",
      "worker/staff/admin-pages.tsx:1: http-sql: imports drizzle-orm",
      "worker/staff/admin-pages.tsx:3: http-sql: drizzle query on participants",
      "worker/staff/api.ts:6: http-sql: calls getDb(",
    ]);
    expect(res.code).toBe(1);
  });

  it("layers: web/ takes only types from worker/; worker/ only views, components and assets from web/", async () => {
    const root = tree({
      ...GOOD,
      "web/components/Plot.tsx": src(
        'import { median } from "../../worker/analysis/stats";',
        'import { type Lang, WAVES } from "../../worker/waves";',
        'import "../../worker/polyfill";',
        'export { DAY_MS } from "../../worker/time";',
        "export const Plot = () => median([WAVES]);",
        "export type L = Lang;",
      ),
      "worker/analysis/stats.ts": "export const median = (xs: unknown[]) => xs[0];\n",
      "worker/waves.ts": "export type Lang = 'nl';\nexport const WAVES = 3;\n",
      "worker/polyfill.ts": "export {};\n",
      "worker/time.ts": "export const DAY_MS = 86_400_000;\n",
      "worker/errors.ts":
        'import { t } from "../web/i18n/messages";\nimport type { Lang } from "../web/i18n/messages";\n' +
        'import { assets } from "../web/generated/assets";\nimport { Plot } from "../web/components/Plot";\n' +
        "export const e = () => [t, assets, Plot] as Lang[];\n",
      "web/i18n/messages.ts": "export type Lang = string;\nexport const t = () => '';\n",
      "web/generated/assets.ts": "export const assets = {};\n",
    });
    const res = await check(root, "layers");
    expect(violations(res.output)).toEqual([
      "web/components/Plot.tsx:1: layers: web/ imports a value from worker/analysis/stats.ts (only types may cross)",
      "web/components/Plot.tsx:2: layers: web/ imports a value from worker/waves.ts (only types may cross)",
      "web/components/Plot.tsx:3: layers: web/ imports a value from worker/polyfill.ts (only types may cross)",
      "web/components/Plot.tsx:4: layers: web/ imports a value from worker/time.ts (only types may cross)",
      "worker/errors.ts:1: layers: worker/ imports a value from web/i18n/messages.ts (only views and assets)",
    ]);
    expect(res.code).toBe(1);
  });

  it("cycles: folders that import each other, types included, printed with each import on the way", async () => {
    const root = tree({
      ...GOOD,
      "worker/reminders/outbox.ts":
        'import { linkFor } from "../survey/links";\nexport const send = () => linkFor();\n',
      "worker/survey/links.ts":
        'import type { Outbox } from "../reminders/types";\nexport const linkFor = (o?: Outbox) => o;\n',
      "worker/reminders/types.ts": "export type Outbox = { id: number };\n",
      // Three folders in a ring, and two files directly in worker/ that import each other (one folder: no cycle).
      "worker/a/x.ts": 'import "../b/x";\n',
      "worker/b/x.ts": 'import "../c/x";\n',
      "worker/c/x.ts": 'import "../a/x";\n',
      "worker/bindings.ts": 'import type { Env } from "./env";\nexport const REQUIRED: (keyof Env)[] = ["DB"];\n',
      "worker/env2.ts": 'import { REQUIRED } from "./bindings";\nexport const names = REQUIRED;\n',
    });
    const res = await check(root, "cycles");
    const ring = "in the cycle worker/a → worker/b → worker/c → worker/a";
    const pair = "in the cycle worker/reminders → worker/survey → worker/reminders";
    expect(violations(res.output).sort()).toEqual([
      `worker/a/x.ts:1: cycles: imports worker/b: ${ring}`,
      `worker/b/x.ts:1: cycles: imports worker/c: ${ring}`,
      `worker/c/x.ts:1: cycles: imports worker/a: ${ring}`,
      `worker/reminders/outbox.ts:1: cycles: imports worker/survey: ${pair}`,
      `worker/survey/links.ts:1: cycles: imports worker/reminders (types only): ${pair}`,
    ]);
    expect(res.code).toBe(1);
  });

  it("a type-only import from web/ into worker/ is no edge: a page takes its props' type from its domain", async () => {
    const res = await check(tree(GOOD), "cycles");
    // GOOD has worker/survey → web (renders the page) and web → worker/survey (a type): no cycle.
    expect(violations(res.output)).toEqual([]);
  });

  it("refuses an unknown rule", async () => {
    const res = await check(tree(GOOD), "width,colour");
    expect(res.code).toBe(2);
    expect(res.output).toContain("unknown rule(s): colour");
  });
});

describe("wrap-long-lines", () => {
  it("wraps long strings into concatenations of the same value, and long comments; reruns change nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wrap-"));
    made.push(dir);
    const file = join(dir, "strings.mjs");
    const words = (n: number, w: string) => Array.from({ length: n }, (_, i) => `${w}${i}`).join(" ");
    const source = [
      "const sql = (s, ...v) => s.raw.join('?') + v.length;",
      `export const plain = "${words(30, "word")}";`,
      `export const quoted = 'it\\'s ${words(25, "x")} \\u00e9 end';`,
      `export const tpl = (a, b) => \`${words(12, "head")} \${a} ${words(14, "mid")} \${b} tail\`;`,
      `export const tagged = sql\`${words(30, "keep")}\`;`,
      `export const length = "${words(28, "len")}".length;`,
      `export const title = (f) => f("${words(24, "title")}", () => 1);`,
      `// ${words(30, "note")}`,
      `export const v = 1; // ${words(20, "why")}`,
      "",
    ].join("\n");
    writeFileSync(file, source);
    const before = await import(`${pathToFileURL(file).href}?before`);

    const first = await runCommand("node", ["scripts/wrap-long-lines.mjs", file]);
    expect(first.code, first.output).toBe(0);
    const wrapped = readFileSync(file, "utf8");
    expect(wrapped).not.toBe(source);
    const long = wrapped.split("\n").filter((l) => [...l].length > 120);
    expect(long).toEqual([`export const tagged = sql\`${words(30, "keep")}\`;`]); // a tagged template is left whole
    expect(wrapped).toContain('" +\n');
    const noteLines = wrapped.split("\n").filter((l) => l.startsWith("// note"));
    expect(noteLines).toHaveLength(2); // a long comment: two lines, the same words
    expect(noteLines.map((l) => l.slice(3)).join(" ")).toBe(words(30, "note"));
    expect(wrapped).toContain(`// ${words(20, "why")}\nexport const v = 1;\n`);
    const after = await import(`${pathToFileURL(file).href}?after`);
    expect(after.plain).toBe(before.plain);
    expect(after.quoted).toBe(before.quoted);
    expect(after.tpl(1, 2)).toBe(before.tpl(1, 2));
    expect(after.tagged).toBe(before.tagged);
    expect(after.length).toBe(before.length);
    expect(after.title((s: string) => s)).toBe(before.title((s: string) => s));

    const second = await runCommand("node", ["scripts/wrap-long-lines.mjs", file]);
    expect(second.code, second.output).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(wrapped);
    expect((await runCommand("node", ["scripts/wrap-long-lines.mjs", "--check", file])).code).toBe(0);
  });
});
