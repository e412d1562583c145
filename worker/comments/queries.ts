import { AppError } from "../errors";
import { audit, type Actor } from "../lib/audit";
import { localDate } from "../schedule/schedule";
import { refusal, reasonText } from "./refusal";
import { checkDescription, checkLabel, labelKey, planImport, type CodebookRow } from "./rules";

export type Pilot = { id: number; key: string; timezone: string };
export type Code = { id: number; label: string; description: string | null };
export type CodeCount = Code & { tags: number; youths: number };
export type CommentRow = {
  responseId: number;
  youth: string;
  instrument: string;
  item: string;
  value: number | null;
  notApplicable: boolean;
  comment: string;
  answeredAt: number;
  date: string;
  kind: "frequent" | "wave";
  wave: string | null;
  codes: { id: number; label: string }[];
};

/** "instrument.item", the key the item filter and the exports use. */
export const itemKeyOf = (r: { instrument: string; item: string }) => `${r.instrument}.${r.item}`;
const HAS_COMMENT = "r.comment IS NOT NULL AND trim(r.comment) <> ''";

/** The pilot's codebook with, per code, the tagged comments and the youths they belong to. */
export async function codebook(d1: D1Database, pilotId: number): Promise<CodeCount[]> {
  const { results } = await d1
    .prepare(
      `SELECT c.id, c.label, c.description, count(t.response_id) AS tags,
         count(DISTINCT r.participant_id) AS youths
       FROM comment_codes c LEFT JOIN comment_tags t ON t.code_id = c.id
       LEFT JOIN responses r ON r.id = t.response_id
       WHERE c.pilot_id = ?1 GROUP BY c.id ORDER BY c.label COLLATE NOCASE, c.id`,
    )
    .bind(pilotId)
    .all<CodeCount>();
  return results;
}

async function codeOf(d1: D1Database, pilotId: number, id: number): Promise<Code> {
  const sql = "SELECT id, label, description FROM comment_codes WHERE id = ?1 AND pilot_id = ?2";
  const row = Number.isSafeInteger(id) ? await d1.prepare(sql).bind(id, pilotId).first<Code>() : null;
  if (!row) throw new AppError("not_found", "No such code in this pilot");
  return row;
}

function checked(label: unknown, description: unknown) {
  const l = checkLabel(label);
  if (!l.ok)
    throw refusal("validation", l.reason, "Code refused: ", [{ path: "label", message: reasonText(l.reason) }]);
  const d = checkDescription(description);
  if (!d.ok) {
    throw refusal("validation", d.reason, "Description refused: ", [
      { path: "description", message: reasonText(d.reason) },
    ]);
  }
  return { label: l.value, description: d.value };
}

async function refuseDuplicate(d1: D1Database, pilotId: number, label: string, exceptId?: number) {
  const { results } = await d1
    .prepare("SELECT id, label FROM comment_codes WHERE pilot_id = ?1")
    .bind(pilotId)
    .all<{ id: number; label: string }>();
  const clash = results.find((r) => r.id !== exceptId && labelKey(r.label) === labelKey(label));
  if (clash) throw duplicate(clash.label);
}

const duplicate = (label: string) => refusal("conflict", { key: "staff.coding.duplicate", params: { label } });
/** A unique-index failure (an exact double added meanwhile) is the same refusal; anything else is thrown on. */
const uniqueAsNull = (e: unknown) => {
  if (String(e).includes("UNIQUE")) return null;
  throw e;
};

/** SQL guard against a concurrent add of the same label (SQLite's lower() folds ASCII; the check above folds all). */
const NO_SAME_LABEL =
  "NOT EXISTS (SELECT 1 FROM comment_codes x WHERE x.pilot_id = ?1 AND lower(x.label) = lower(?2) AND x.id <> ?4)";

type CodeInput = { label?: unknown; description?: unknown };

export async function createCode(
  d1: D1Database,
  pilot: Pilot,
  input: CodeInput,
  actor: Actor,
  now: number,
): Promise<Code> {
  const { label, description } = checked(input.label, input.description);
  await refuseDuplicate(d1, pilot.id, label);
  const row = await d1
    .prepare(
      `INSERT INTO comment_codes (pilot_id, label, description, created_at) SELECT ?1, ?2, ?3, ?5 WHERE ${NO_SAME_LABEL}
       RETURNING id, label, description`,
    )
    .bind(pilot.id, label, description, 0, now)
    .first<Code>()
    .catch(uniqueAsNull);
  if (!row) throw duplicate(label);
  await audit(d1, actor, "code.create", now, {
    pilotId: pilot.id,
    target: `code:${row.id}`,
    details: { label },
  });
  return row;
}

