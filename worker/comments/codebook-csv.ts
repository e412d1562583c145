// The codebook as a CSV file, both ways: the export (`code,description`) and the import, which refuses a
// whole file for any bad cell (400 with every problem). The API (./routes.ts) and the page (./pages.tsx) share it.
import type { Actor } from "../lib/audit";
import { toCsv } from "../lib/csv";
import { parseCsv } from "../studies/csv";
import { codebook, importCodebook, type Pilot } from "./queries";
import { CodingRefusal, reasonText, refusal } from "./refusal";
import { CODEBOOK_MAX_BYTES, codebookDelimiter, readCodebook } from "./rules";

/** The codebook as CSV: `code,description`, the format the import reads back. */
export async function codebookCsv(d1: D1Database, pilotId: number) {
  return toCsv(
    ["code", "description"],
    (await codebook(d1, pilotId)).map((c) => [c.label, c.description]),
  );
}

/** Reads a codebook CSV and imports it; any bad cell refuses the whole file (400 with every problem). */
export async function importCodebookText(d1: D1Database, pilot: Pilot, text: string, actor: Actor, now: number) {
  if (new TextEncoder().encode(text).length > CODEBOOK_MAX_BYTES) {
    throw refusal("payload_too_large", {
      key: "staff.coding.csv.tooLarge",
      params: { max: CODEBOOK_MAX_BYTES / 1024 },
    });
  }
  const parsed = readCodebook(parseCsv(text, codebookDelimiter(text)));
  if (!parsed.ok) {
    const first = parsed.errors[0]!;
    const message = `Codebook refused (line ${first.line}: ${reasonText(first.reason)}); nothing was stored`;
    throw new CodingRefusal(
      "validation",
      parsed.errors,
      message,
      parsed.errors.map((e) => ({ line: e.line, reason: reasonText(e.reason) })),
    );
  }
  return importCodebook(d1, pilot, parsed.rows, actor, now);
}
