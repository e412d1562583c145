// Codemod: breaks string literals and untagged template literals that sit on a line over the formatter's width
// (120) into concatenations at spaces — `"a b"` → `"a " + "b"`, `\`x ${y} z\`` → `\`x ${y} \` + \`z\`` — and lets
// Biome wrap them. The runtime string is identical; the script proves it before writing anything: for every file
// it changes, esbuild's minified output (minifySyntax folds "a " + "b" into "a b") must equal the output for the
// original text, or the file is left as it was and the script fails.
//
//   node scripts/wrap-long-lines.mjs [--check] [files…]
//
// Without files: every tracked *.ts, *.tsx, *.mjs, *.js, *.cjs except the generated ones (scripts/lib/house-files.mjs).
// --check: change nothing; exit 1 when a file would change. Idempotent: a second run changes nothing.
// A comment line of its own is broken at a space with the same lead (`// `, ` * `); a trailing `// …` moves above
// its code. Left alone (listed at the end, to fix by hand): JSX text, regular expressions, import paths, object
// keys, string literal types, tagged templates (sql`…`), `"…" as const`, directives (biome-ignore, @ts-…), a
// template inside a template's `${…}`, and literals without a space or other break point. A JSX attribute string
// becomes an expression (`title={"a " + "b"}`) when it has no entity or backslash. Parsing uses the TypeScript 7
// API (typescript/unstable/sync, the native compiler as a child process).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { transformSync } from "esbuild";
import { SyntaxKind as K } from "typescript/unstable/ast";
import { getLeadingCommentRanges, getTrailingCommentRanges } from "typescript/unstable/ast/scanner";
import { houseFiles, LINE_WIDTH, lineWidth, parseFiles, ROOT } from "./lib/house-files.mjs";

const MAX_ROUNDS = 8;
/** A piece shorter than this (in columns) is not worth its own line. */
const MIN_PIECE = 16;

/** Binary operators that bind more loosely than `+`: `a OP "x " + "y"` still means `a OP ("x " + "y")`. */
const LOOSER_THAN_PLUS = new Set([
  K.LessThanLessThanToken,
  K.GreaterThanGreaterThanToken,
  K.GreaterThanGreaterThanGreaterThanToken,
  K.LessThanToken,
  K.GreaterThanToken,
  K.LessThanEqualsToken,
  K.GreaterThanEqualsToken,
  K.InstanceOfKeyword,
  K.InKeyword,
  K.EqualsEqualsToken,
  K.ExclamationEqualsToken,
  K.EqualsEqualsEqualsToken,
  K.ExclamationEqualsEqualsToken,
  K.AmpersandToken,
  K.CaretToken,
  K.BarToken,
  K.AmpersandAmpersandToken,
  K.BarBarToken,
  K.QuestionQuestionToken,
  K.EqualsToken,
  K.PlusEqualsToken,
  K.BarBarEqualsToken,
  K.AmpersandAmpersandEqualsToken,
  K.QuestionQuestionEqualsToken,
  K.CommaToken,
]);

/**
 * How a literal expression may become a concatenation where it stands: "bare" (no parentheses needed), "wrap"
 * (inside parentheses), "jsx" (attribute string → `{…}`) or null (leave it).
 */
function placement(expr) {
  const p = expr.parent;
  switch (p.kind) {
    case K.CallExpression:
    case K.NewExpression:
      if (p.expression === expr) return "wrap";
      if (p.expression.kind === K.ImportKeyword) return null;
      if (p.expression.kind === K.Identifier && p.expression.getText() === "require") return null;
      return "bare";
    case K.ArrayLiteralExpression:
    case K.ReturnStatement:
    case K.ThrowStatement:
    case K.ParenthesizedExpression:
    case K.TemplateSpan:
    case K.JsxExpression:
    case K.ArrowFunction:
    case K.CaseClause:
    case K.SpreadElement:
      return "bare";
    case K.PropertyAssignment:
    case K.VariableDeclaration:
    case K.Parameter:
    case K.BindingElement:
    case K.PropertyDeclaration:
      return p.initializer === expr ? "bare" : null;
    case K.ConditionalExpression:
      return p.condition === expr ? "wrap" : "bare";
    case K.BinaryExpression: {
      const op = p.operatorToken.kind;
      return op === K.PlusToken || LOOSER_THAN_PLUS.has(op) ? "bare" : "wrap";
    }
    case K.AsExpression:
    case K.SatisfiesExpression:
      return p.type.getText() === "const" ? null : "wrap";
    case K.PropertyAccessExpression:
    case K.NonNullExpression:
    case K.PrefixUnaryExpression:
    case K.TypeOfExpression:
    case K.VoidExpression:
    case K.AwaitExpression:
      return "wrap";
    case K.JsxAttribute:
      return "jsx";
    default:
      return null; // imports, keys, types, tagged templates, directives, element access, enums, …
  }
}