/** Renames a code and/or changes its description; its tags stay with it. */
export async function updateCode(
  d1: D1Database,
  pilot: Pilot,
  id: number,
  input: CodeInput,
  actor: Actor,
  now: number,
) {
  const old = await codeOf(d1, pilot.id, id);
  const { label, description } = checked(
    input.label ?? old.label,
    input.description === undefined ? old.description : input.description,
  );
  if (label === old.label && description === old.description) return old;
  await refuseDuplicate(d1, pilot.id, label, old.id);
  const row = await d1
    .prepare(
      `UPDATE comment_codes SET label = ?2, description = ?3 WHERE id = ?4 AND pilot_id = ?1 AND ${NO_SAME_LABEL}
       RETURNING id, label, description`,
    )
    .bind(pilot.id, label, description, old.id)
    .first<Code>()
    .catch(uniqueAsNull);
  if (!row) throw duplicate(label);
  const action = label === old.label ? "code.describe" : "code.rename";
  const details = { from: old.label, to: label };
  await audit(d1, actor, action, now, { pilotId: pilot.id, target: `code:${old.id}`, details });
  return row;
}

/**
 * Deletes a code. A code in use is refused (409, with the number of tagged comments) unless removeTags is
 * set: then its tags and the code go in one transaction. A tag added meanwhile makes the plain delete refuse.
 */
export async function deleteCode(
  d1: D1Database,
  pilot: Pilot,
  id: number,
  removeTags: boolean,
  actor: Actor,
  now: number,
) {
  const code = await codeOf(d1, pilot.id, id);
  const unused = removeTags ? "" : " AND NOT EXISTS (SELECT 1 FROM comment_tags WHERE code_id = ?1)";
  const stmts = [
    ...(removeTags ? [d1.prepare("DELETE FROM comment_tags WHERE code_id = ?1").bind(code.id)] : []),
    d1.prepare(`DELETE FROM comment_codes WHERE id = ?1 AND pilot_id = ?2${unused}`).bind(code.id, pilot.id),
  ];
  const res = await d1.batch(stmts);
  const removedTags = removeTags ? res[0]!.meta.changes : 0;
  if (!res[res.length - 1]!.meta.changes) {
    const row = await d1
      .prepare("SELECT count(*) AS n FROM comment_tags WHERE code_id = ?1")
      .bind(code.id)
      .first<{ n: number }>();
    const n = row?.n ?? 0;
    throw refusal("conflict", { key: "staff.coding.inUse", params: { label: code.label, n } }, "", { tags: n });
  }
  const details = { label: code.label, removedTags };
  await audit(d1, actor, "code.delete", now, { pilotId: pilot.id, target: `code:${code.id}`, details });
  return { label: code.label, removedTags };
}

/**
 * Imports a checked codebook (rules.ts readCodebook): new codes are added, codes that exist (same label,
 * case does not count) get the file's description; nothing is deleted. One D1 batch with its audit entry:
 * all or nothing.
 */
export async function importCodebook(d1: D1Database, pilot: Pilot, rows: CodebookRow[], actor: Actor, now: number) {
  const { results: existing } = await d1
    .prepare("SELECT id, label, description FROM comment_codes WHERE pilot_id = ?1")
    .bind(pilot.id)
    .all<Code>();
  const plan = planImport(existing, rows);
  const counts = { created: plan.create.length, updated: plan.update.length, unchanged: plan.unchanged };
  if (!plan.create.length && !plan.update.length) return counts;
  const insert = d1.prepare(
    "INSERT INTO comment_codes (pilot_id, label, description, created_at) VALUES (?1, ?2, ?3, ?4)",
  );
  const update = d1.prepare("UPDATE comment_codes SET description = ?3 WHERE id = ?1 AND pilot_id = ?2");
  const stmts = [
    ...plan.create.map((r) => insert.bind(pilot.id, r.label, r.description ?? null, now)),
    ...plan.update.map((u) => update.bind(u.id, pilot.id, u.description)),
    d1
      .prepare(
        `INSERT INTO audit_log (at, actor_type, actor_id, action, pilot_id, target, details)
         VALUES (?1, ?2, ?3, 'code.import', ?4, NULL, ?5)`,
      )
      .bind(now, actor.type, actor.id, pilot.id, JSON.stringify(counts)),
  ];
  try {
    await d1.batch(stmts);
  } catch (e) {
    if (String(e).includes("UNIQUE")) {
      throw refusal("conflict", { key: "staff.coding.raced" });
    }
    throw e;
  }
  return counts;
}

