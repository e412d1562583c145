// Light coding of comments (issue 15): the rules for code labels and descriptions, and the reader of a
// codebook CSV. Pure: no runtime imports, no clock, no database (the caller runs the CSV reader).
import type { CsvResult } from "../studies/csv";
import type { MessageKey } from "../../core/i18n/messages";

export const LABEL_MAX = 40;
export const DESCRIPTION_MAX = 200;
/** A codebook import holds at most this many codes. */
export const CODEBOOK_MAX_ROWS = 500;
/** The codebook CSV file itself (bytes). */
export const CODEBOOK_MAX_BYTES = 256 * 1024;

/** Letters and digits of any script, space, hyphen and underscore; it starts with a letter or digit. */
const LABEL_RE = /^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u;
/** Markup and control characters are refused in descriptions; everything else is plain text. */
const DESCRIPTION_BAD = /[<>\p{Cc}]/u;
/** Our own CSV export puts an apostrophe before a cell a spreadsheet would run as a formula (worker/lib/csv.ts). */
const PROTECTED_CELL = /^'(?=[=+\-@\t\r])/;

/** Why something is refused: a text of the catalogue (core/i18n/messages.ts) and its {placeholders}. */
export type Reason = { key: Extract<MessageKey, `staff.coding.${string}`>; params?: Record<string, string | number> };
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: Reason };
const why = (key: Reason["key"], params?: Reason["params"]): Reason => (params ? { key, params } : { key });

/** Trimmed, inner runs of spaces made one; 1–40 letters, digits, spaces, - and _, no markup or quotes. */
export function checkLabel(raw: unknown): Checked<string> {
  if (typeof raw !== "string") return { ok: false, reason: why("staff.coding.label.missing") };
  const label = raw.trim().replace(/ {2,}/g, " ");
  if (label === "") return { ok: false, reason: why("staff.coding.label.empty") };
  if (label.length > LABEL_MAX) return { ok: false, reason: why("staff.coding.label.long", { max: LABEL_MAX }) };
  if (!LABEL_RE.test(label)) return { ok: false, reason: why("staff.coding.label.chars") };
  return { ok: true, value: label };
}

/** Optional plain text up to 200 characters; empty is no description (null). */
export function checkDescription(raw: unknown): Checked<string | null> {
  if (raw === undefined || raw === null) return { ok: true, value: null };
  if (typeof raw !== "string") return { ok: false, reason: why("staff.coding.description.type") };
  const d = raw.trim();
  if (d === "") return { ok: true, value: null };
  if (d.length > DESCRIPTION_MAX)
    return { ok: false, reason: why("staff.coding.description.long", { max: DESCRIPTION_MAX }) };
  if (DESCRIPTION_BAD.test(d)) return { ok: false, reason: why("staff.coding.description.chars") };
  return { ok: true, value: d };
}

/** Duplicates are refused case-insensitively ("Stage" and "stage" are one code). */
export const sameLabel = (a: string, b: string) => a.toLocaleLowerCase("nl") === b.toLocaleLowerCase("nl");
export const labelKey = (a: string) => a.toLocaleLowerCase("nl");

/** Header names a codebook CSV may use, Dutch or English. */
const HEADER_ALIASES: Record<string, "code" | "description"> = {
  code: "code",
  label: "code",
  description: "description",
  omschrijving: "description",
  beschrijving: "description",
};

/** description undefined: the file has no description column (existing descriptions stay). */
export type CodebookRow = { line: number; label: string; description: string | null | undefined };
export type LineReason = { line: number; reason: Reason };
export type CodebookParse = { ok: true; rows: CodebookRow[] } | { ok: false; errors: LineReason[] };

/** The separator of a codebook CSV: the header line's, `;` when it has semicolons and no comma, else `,`. */
export function codebookDelimiter(text: string): "," | ";" {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  return firstLine.includes(";") && !firstLine.includes(",") ? ";" : ",";
}

/**
 * Reads a codebook CSV (parsed with codebookDelimiter's separator): a header `code,description` (or
 * `code;omschrijving`), one code per row. Every problem is reported; any problem refuses the file.
 */
export function readCodebook(parsed: CsvResult): CodebookParse {
  const refuse = (line: number, reason: Reason): CodebookParse => ({ ok: false, errors: [{ line, reason }] });
  if (!parsed.ok) return refuse(parsed.line, why("staff.coding.csv.syntax", { reason: parsed.reason }));
  const [header, ...records] = parsed.records;
  if (!header) return refuse(1, why("staff.coding.csv.empty"));
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const unknown = names.filter((n) => !Object.hasOwn(HEADER_ALIASES, n));
  if (unknown.length) {
    const shown = unknown.map((n) => JSON.stringify(n === "" ? "(empty)" : n.slice(0, 40))).join(", ");
    return refuse(header.line, why("staff.coding.csv.unknown", { columns: shown }));
  }
  const columns = names.map((n) => HEADER_ALIASES[n]!);
  if (new Set(columns).size !== columns.length) return refuse(header.line, why("staff.coding.csv.columnTwice"));
  const codeAt = columns.indexOf("code");
  const descAt = columns.indexOf("description");
  if (codeAt < 0) return refuse(header.line, why("staff.coding.csv.noCode"));
  if (records.length === 0) return refuse(header.line + 1, why("staff.coding.csv.noRows"));
  if (records.length > CODEBOOK_MAX_ROWS)
    return refuse(records[CODEBOOK_MAX_ROWS]!.line, why("staff.coding.csv.tooMany", { max: CODEBOOK_MAX_ROWS }));
  const errors: LineReason[] = [];
  const rows: CodebookRow[] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    if (r.cells.length !== columns.length) {
      errors.push({ line: r.line, reason: why("staff.coding.csv.cells", { n: r.cells.length, m: columns.length }) });
      continue;
    }
    const label = checkLabel(r.cells[codeAt]!.replace(PROTECTED_CELL, ""));
    const description = checkDescription(descAt < 0 ? null : r.cells[descAt]!.replace(PROTECTED_CELL, ""));
    if (!label.ok) errors.push({ line: r.line, reason: label.reason });
    if (!description.ok) errors.push({ line: r.line, reason: description.reason });
    if (!label.ok || !description.ok) continue;
    const first = seen.get(labelKey(label.value));
    if (first !== undefined) {
      errors.push({ line: r.line, reason: why("staff.coding.csv.twice", { label: label.value, line: first }) });
      continue;
    }
    seen.set(labelKey(label.value), r.line);
    rows.push({ line: r.line, label: label.value, description: descAt < 0 ? undefined : description.value });
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

/**
 * Codebook changes an import makes: new codes, and new descriptions of codes that exist (matched case-insensitively).
 */
export function planImport(existing: { id: number; label: string; description: string | null }[], rows: CodebookRow[]) {
  const byKey = new Map(existing.map((e) => [labelKey(e.label), e]));
  const create: CodebookRow[] = [];
  const update: { id: number; label: string; description: string | null }[] = [];
  let unchanged = 0;
  for (const r of rows) {
    const e = byKey.get(labelKey(r.label));
    if (!e) create.push(r);
    else if (r.description !== undefined && (e.description ?? null) !== r.description) {
      update.push({ id: e.id, label: e.label, description: r.description });
    } else unchanged++;
  }
  return { create, update, unchanged };
}
