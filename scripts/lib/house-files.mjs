// What the house checks (scripts/check-house.mjs) and the long-line codemod (scripts/wrap-long-lines.mjs) look at,
// and how they measure a line and read a syntax tree.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { API } from "typescript/unstable/sync";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Biome's lineWidth (biome.jsonc). */
export const LINE_WIDTH = 120;

export const SOURCE_EXTENSIONS = /\.(ts|tsx|mts|cts|mjs|js|cjs)$/;

/** Generated files: wrangler types writes the first, npm run build the second. */
export const GENERATED = [/^worker-configuration\.d\.ts$/, /^web\/generated\//];

const SKIPPED_FOLDERS = new Set(["node_modules", ".git", ".wrangler"]);

/** Width of a line in columns: code points (what Biome counts for the scripts used here). */
export function lineWidth(line) {
  let n = 0;
  for (const _ of line) n++;
  return n;
}

/**
 * Source files under root, as paths relative to it (with "/"): in a git checkout the tracked files and the new ones
 * git does not ignore; elsewhere (test fixtures) every file. Generated files are left out.
 */
export function houseFiles(root) {
  let files;
  if (existsSync(join(root, ".git"))) {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root });
    files = [...new Set(out.toString("utf8").split("\0").filter(Boolean))].filter((f) => existsSync(join(root, f)));
  } else {
    files = [];
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(entry.name)) walk(join(dir, entry.name));
        } else files.push(relative(root, join(dir, entry.name)).split("\\").join("/"));
      }
    };
    walk(root);
  }
  return files.filter((f) => SOURCE_EXTENSIONS.test(f) && !GENERATED.some((g) => g.test(f))).sort();
}

/**
 * Syntax trees of the given absolute paths, from the TypeScript 7 compiler run as a child process
 * (typescript/unstable/sync). contents: optional Map of path → text to parse instead of the file on disk.
 * Call close() when done with the trees.
 */
export function parseFiles(root, absFiles, contents = new Map()) {
  const dir = mkdtempSync(join(tmpdir(), "house-parse-"));
  const config = join(dir, "tsconfig.json");
  const compilerOptions = { allowJs: true, noEmit: true, noResolve: true, jsx: "preserve", types: [], lib: [] };
  writeFileSync(config, JSON.stringify({ compilerOptions, files: absFiles }));
  const api = new API({
    cwd: root,
    fs: { readFile: (name) => (contents.has(name) ? contents.get(name) : undefined) },
  });
  try {
    const project = api.updateSnapshot({ openProjects: [config] }).getProject(config);
    const trees = new Map(absFiles.map((f) => [f, project.program.getSourceFile(f)]));
    return { trees, close: () => api.close() };
  } catch (err) {
    api.close();
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
