// Validation of a submitted questionnaire form. Pure: the form arrives as parsed fields, the
// definition of what was asked decides what is allowed. Anything unexpected is refused whole.
import { type AskedInstrument, MAX_COMMENT } from "../../schema/instruments/definitions";
import type { MessageKey } from "../../core/i18n/messages";

export type AnswerRow = {
  versionId: number;
  itemKey: string;
  value: number | null;
  notApplicable: boolean;
  comment: string | null;
};
export type ParseResult =
  | { ok: true; rows: AnswerRow[] }
  | { ok: false; errors: Record<string, MessageKey>; formError: MessageKey; values: Record<string, string> };

/** `allowEmpty`: a page of a longer questionnaire may be left empty; only the whole submit may not. */
export function parseAnswers(
  form: Record<string, unknown>,
  asked: AskedInstrument[],
  opts: { allowEmpty?: boolean } = {},
): ParseResult {
  const values: Record<string, string> = {};
  const errors: Record<string, MessageKey> = {};
  let tampered = false;

  const known = new Map<
    string,
    { ins: AskedInstrument; item: AskedInstrument["items"][number]; kind: "v" | "c" | "na" }
  >();
  for (const ins of asked) {
    for (const item of ins.items) {
      for (const kind of ["v", "c", "na"] as const)
        known.set(`${kind}.${ins.versionId}.${item.key}`, { ins, item, kind });
    }
  }
  for (const [k, v] of Object.entries(form)) {
    if (k === "lang") continue;
    // Strings only: repeated keys (arrays) and files mean a crafted request.
    if (!known.has(k) || typeof v !== "string") {
      tampered = true;
      continue;
    }
    values[k] = v;
  }

  const rows: AnswerRow[] = [];
  for (const ins of asked) {
    for (const item of ins.items) {
      const vKey = `v.${ins.versionId}.${item.key}`;
      const cKey = `c.${ins.versionId}.${item.key}`;
      const naKey = `na.${ins.versionId}.${item.key}`;
      const raw = (values[vKey] ?? "").trim();
      const comment = (values[cKey] ?? "").trim();
      const na = values[naKey];
      let value: number | null = null;
      let notApplicable = false;

      if (na !== undefined) {
        if (na !== "1" || item.type !== "slider" || !item.allowNotApplicable) tampered = true;
        else notApplicable = true;
      }
      if (raw !== "" && !notApplicable) {
        const n = Number(raw);
        if (item.type === "slider") {
          if (!/^\d{1,2}(\.\d{1,2})?$/.test(raw) || !(n >= 0 && n <= 10)) errors[vKey] = "youth.error.range";
          else value = n;
        } else {
          const [min, max] = item.type === "yesno" ? [0, 1] : [ins.definition.scale!.min, ins.definition.scale!.max];
          if (!/^\d{1,2}$/.test(raw) || n < min || n > max) errors[vKey] = "youth.error.choice";
          else value = n;
        }
      }
      if (comment.length > MAX_COMMENT) errors[cKey] = "youth.error.comment";
      if (value !== null || notApplicable || comment !== "") {
        rows.push({
          versionId: ins.versionId,
          itemKey: item.key,
          value,
          notApplicable,
          comment: comment === "" ? null : comment,
        });
      }
    }
  }
  if (tampered) return { ok: false, errors, formError: "youth.error.fix", values };
  if (Object.keys(errors).length) return { ok: false, errors, formError: "youth.error.fix", values };
  if (!opts.allowEmpty && !rows.some((r) => r.value !== null || r.notApplicable))
    return { ok: false, errors, formError: "youth.error.empty", values };
  return { ok: true, rows };
}