/**
 * A literal expression that could be split: its extent, where it stands (placement), its quote, and the file
 * ranges of its text (a template's text between the substitutions; never the `${…}` themselves).
 */
function literal(node, sf) {
  if (node.kind === K.StringLiteral || node.kind === K.NoSubstitutionTemplateLiteral) {
    const start = node.getStart(sf);
    return { start, end: node.end, node, texts: [[start + 1, node.end - 1]] };
  }
  if (node.kind === K.TemplateExpression) {
    const texts = [[node.head.getStart(sf) + 1, node.head.end - 2]];
    for (const span of node.templateSpans) {
      const lit = span.literal;
      texts.push([lit.getStart(sf) + 1, lit.end - (lit.kind === K.TemplateMiddle ? 2 : 1)]);
    }
    return { start: node.getStart(sf), end: node.end, node, texts };
  }
  return null;
}

/** Literals that may be split. Not those inside a template's `${…}`: Biome keeps a substitution on one line. */
function collectLiterals(sf) {
  const found = [];
  const visit = (node, inSubstitution) => {
    const lit = literal(node, sf);
    if (lit && !inSubstitution) {
      const how = placement(node);
      if (how) found.push({ ...lit, how, quote: sf.text[lit.start] });
    }
    node.forEachChild((child) => visit(child, inSubstitution || node.kind === K.TemplateSpan));
  };
  visit(sf, false);
  return found;
}

/** A split point: after a space (or, for text without spaces, after , ; } >) that is not an escaped character. */
function isBreak(text, i, loose) {
  const ch = text[i - 1];
  if (!(ch === " " || (loose && ",;}>".includes(ch)))) return false;
  let slashes = 0;
  for (let j = i - 2; j >= 0 && text[j] === "\\"; j--) slashes++;
  return slashes % 2 === 0 && text[i] !== " ";
}

/** Split points (file offsets) for one literal on one over-long line [lineStart, lineEnd). */
function splitPoints(text, lit, lineStart, lineEnd, indent) {
  const from = Math.max(lit.start, lineStart);
  const to = Math.min(lit.end, lineEnd);
  const width = (a, b) => lineWidth(text.slice(a, b));
  if (width(from, to) < 2 * MIN_PIECE) return [];
  const room = LINE_WIDTH - indent - 4 - 4;
  for (const loose of [false, true]) {
    const breaks = [];
    for (const [a, b] of lit.texts) {
      if (text.slice(a, b).trim() === "") continue; // `${x} ${y}`: no piece of substitutions only
      for (let i = Math.max(a, from) + 1; i <= Math.min(b, to); i++) {
        if (isBreak(text, i, loose) && width(from, i) >= MIN_PIECE && width(i, to) >= MIN_PIECE) breaks.push(i);
      }
    }
    if (breaks.length === 0) continue;
    // Not just before a `${`, when there is a choice: a piece that starts with a substitution reads badly.
    const good = breaks.filter((b) => !text.startsWith("${", b));
    const usable = good.length > 0 ? good : breaks;
    // Even pieces, as many as the room needs and at least two: after Biome breaks the concatenation, each piece
    // sits on its own line, indented a little more than this one.
    const total = width(from, to);
    const pieces = Math.max(2, Math.ceil(total / room));
    const points = [];
    for (let k = 1; k < pieces; k++) {
      const target = (total * k) / pieces;
      const later = usable.filter((b) => b > (points.at(-1) ?? from));
      if (later.length === 0) break;
      const off = (b) => Math.abs(width(from, b) - target);
      points.push(later.reduce((best, b) => (off(b) < off(best) ? b : best)));
    }
    return points;
  }
  return [];
}

