// CSV for Excel, SPSS and R: UTF-8 with BOM, comma-separated, "." as decimal separator, CRLF rows.
// Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP CSV injection).
// Templates for Dutch Excel use `;` (and a decimal comma for numbers) instead: `{ separator: ";" }`.

const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvOptions = { separator?: "," | ";" };

export function csvCell(v: string | number | null | undefined, opts: CsvOptions = {}): string {
  const sep = opts.separator ?? ",";
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? (sep === ";" ? String(v).replace(".", ",") : String(v)) : "";
  const s = FORMULA_START.test(v) ? `'${v}` : v;
  return /["\r\n]/.test(s) || s.includes(sep) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: (string | number | null | undefined)[][], opts: CsvOptions = {}): string {
  const sep = opts.separator ?? ",";
  return "\uFEFF" + [header, ...rows].map((r) => r.map((v) => csvCell(v, opts)).join(sep)).join("\r\n") + "\r\n";
}
