// House rules that Biome cannot check (issue 13, "Done when"); run by `npm run lint` after `biome check`.
//
//   node scripts/check-house.mjs [--root DIR] [--rules width,http-sql,layers,cycles]
//
// Prints each violation as `file:line: rule: what` and exits 1 when there is one.
//   width     no line over 120 columns (code points) in *.ts, *.tsx, *.mts, *.cts, *.mjs, *.js, *.cjs — tracked files
//             and new ones git does not ignore; the generated worker-configuration.d.ts (wrangler types) and
//             web/generated/ (npm run build) are left out.
//   http-sql  HTTP files hold no SQL and no drizzle query. HTTP files: everything under web/, and the files under
//             worker/ that create routes (`new Hono`, or mount/route/page imported from worker/http/operation.ts) or
//             are named *routes.ts(x) / *pages.ts(x). They may not call
//             .prepare( .batch( getDb( .findFirst( .findMany(, pass a table of schema/tables.ts to a query builder
//             (.from( .insert( .update( .delete( .innerJoin( …), import from drizzle-orm, or hold SQL in a string
//             (SELECT, INSERT INTO, UPDATE … SET, DELETE FROM).
//   layers    web/ imports nothing but types from worker/ (`import type …`, or `import { type A, type B }` with every
//             name a type; `export type … from`). worker/ imports from web/ only the views it renders (web/pages/,
//             web/components/) and the built client assets (web/generated/); anything else of web/ (the catalogue,
//             islands) only as types.
//   cycles    no import cycle between folders. Nodes: each first-level folder of worker/ (worker/survey, …), each file
//             directly in worker/ (worker/app.ts, worker/env.ts, …: the composition root and the shared basics are
//             not one folder), and the top-level folders web/, schema/ and core/. Edges: relative imports, values and
//             types alike, except type-only imports from web/ into worker/ — the direction the layers rule allows
//             (a page takes its props' types from its domain, which renders it).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, posix, resolve } from "node:path";
import { SyntaxKind as K } from "typescript/unstable/ast";
import { houseFiles, LINE_WIDTH, lineWidth, parseFiles, ROOT, SOURCE_EXTENSIONS } from "./lib/house-files.mjs";

const RULES = ["width", "http-sql", "layers", "cycles"];

const SQL = /\b(SELECT|INSERT INTO|UPDATE\s+\w+\s+SET|DELETE FROM)\b/;
const DB_CALLS = new Set(["prepare", "batch", "findFirst", "findMany"]);
const TABLE_TAKERS = new Set([
  "from",
  "insert",
  "update",
  "delete",
  "innerJoin",
  "leftJoin",
  "rightJoin",
  "fullJoin",
  "crossJoin",
]);
const WORKER_MAY_RENDER = /^web\/(pages|components|generated)\//;

/** A file that declares operations or pages through worker/http (mount, route, page) serves HTTP too. */
const DECLARES = /\bimport\s*\{[^}]*\b(mount|route|page)\b[^}]*\}\s*from\s*"[./]*(http\/operation|\.\/operation)"/;

function isHttpFile(rel, text) {
  if (rel.startsWith("web/")) return true;
  if (!rel.startsWith("worker/")) return false;
  return /(routes|pages)\.tsx?$/.test(rel) || /\bnew Hono\b/.test(text) || DECLARES.test(text);
}

/** The folder node of a path for the cycles rule, or null for files outside the graph (test/, scripts/, …). */
function folderOf(rel) {
  const parts = rel.split("/");
  if (parts[0] === "worker") return parts.length === 2 ? rel : `worker/${parts[1]}`;
  if (["web", "schema", "core"].includes(parts[0]) && parts.length > 1) return parts[0];
  return null;
}

/** A file directly in worker/ (its own node in the cycles rule; two of them share a folder). */
const isRootFile = (node) => node.startsWith("worker/") && node.split("/").length === 2 && SOURCE_EXTENSIONS.test(node);