type RawComment = {
  id: number;
  youth: string;
  instrument: string;
  item: string;
  value: number | null;
  not_applicable: number;
  comment: string;
  answered_at: number;
  kind: "frequent" | "wave";
  wave: string | null;
};

/** A youth of the pilot by code (404 otherwise). */
export async function youthOf(d1: D1Database, pilotId: number, code: string) {
  const row = await d1
    .prepare("SELECT id, code FROM participants WHERE pilot_id = ?1 AND code = ?2")
    .bind(pilotId, code)
    .first<{ id: number; code: string }>();
  if (!row) throw new AppError("not_found", "No such participant in this pilot");
  return row;
}

/**
 * Her comments (participantId null: every youth's of the pilot), newest first, each with its codes; `item`
 * ("instrument.item") narrows them to one item.
 */
export async function commentsOf(
  d1: D1Database,
  pilot: Pilot,
  participantId: number | null,
  item?: string,
): Promise<{ comments: CommentRow[]; items: string[] }> {
  const who = participantId === null ? "?1 IS NULL" : "r.participant_id = ?1";
  const { results } = await d1
    .prepare(
      `SELECT r.id, p.code AS youth, i.key AS instrument, r.item_key AS item, r.value, r.not_applicable, r.comment,
         r.answered_at, o.kind, o.wave
       FROM responses r JOIN participants p ON p.id = r.participant_id JOIN occasions o ON o.id = r.occasion_id
       JOIN instrument_versions v ON v.id = r.instrument_version_id JOIN instruments i ON i.id = v.instrument_id
       WHERE ${who} AND p.pilot_id = ?2 AND ${HAS_COMMENT}
       ORDER BY r.answered_at DESC, r.id DESC`,
    )
    .bind(participantId, pilot.id)
    .all<RawComment>();
  const { results: tags } = await d1
    .prepare(
      `SELECT t.response_id, c.id, c.label
       FROM comment_tags t JOIN comment_codes c ON c.id = t.code_id JOIN responses r ON r.id = t.response_id
       WHERE ${who} AND c.pilot_id = ?2 ORDER BY c.label COLLATE NOCASE`,
    )
    .bind(participantId, pilot.id)
    .all<{ response_id: number; id: number; label: string }>();
  const codesOf = new Map<number, { id: number; label: string }[]>();
  for (const t of tags) {
    const list = codesOf.get(t.response_id) ?? [];
    list.push({ id: t.id, label: t.label });
    codesOf.set(t.response_id, list);
  }
  const all = results.map((r) => ({
    responseId: r.id,
    youth: r.youth,
    instrument: r.instrument,
    item: r.item,
    value: r.value,
    notApplicable: !!r.not_applicable,
    comment: r.comment,
    answeredAt: r.answered_at,
    date: localDate(r.answered_at, pilot.timezone),
    kind: r.kind,
    wave: r.wave,
    codes: codesOf.get(r.id) ?? [],
  }));
  const items = [...new Set(all.map(itemKeyOf))].sort();
  return { comments: item ? all.filter((c) => itemKeyOf(c) === item) : all, items };
}

/** Her tagged comments per code (only codes she has). */
export async function youthCounts(d1: D1Database, pilotId: number, participantId: number) {
  const { results } = await d1
    .prepare(
      `SELECT c.id, c.label, count(*) AS tags
       FROM comment_tags t JOIN comment_codes c ON c.id = t.code_id JOIN responses r ON r.id = t.response_id
       WHERE r.participant_id = ?1 AND c.pilot_id = ?2 GROUP BY c.id ORDER BY tags DESC, c.label COLLATE NOCASE`,
    )
    .bind(participantId, pilotId)
    .all<{ id: number; label: string; tags: number }>();
  return results;
}

/** The response behind a comment, if it is a comment of a youth of this pilot. */
async function commentOf(d1: D1Database, pilotId: number, responseId: number, participantId: number | null) {
  const row = Number.isSafeInteger(responseId)
    ? await d1
        .prepare(
          `SELECT r.id, p.code FROM responses r JOIN participants p ON p.id = r.participant_id
           WHERE r.id = ?1 AND p.pilot_id = ?2 AND (?3 IS NULL OR p.id = ?3) AND ${HAS_COMMENT}`,
        )
        .bind(responseId, pilotId, participantId)
        .first<{ id: number; code: string }>()
    : null;
  if (!row) throw new AppError("not_found", "No such comment in this pilot");
  return row;
}

