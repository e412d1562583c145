// A strict RFC 4180 reader for imports: UTF-8 (BOM ignored), comma-separated (or `delimiter`), CRLF or LF, quoted
// fields
// with "" escapes and line breaks inside quotes. Each record keeps the physical line it started on, so
// errors can point at the line a researcher sees in her editor.

export type CsvRecord = { line: number; cells: string[] };
export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; reason: string };

export function parseCsv(input: string, delimiter: "," | ";" = ","): CsvResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.includes("\u0000")) return { ok: false, line: 1, reason: "binary data (NUL byte) is not a CSV file" };
  const records: CsvRecord[] = [];
  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let afterQuote = false;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    // A completely empty line is skipped, not an error.
    if (!(cells.length === 1 && cells[0] === "")) records.push({ line: recordLine, cells });
    cells = [];
    cell = "";
    afterQuote = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        afterQuote = true;
        i++;
        continue;
      }
      if (ch === "\n") line++;
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell !== "" || afterQuote) return { ok: false, line, reason: "a quote inside an unquoted field" };
      quoted = true;
      i++;
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = "";
      afterQuote = false;
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (afterQuote) return { ok: false, line, reason: "text after a closing quote" };
    cell += ch;
    i++;
  }
  if (quoted) return { ok: false, line: recordLine, reason: "a quoted field is not closed" };
  if (cell !== "" || cells.length) endRecord();
  return { ok: true, records };
}