/** Resolves a relative specifier to a path relative to root (extension guessed; only the folder matters). */
function resolveSpecifier(root, fromRel, spec) {
  const base = posix.normalize(posix.join(posix.dirname(fromRel), spec));
  for (const ext of ["", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.tsx"]) {
    if (existsSync(join(root, base + ext)) && statSync(join(root, base + ext)).isFile()) return base + ext;
  }
  return base.replace(/\.js$/, ".ts");
}

/** Every import of a file: { spec, line, typeOnly } for static imports, re-exports and dynamic import(). */
function importsOf(sf, lineOf) {
  const found = [];
  const visit = (node) => {
    if (
      (node.kind === K.ImportDeclaration || node.kind === K.ExportDeclaration) &&
      node.moduleSpecifier?.kind === K.StringLiteral
    ) {
      found.push({ spec: node.moduleSpecifier.text, line: lineOf(node), typeOnly: isTypeOnly(node) });
    } else if (
      node.kind === K.CallExpression &&
      node.expression.kind === K.ImportKeyword &&
      node.arguments[0]?.kind === K.StringLiteral
    ) {
      found.push({ spec: node.arguments[0].text, line: lineOf(node), typeOnly: false });
    } else if (node.kind === K.ImportType && node.argument?.literal?.kind === K.StringLiteral) {
      found.push({ spec: node.argument.literal.text, line: lineOf(node), typeOnly: true });
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return found;
}

function isTypeOnly(decl) {
  if (decl.kind === K.ExportDeclaration) {
    if (decl.isTypeOnly) return true;
    const elements = decl.exportClause?.elements;
    return Boolean(elements && elements.length > 0 && elements.every((e) => e.isTypeOnly));
  }
  const clause = decl.importClause;
  if (!clause) return false; // import "x": runs the module
  if (clause.phaseModifier === K.TypeKeyword) return true;
  if (clause.name) return false; // a default import is a value
  const bindings = clause.namedBindings;
  if (!bindings || bindings.kind !== K.NamedImports) return false; // import * as x
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function httpSqlViolations(sf, lineOf, tableNames) {
  const found = [];
  const visit = (node) => {
    if (node.kind === K.CallExpression) {
      const callee = node.expression;
      const name = callee.kind === K.PropertyAccessExpression ? callee.name.text : null;
      if (name && DB_CALLS.has(name)) found.push([lineOf(node), `calls .${name}(`]);
      if (callee.kind === K.Identifier && callee.text === "getDb") found.push([lineOf(node), "calls getDb("]);
      const first = node.arguments[0];
      if (name && TABLE_TAKERS.has(name) && first && tableNames.has(first.getText(sf))) {
        found.push([lineOf(node), `drizzle query on ${first.getText(sf)}`]);
      }
    } else if (
      (node.kind === K.ImportDeclaration || node.kind === K.ExportDeclaration) &&
      node.moduleSpecifier?.kind === K.StringLiteral &&
      /^drizzle-orm(\/|$)/.test(node.moduleSpecifier.text)
    ) {
      found.push([lineOf(node), `imports ${node.moduleSpecifier.text}`]);
    } else if (
      node.kind === K.StringLiteral ||
      node.kind === K.NoSubstitutionTemplateLiteral ||
      node.kind === K.TemplateHead ||
      node.kind === K.TemplateMiddle ||
      node.kind === K.TemplateTail
    ) {
      const m = SQL.exec(node.text);
      if (m && !isImportSpecifier(node)) found.push([lineOf(node), `SQL in a string (${m[0]})`]);
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return found;
}

const isImportSpecifier = (node) =>
  node.parent.kind === K.ImportDeclaration || node.parent.kind === K.ExportDeclaration;

/** Names under which a file imports the tables of schema/tables.ts as values (`tables.x` for a namespace import). */
function tableNamesOf(sf, rel) {
  const names = new Set();
  for (const st of sf.statements) {
    if (st.kind !== K.ImportDeclaration || st.importClause?.phaseModifier !== undefined) continue;
    const target = resolveSpecifierText(rel, st.moduleSpecifier.text);
    if (target !== "schema/tables") continue;
    const b = st.importClause.namedBindings;
    if (b?.kind === K.NamedImports) {
      for (const e of b.elements) if (!e.isTypeOnly && /^[a-z]/.test(e.name.text)) names.add(e.name.text);
    } else if (b?.kind === K.NamespaceImport) {
      names.add(`${b.name.text}.`);
    }
  }
  // A namespace import matches `tables.participants`: expand the prefix lazily in the check.
  return {
    has: (text) => names.has(text) || [...names].some((n) => n.endsWith(".") && text.startsWith(n)),
  };
}

const resolveSpecifierText = (rel, spec) =>
  spec.startsWith(".") ? posix.normalize(posix.join(posix.dirname(rel), spec)).replace(/\.(ts|js)$/, "") : spec;

/** Strongly connected components of size > 1 (Tarjan), each as a list of nodes. */
function cyclesOf(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/** A shortest cycle through `start` inside one component, as a node list ending where it began. */
function cycleThrough(graph, comp, start) {
  const inComp = new Set(comp);
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function checkHouse(root, rules = RULES) {
  const files = houseFiles(root);
  const violations = [];
  const report = (file, line, rule, what) => violations.push({ file, line, rule, what });

  if (rules.includes("width")) {
    for (const rel of files) {
      readFileSync(join(root, rel), "utf8")
        .split("\n")
        .forEach((l, i) => {
          const w = lineWidth(l);
          if (w > LINE_WIDTH) report(rel, i + 1, "width", `${w} columns (at most ${LINE_WIDTH})`);
        });
    }
  }

  const graphed = files.filter((f) => folderOf(f) !== null);
  if (graphed.length > 0 && rules.some((r) => r !== "width")) {
    const abs = graphed.map((f) => resolve(root, f));
    const { trees, close } = parseFiles(root, abs);
    const graph = new Map(); // node → Map(node → first {file, line})
    try {
      for (const rel of graphed) {
        const sf = trees.get(resolve(root, rel));
        const lineOf = (node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        if (rules.includes("http-sql") && isHttpFile(rel, sf.text)) {
          for (const [line, what] of httpSqlViolations(sf, lineOf, tableNamesOf(sf, rel))) {
            report(rel, line, "http-sql", what);
          }
        }
        for (const imp of importsOf(sf, lineOf)) {
          if (!imp.spec.startsWith(".")) continue;
          const target = resolveSpecifier(root, rel, imp.spec);
          if (rules.includes("layers")) {
            if (rel.startsWith("web/") && target.startsWith("worker/") && !imp.typeOnly) {
              report(rel, imp.line, "layers", `web/ imports a value from ${target} (only types may cross)`);
            }
            if (rel.startsWith("worker/") && target.startsWith("web/") && !imp.typeOnly) {
              if (!WORKER_MAY_RENDER.test(target)) {
                report(rel, imp.line, "layers", `worker/ imports a value from ${target} (only views and assets)`);
              }
            }
          }
          const from = folderOf(rel);
          const to = folderOf(target);
          if (!to || from === to || (isRootFile(from) && isRootFile(to))) continue; // same folder
          if (from === "web" && imp.typeOnly && to.startsWith("worker/")) continue;
          if (!graph.has(from)) graph.set(from, new Map());
          // The edge's first import names it; a value import, when there is one, is named before type imports.
          const edge = graph.get(from).get(to);
          if (!edge || (edge.typeOnly && !imp.typeOnly)) {
            graph.get(from).set(to, { file: rel, line: imp.line, typeOnly: imp.typeOnly });
          }
        }
      }
    } finally {
      close();
    }
    if (rules.includes("cycles")) {
      // Each component with a cycle: every pair of folders that import each other, and the shortest cycle through
      // each of its folders, once each.
      const seen = new Set();
      for (const comp of cyclesOf(graph)) {
        const pairs = comp.flatMap((a) =>
          comp.filter((b) => a < b && graph.get(a)?.has(b) && graph.get(b)?.has(a)).map((b) => [a, b, a]),
        );
        for (const cycle of [...pairs, ...comp.map((start) => cycleThrough(graph, comp, start))]) {
          const ring = cycle.slice(0, -1);
          const first = ring.indexOf([...ring].sort()[0]);
          const key = [...ring.slice(first), ...ring.slice(0, first)].join(" → ");
          if (seen.has(key)) continue;
          seen.add(key);
          for (let i = 0; i < ring.length; i++) {
            const at = graph.get(cycle[i]).get(cycle[i + 1]);
            const what = `imports ${cycle[i + 1]}${at.typeOnly ? " (types only)" : ""}`;
            report(at.file, at.line, "cycles", `${what}: in the cycle ${key} → ${ring[first]}`);
          }
        }
      }
    }
  }
  return violations;
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = resolve(opt("--root") ?? ROOT);
  const rules = (opt("--rules") ?? RULES.join(",")).split(",").filter(Boolean);
  const unknown = rules.filter((r) => !RULES.includes(r));
  if (unknown.length > 0) {
    console.error(`unknown rule(s): ${unknown.join(", ")}; the rules are ${RULES.join(", ")}`);
    process.exit(2);
  }
  const violations = checkHouse(root, rules);
  for (const v of violations) console.log(`${v.file}:${v.line}: ${v.rule}: ${v.what}`);
  const counts = rules.map((r) => `${r} ${violations.filter((v) => v.rule === r).length}`).join(", ");
  console.log(violations.length === 0 ? `house rules hold (${rules.join(", ")})` : `house rules broken: ${counts}`);
  process.exit(violations.length === 0 ? 0 : 1);
}

main();