/** Comments of the file as [start, end) ranges, from the trivia around every node (none inside JSX text). */
function collectComments(sf) {
  const text = sf.text;
  const found = new Map();
  const jsxText = [];
  const add = (ranges) => {
    for (const r of ranges ?? []) found.set(r.pos, r.end);
  };
  const visit = (node) => {
    if (node.kind === K.JsxText) {
      jsxText.push([node.pos, node.end]);
      return;
    }
    add(getLeadingCommentRanges(text, node.pos));
    add(getLeadingCommentRanges(text, node.end));
    add(getTrailingCommentRanges(text, node.end));
    node.forEachChild(visit);
  };
  visit(sf);
  return [...found].filter(([a, b]) => !jsxText.some(([x, y]) => a < y && b > x)).sort((x, y) => x[0] - y[0]);
}

/** Directives whose comment must stay one line. */
const DIRECTIVE = /biome-ignore|@ts-|eslint-|prettier-ignore|^\s*\/\/\/\s*</;

/**
 * A long line that is a comment of its own (`// …`, or a line of a block comment): broken at its last space that
 * fits, the rest on a new line with the same lead (`// `, ` * `). Returns the edits, or null.
 */
function commentBreak(text, comments, lineStart, lineEnd) {
  const line = text.slice(lineStart, lineEnd);
  if (DIRECTIVE.test(line)) return null;
  const first = lineStart + line.search(/\S|$/);
  const comment = comments.find(([a, b]) => a <= first && b >= lineEnd);
  if (!comment) {
    // `code; // why`: the comment goes on its own line above the code (and is wrapped in the next round).
    const trailing = comments.find(([a, b]) => a > first && b === lineEnd && text.startsWith("//", a));
    if (!trailing) return null;
    let from = trailing[0];
    while (text[from - 1] === " ") from--;
    const indent = line.match(/^\s*/)[0];
    return [
      { from, to: lineEnd, insert: "" },
      { from: lineStart, to: lineStart, insert: `${indent}${text.slice(trailing[0], lineEnd)}\n` },
    ];
  }
  let lead;
  if (comment[0] === first && text.startsWith("//", first)) lead = line.match(/^\s*\/\/+ ?/)[0];
  else if (text.startsWith("/*", comment[0])) {
    const indent = line.match(/^\s*/)[0];
    lead = /^\s*\/\*/.test(line) ? `${indent} * ` : (line.match(/^\s*\* ?/)?.[0] ?? indent);
  } else return null;
  const body = lineStart + lead.length;
  let cut = -1;
  for (let i = body + MIN_PIECE; i <= lineEnd - MIN_PIECE; i++) {
    if (text[i - 1] === " " && text[i] !== " " && lineWidth(text.slice(lineStart, i - 1)) <= LINE_WIDTH) cut = i;
  }
  if (cut < 0) return null;
  return [{ from: cut - 1, to: cut, insert: `\n${lead}` }]; // the space becomes the line break
}

function lineRanges(text) {
  const ranges = [];
  let start = 0;
  for (const line of text.split("\n")) {
    ranges.push([start, start + line.length]);
    start += line.length + 1;
  }
  return ranges;
}

