// A minimal Office Open XML spreadsheet writer (.xlsx) for the Excel-ready downloads: inline strings (no
// shared-string table, nothing is ever evaluated as a formula), numbers as numbers with a display format of
// a fixed number of decimals (Excel shows them with the reader's own decimal separator: a comma in Dutch
// Excel), a bold and frozen header row. Zipped with fflate, which runs in Workers (no Node APIs).
import { strToU8, zipSync } from "fflate";

/** A number with its decimals (rounded and shown with exactly that many), a plain number, text, or empty. */
export type XlsxCell = string | number | null | { value: number; decimals: number };
export type XlsxSheet = { name: string; rows: XlsxCell[][]; widths?: number[] };

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Rounds half away from zero at `decimals` places (3.6666… → 3.67, -0.125 → -0.13 at 2). */
export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = (Math.sign(value) * Math.round(Math.abs(value) * f * (1 + Number.EPSILON))) / f;
  return Object.is(r, -0) ? 0 : r;
}

// Styles: 0 general, 1 bold header, 2 "0", 3 "0.00", 4 "0.000", 5 "0.0000" (164 is the first custom format id).
const STYLE_OF_DECIMALS: Record<number, number> = { 0: 2, 2: 3, 3: 4, 4: 5 };
const STYLES =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt ` +
  `numFmtId="164" formatCode="0.000"/><numFmt numFmtId="165" ` +
  `formatCode="0.0000"/></numFmts><fonts count="2"><font><sz ` +
  `val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills ` +
  `count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill ` +
  `patternType="gray125"/></fill></fills><borders ` +
  `count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf ` +
  `numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" ` +
  `fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf ` +
  `numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="2" fontId="0" ` +
  `fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" ` +
  `xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" ` +
  `applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle ` +
  `name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

/** XML text: escaped, and without the control characters XML 1.0 cannot carry. */
const xmlText = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

/** A1-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let n = index + 1;
  let out = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function cellXml(cell: XlsxCell, ref: string, header: boolean): string {
  if (cell === null || cell === "") return "";
  if (typeof cell === "string") {
    // Excel refuses a cell text over 32,767 characters.
    const text = cell.length > 32_767 ? cell.slice(0, 32_767) : cell;
    return (
      `<c r="${ref}" t="inlineStr"${header ? ' s="1"' : ""}><is><t ` +
      `xml:space="preserve">${xmlText(text)}</t></is></c>`
    );
  }
  const [value, style] =
    typeof cell === "number" ? [cell, 0] : [roundTo(cell.value, cell.decimals), STYLE_OF_DECIMALS[cell.decimals] ?? 0];
  if (!Number.isFinite(value)) return "";
  return `<c r="${ref}"${style ? ` s="${style}"` : ""}><v>${value}</v></c>`;
}

function sheetXml(sheet: XlsxSheet): string {
  const rows = sheet.rows
    .map(
      (row, r) =>
        `<row r="${r + 1}">${row.map((cell, c) => cellXml(cell, `${columnName(c)}${r + 1}`, r === 0)).join("")}</row>`,
    )
    .join("");
  const cols = sheet.widths?.length ? `<cols>${sheet.widths.map((w, i) => colXml(w, i)).join("")}</cols>` : "";
  const frozen =
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" ' +
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>';
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
    `${frozen}${cols}<sheetData>${rows}</sheetData></worksheet>`
  );
}

const colXml = (width: number, i: number) => `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`;

/** Sheet names: at most 31 characters, none of []:*?/\ , unique. */
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, "_").slice(0, 31) || "Sheet";

/** The workbook as .xlsx bytes. */
export function xlsx(sheets: XlsxSheet[]): Uint8Array {
  const names = sheets.map((s) => sheetName(s.name));
  const sheetTypes = names
    .map(
      (_, i) =>
        `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ` +
        `ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
    )
    .join("");
  const sheetList = names.map((n, i) => `<sheet name="${xmlText(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("");
  const sheetRels = names
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 1}" ` +
        `Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" ` +
        `Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join("");
  const files: Record<string, Uint8Array> = {
    "[Content_Types].xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ` +
        `ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ` +
        `ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ` +
        `ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override ` +
        `PartName="/xl/styles.xml" ` +
        `ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${sheetTypes}</Types>`,
    ),
    "_rels/.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship ` +
        `Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ` +
        `Target="xl/workbook.xml"/></Relationships>`,
    ),
    "xl/workbook.xml": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
        `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
        `<sheets>${sheetList}</sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheetRels}<Relationship ` +
        `Id="rId${names.length + 1}" ` +
        `Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" ` +
        `Target="styles.xml"/></Relationships>`,
    ),
    "xl/styles.xml": strToU8(STYLES),
  };
  sheets.forEach((s, i) => {
    files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(sheetXml(s));
  });
  // A fixed timestamp: the same data gives the same bytes.
  return zipSync(files, { level: 6, mtime: new Date("2000-01-01T00:00:00Z") });
}