/**
 * Adds or removes one tag: finds the comment (hers, when `participantId` is given) and the code, runs the statement
 * `write` makes for them and audits `action` when it changed a row.
 */
async function changeTag(
  d1: D1Database,
  pilot: Pilot,
  ids: { responseId: number; codeId: number; participantId: number | null },
  actor: Actor,
  now: number,
  action: "tag.add" | "tag.remove",
  write: (commentId: number, codeId: number) => D1PreparedStatement,
) {
  const comment = await commentOf(d1, pilot.id, ids.responseId, ids.participantId);
  const code = await codeOf(d1, pilot.id, ids.codeId);
  const res = await write(comment.id, code.id).run();
  const changed = res.meta.changes > 0;
  const details = { responseId: comment.id, code: code.label };
  if (changed) await audit(d1, actor, action, now, { pilotId: pilot.id, target: comment.code, details });
  return { changed, code, youth: comment.code };
}

/**
 * Tags a comment with a code of the same pilot; tagging twice changes nothing. Returns whether a tag was added.
 * `participantId` (the staff page's youth) also requires the comment to be hers.
 */
export async function tagComment(
  d1: D1Database,
  pilot: Pilot,
  responseId: number,
  codeId: number,
  userId: number | null,
  actor: Actor,
  now: number,
  participantId: number | null = null,
) {
  // Guarded again in the statement: the code and the answer may have gone meanwhile (delete, erasure).
  const insert = (commentId: number, codeId: number) =>
    d1
      .prepare(
        `INSERT INTO comment_tags (response_id, code_id, tagged_by, tagged_at)
       SELECT ?1, ?2, ?3, ?4
       WHERE EXISTS (SELECT 1 FROM comment_codes WHERE id = ?2 AND pilot_id = ?5)
         AND EXISTS (SELECT 1 FROM responses WHERE id = ?1)
       ON CONFLICT (response_id, code_id) DO NOTHING`,
      )
      .bind(commentId, codeId, userId, now, pilot.id);
  const ids = { responseId, codeId, participantId };
  const { changed, code, youth } = await changeTag(d1, pilot, ids, actor, now, "tag.add", insert);
  return { added: changed, code, youth };
}

export async function untagComment(
  d1: D1Database,
  pilot: Pilot,
  responseId: number,
  codeId: number,
  actor: Actor,
  now: number,
  participantId: number | null = null,
) {
  const remove = (commentId: number, codeId: number) =>
    d1.prepare("DELETE FROM comment_tags WHERE response_id = ?1 AND code_id = ?2").bind(commentId, codeId);
  const ids = { responseId, codeId, participantId };
  const { changed, code, youth } = await changeTag(d1, pilot, ids, actor, now, "tag.remove", remove);
  return { removed: changed, code, youth };
}

export const CODED_COLUMNS = ["code", "comment", "item", "value", "date", "youth_code"] as const;

/** One row per code × comment of the pilot, by code, youth and date. `value` is NA for "not applicable". */
export async function codedComments(d1: D1Database, pilot: Pilot) {
  const { results } = await d1
    .prepare(
      `SELECT c.label, r.comment, i.key AS instrument, r.item_key AS item, r.value, r.not_applicable, r.answered_at,
         p.code AS youth
       FROM comment_tags t JOIN comment_codes c ON c.id = t.code_id JOIN responses r ON r.id = t.response_id
       JOIN participants p ON p.id = r.participant_id
       JOIN instrument_versions v ON v.id = r.instrument_version_id JOIN instruments i ON i.id = v.instrument_id
       WHERE c.pilot_id = ?1 AND p.pilot_id = ?1
       ORDER BY c.label COLLATE NOCASE, p.code, r.answered_at, r.id`,
    )
    .bind(pilot.id)
    .all<Omit<RawComment, "id" | "kind" | "wave"> & { label: string }>();
  return results.map((r): (string | number | null)[] => [
    r.label,
    r.comment,
    `${r.instrument}.${r.item}`,
    r.not_applicable ? "NA" : r.value,
    localDate(r.answered_at, pilot.timezone),
    r.youth,
  ]);
}