/** One round over one file: the edited text, or null when nothing on a long line can be split. */
function wrapOnce(text, sf) {
  const long = lineRanges(text).filter(([a, b]) => lineWidth(text.slice(a, b)) > LINE_WIDTH);
  if (long.length === 0) return null;
  const literals = collectLiterals(sf);
  const comments = collectComments(sf);
  const inserts = new Map(); // offset → text
  const edits = []; // { from, to, insert }
  const wraps = new Map(); // literal node → "wrap" | "jsx"
  for (const [lineStart, lineEnd] of long) {
    const indent = text.slice(lineStart, lineEnd).search(/\S|$/);
    const onLine = (l) => Math.min(l.end, lineEnd) - Math.max(l.start, lineStart);
    // The longest splittable literal on the line.
    const best = literals
      .filter((l) => l.start < lineEnd && l.end > lineStart)
      .map((l) => ({ l, points: splitPoints(text, l, lineStart, lineEnd, indent) }))
      .filter((c) => c.points.length > 0)
      .sort((a, b) => onLine(b.l) - onLine(a.l))[0];
    if (!best) {
      const edit = commentBreak(text, comments, lineStart, lineEnd);
      if (edit) edits.push(...edit);
      continue;
    }
    if (best.l.how === "jsx") {
      // Becomes {"…"} now and is split in the next round (JSX attribute text has no escapes, but entities).
      if (!/[&\\\n]/.test(text.slice(best.l.start + 1, best.l.end - 1))) wraps.set(best.l.node, best.l);
      continue;
    }
    const q = best.l.quote;
    for (const at of best.points) inserts.set(at, `${q} + ${q}`);
    if (best.l.how === "wrap") wraps.set(best.l.node, best.l);
  }
  if (inserts.size === 0 && wraps.size === 0 && edits.length === 0) return null;
  for (const [at, insert] of inserts) edits.push({ from: at, to: at, insert });
  for (const l of wraps.values()) {
    if (l.how === "wrap") {
      edits.push({ from: l.start, to: l.start, insert: "(" }, { from: l.end, to: l.end, insert: ")" });
    } else {
      edits.push({ from: l.start, to: l.end, insert: `{${JSON.stringify(text.slice(l.start + 1, l.end - 1))}}` });
    }
  }
  edits.sort((a, b) => b.from - a.from); // back to front, so earlier offsets stay valid
  let out = text;
  for (const e of edits) out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  return out;
}

const LOADERS = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".mjs": "js", ".js": "js", ".cjs": "js" };

/** esbuild's minified output: equal for two texts that differ only in layout and in how strings are written. */
export function folded(file, text) {
  return transformSync(text, {
    loader: LOADERS[file.slice(file.lastIndexOf("."))] ?? "ts",
    minifySyntax: true,
    minifyWhitespace: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
  }).code;
}

function biomeFormat(absFiles) {
  execFileSync(join(ROOT, "node_modules/.bin/biome"), ["format", "--write", "--vcs-enabled=false", ...absFiles], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

const overLong = (text) => text.split("\n").some((l) => lineWidth(l) > LINE_WIDTH);

function main() {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const named = args.filter((a) => !a.startsWith("--"));
  const files = (named.length > 0 ? named : houseFiles(ROOT)).map((f) => resolve(ROOT, f));
  const original = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
  const current = new Map(original);
  let todo = files.filter((f) => overLong(current.get(f)));
  for (let round = 0; round < MAX_ROUNDS && todo.length > 0; round++) {
    const { trees, close } = parseFiles(ROOT, todo, current);
    const changed = [];
    try {
      for (const f of todo) {
        const next = wrapOnce(current.get(f), trees.get(f));
        if (next !== null && next !== current.get(f)) {
          current.set(f, next);
          changed.push(f);
        }
      }
    } finally {
      close();
    }
    if (check || changed.length === 0) break;
    for (const f of changed) writeFileSync(f, current.get(f));
    biomeFormat(changed);
    for (const f of changed) current.set(f, readFileSync(f, "utf8"));
    todo = changed.filter((f) => overLong(current.get(f)));
  }
  const rel = (f) => f.slice(ROOT.length + 1);
  const edited = files.filter((f) => current.get(f) !== original.get(f));
  let failed = false;
  for (const f of edited) {
    if (folded(f, original.get(f)) !== folded(f, current.get(f))) {
      console.error(
        `${rel(f)}: esbuild's folded output differs after wrapping; ` + `${check ? "" : "restored the original"}`,
      );
      if (!check) writeFileSync(f, original.get(f));
      failed = true;
    }
  }
  if (check) {
    for (const f of edited) console.log(`${rel(f)}: has long strings to wrap`);
    process.exit(edited.length > 0 || failed ? 1 : 0);
  }
  const left = [];
  for (const f of files) {
    readFileSync(f, "utf8")
      .split("\n")
      .forEach((l, i) => {
        if (lineWidth(l) > LINE_WIDTH) left.push(`${rel(f)}:${i + 1}: ${lineWidth(l)} columns`);
      });
  }
  console.log(`wrapped strings and comments in ${edited.length} files (each checked against esbuild's output)`);
  if (left.length > 0) console.log(`still over ${LINE_WIDTH} columns (fix by hand):\n${left.join("\n")}`);
  process.exit(failed ? 1 : 0);
}

main();
