// A refusal a researcher can fix (a bad code, a duplicate, a code in use, a bad codebook file): the API
// answers it in English in the one error envelope; the staff pages show the same reasons in Dutch. The
// texts come from the catalogue (core/i18n/messages.ts, keys staff.coding.*).
import { AppError } from "../errors";
import { t, type Lang } from "../../core/i18n/messages";
import type { Reason } from "./rules";

export function reasonText(r: Reason, lang: Lang = "en") {
  let s: string = t(r.key, lang);
  for (const [k, v] of Object.entries(r.params ?? {})) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export class CodingRefusal extends AppError {
  constructor(
    code: "validation" | "conflict" | "payload_too_large",
    /** one reason, or one per bad line of a file */
    readonly reasons: { line?: number; reason: Reason }[],
    message: string,
    details?: unknown,
  ) {
    super(code, message, details);
  }

  /** The reasons as the page shows them: "regel 3: …" per bad line. */
  texts(lang: Lang): string[] {
    return this.reasons.map(({ line, reason }) => {
      const text = capital(reasonText(reason, lang));
      return line === undefined
        ? text
        : reasonText({ key: "staff.coding.line", params: { line, reason: reasonText(reason, lang) } }, lang);
    });
  }
}

/** One reason; the API message is its English text (with `prefix`, e.g. "Code refused: "). */
export const refusal = (
  code: "validation" | "conflict" | "payload_too_large",
  reason: Reason,
  prefix = "",
  details?: unknown,
) =>
  new CodingRefusal(
    code,
    [{ reason }],
    `${prefix}${prefix ? reasonText(reason) : capital(reasonText(reason))}`,
    details,
  );
