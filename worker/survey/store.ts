// The youth's questionnaire in SQL: what the GET reads in one batch, and what a page save and the final
// submit write in one batch each. Every write is guarded inside its own statement by the link still being
// valid (not revoked or expired, her participation not withdrawn) and the occasion still open, so the
// isolate's cached context (below) only decides what to validate, never whether anything is stored.
import type { AnswerRow } from "./answers";
import { isUnanswered, unanswered } from "../studies/occasion-sql";
import { parseSettings } from "../studies/settings";

/** Numbered parameters by name: `:occ` becomes `?1` everywhere it appears, bound once. */
const compiled = new Map<string, { text: string; names: string[] }>();
export function q(d1: D1Database, sql: string, params: Record<string, unknown>): D1PreparedStatement {
  let c = compiled.get(sql);
  if (!c) {
    const names: string[] = [];
    const text = sql.replace(/:([a-z][a-z0-9_]*)/gi, (_, n: string) => {
      let i = names.indexOf(n);
      if (i < 0) i = names.push(n) - 1;
      return `?${i + 1}`;
    });
    c = { text, names };
    compiled.set(sql, c);
  }
  return d1.prepare(c.text).bind(
    ...c.names.map((n) => {
      const v = params[n];
      if (v === undefined) throw new Error(`unbound :${n}`);
      return v;
    }),
  );
}

/** The link by its hash with its occasion, youth, pilot and draft position (one row or none). */
const RESOLVE_SQL =
  `SELECT l.revoked_at, l.expires_at, o.id AS occasion_id, ` +
  `o.status AS occasion_status, o.instrument_version_ids,
  p.id AS participant_id, p.status AS participant_status, pl.settings AS pilot_settings, d.page AS draft_page
  FROM secure_links l JOIN occasions o ON o.id = l.occasion_id JOIN participants p ON p.id = o.participant_id
  JOIN pilots pl ON pl.id = p.pilot_id LEFT JOIN drafts d ON d.occasion_id = o.id
  WHERE l.token_hash = :hash`;

/** The saved draft answers of the link's occasion, only while it is open: never a submitted occasion's answers. */
const DRAFT_ROWS_SQL = `SELECT a.instrument_version_id, a.item_key, a.value, a.not_applicable, a.comment
  FROM secure_links l JOIN occasions o ON o.id = l.occasion_id JOIN draft_answers a ON a.occasion_id = o.id
  WHERE l.token_hash = :hash AND ${unanswered("o")}`;

/** A link with its occasion and youth. */
const LINK_JOIN =
  "secure_links l JOIN occasions o ON o.id = l.occasion_id JOIN participants p ON p.id = o.participant_id";
/** The link is valid (not revoked or expired, her participation not withdrawn) and its occasion unanswered. */
const LINK_VALID = `l.revoked_at IS NULL AND l.expires_at > :now AND ${unanswered("o")} AND p.status <> 'withdrawn'`;

/** The GET's one write: when she first opened the questionnaire (median time to complete), only for a live link. */
const FIRST_OPENED_BY_HASH_SQL = `INSERT OR IGNORE INTO occasion_timings (occasion_id, first_opened_at)
  SELECT l.occasion_id, :now FROM ${LINK_JOIN} WHERE l.token_hash = :hash AND ${LINK_VALID}`;

/** The link (this hash, this occasion) may still write. */
const LIVE =
  `EXISTS (SELECT 1 FROM ${LINK_JOIN} WHERE l.token_hash ` + `= :hash AND l.occasion_id = :occ AND ${LINK_VALID})`;
/** No newer save of this page was stored (a replayed, late or other-window save of older content loses). */
const FRESH =
  `coalesce((SELECT json_extract(stamps, :path) FROM drafts ` +
  `WHERE occasion_id = :occ), 0) <= CAST(:stamp AS INTEGER)`;
/** This batch's own page save is the one stored. */
const SAVED = `(SELECT json_extract(stamps, :path) FROM drafts WHERE occasion_id = :occ) = CAST(:stamp AS INTEGER)`;
const NONEMPTY =
  `EXISTS (SELECT 1 FROM draft_answers WHERE occasion_id ` + `= :occ AND (value IS NOT NULL OR not_applicable = 1))`;
const COMPLETED = `EXISTS (SELECT 1 FROM occasions WHERE id = :occ AND status = 'completed')`;

export type LinkRow = {
  revoked_at: number | null;
  expires_at: number;
  occasion_id: number;
  occasion_status: string;
  instrument_version_ids: string;
  participant_id: number;
  participant_status: string;
  pilot_settings: string | null;
  draft_page: number | null;
};

export type LinkContext = {
  occasionId: number;
  participantId: number;
  participantStatus: string;
  versionIds: number[];
  quickExitUrl: string | undefined;
  /** null: invalid (revoked, expired, withdrawn); otherwise the occasion's status */
  state: "invalid" | "open" | "closed";
  /** invalid because it was revoked (replaced by a new link, or her address changed), not expired or withdrawn */
  revoked?: boolean;
  draftPage: number | null;
};

export function contextOf(row: LinkRow | undefined, now: number): LinkContext | null {
  if (!row) return null;
  const settings = parseSettings(row.pilot_settings);
  const invalid = row.revoked_at !== null || row.expires_at <= now || row.participant_status === "withdrawn";
  return {
    occasionId: row.occasion_id,
    participantId: row.participant_id,
    participantStatus: row.participant_status,
    versionIds: JSON.parse(row.instrument_version_ids) as number[],
    quickExitUrl: settings.quickExitUrl,
    state: invalid ? "invalid" : isUnanswered(row.occasion_status) ? "open" : "closed",
    revoked: row.revoked_at !== null && row.expires_at > now && row.participant_status !== "withdrawn",
    draftPage: row.draft_page,
  };
}

const resolveStatement = (d1: D1Database, hash: string) => q(d1, RESOLVE_SQL, { hash });

/** The link by its hash (undefined: no such link). */
export async function resolveLink(d1: D1Database, hash: string): Promise<LinkRow | undefined> {
  return (await resolveStatement(d1, hash).first<LinkRow>()) ?? undefined;
}

/** The GET's one batch: records the first-opened time, reads the link's row and the draft's answers. */
export async function readQuestionnaire(d1: D1Database, hash: string, now: number) {
  const [, link, drafts] = await d1.batch([
    q(d1, FIRST_OPENED_BY_HASH_SQL, { hash, now }),
    resolveStatement(d1, hash),
    q(d1, DRAFT_ROWS_SQL, { hash }),
  ]);
  return { link: link!.results[0] as LinkRow | undefined, drafts: drafts!.results as DraftRow[] };
}

export type DraftRow = {
  instrument_version_id: number;
  item_key: string;
  value: number | null;
  not_applicable: number;
  comment: string | null;
};

/** Draft rows as the form's fields (`v.` / `na.` / `c.`), so a page shows what she saved. */
export function draftValues(rows: DraftRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) {
    if (r.value !== null) out[`v.${r.instrument_version_id}.${r.item_key}`] = String(r.value);
    if (r.not_applicable) out[`na.${r.instrument_version_id}.${r.item_key}`] = "1";
    if (r.comment !== null) out[`c.${r.instrument_version_id}.${r.item_key}`] = r.comment;
  }
  return out;
}

export type PageSave = {
  occasionId: number;
  participantId: number;
  hash: string;
  now: number;
  /** 1-based page number */
  page: number;
  /** the page she goes to next (resume position) */
  cursor: number;
  /** `edit * 1000 + seq`: edit = when the page was rendered (ms), seq = the browser's save counter */
  stamp: number;
  /** `<versionId>.<itemKey>` of every item on the page: their draft rows are replaced */
  itemKeys: string[];
  rows: AnswerRow[];
};

const params = (s: PageSave) => ({
  occ: s.occasionId,
  hash: s.hash,
  now: s.now,
  path: `$."${s.page}"`,
  stamp: s.stamp,
});

/**
 * A page save: replaces the page's draft rows, records the stamp and resume position, and marks the
 * occasion started. The stamp row is written last, so every statement before it sees the old stamp.
 * Returns the statements and the index of the stamp upsert (changes = 1 when the save was taken).
 */
function pageSaveStatements(d1: D1Database, s: PageSave, opts: { forSubmit?: boolean } = {}): D1PreparedStatement[] {
  const p = params(s);
  // Before a submit, an occasion with nothing answered anywhere is neither started nor given a draft row:
  // an empty send changes nothing.
  const answered = opts.forSubmit ? ` AND ${NONEMPTY}` : "";
  const rows = JSON.stringify(s.rows.map((r) => [r.versionId, r.itemKey, r.value, r.notApplicable ? 1 : 0, r.comment]));
  return [
    q(
      d1,
      `DELETE FROM draft_answers WHERE occasion_id = :occ AND instrument_version_id || ` +
        `'.' || item_key IN (SELECT value FROM json_each(:keys)) AND ${LIVE} AND ${FRESH}`,
      { ...p, keys: JSON.stringify(s.itemKeys) },
    ),
    q(
      d1,
      `INSERT INTO draft_answers (occasion_id, participant_id, ` +
        `instrument_version_id, item_key, value, not_applicable, comment, saved_at)
       SELECT :occ, :pid, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), ` +
        `json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), :now
       FROM json_each(:rows) j WHERE ${LIVE} AND ${FRESH}`,
      { ...p, pid: s.participantId, rows },
    ),
    q(
      d1,
      `UPDATE occasions SET status = 'started', started_at = coalesce(started_at, ` +
        `:now) WHERE id = :occ AND status = 'open' AND ${LIVE} AND ${FRESH}${answered}`,
      p,
    ),
    q(
      d1,
      `INSERT INTO drafts (occasion_id, participant_id, page, stamps, updated_at)
       SELECT :occ, :pid, :cursor, json_object(:page, CAST(:stamp ` +
        `AS INTEGER)), :now WHERE ${LIVE} AND ${FRESH}${answered}
       ON CONFLICT (occasion_id) DO UPDATE SET page = excluded.page, stamps = ` +
        `json_set(drafts.stamps, :path, CAST(:stamp AS INTEGER)), updated_at = excluded.updated_at`,
      { ...p, pid: s.participantId, cursor: s.cursor, page: String(s.page) },
    ),
  ];
}

/**
 * The final submit after its page save: copies the draft into `responses` (mode, answered_at = now),
 * marks the link used, the timing submitted, queues the recompute, cancels queued reminders, completes
 * the occasion, and deletes the draft. Every statement is guarded by the link being live, this batch's
 * page save having been taken and at least one answer; the completing UPDATE comes last but two (the
 * draft deletes, which only run once the occasion is completed). Of two concurrent submits one stores
 * everything and the other nothing.
 */
function submitStatements(d1: D1Database, s: PageSave, mode: "self" | "kiosk" | "phone"): D1PreparedStatement[] {
  const p = params(s);
  const G = `${LIVE} AND ${SAVED} AND ${NONEMPTY}`;
  return [
    q(
      d1,
      `INSERT INTO responses (occasion_id, participant_id, instrument_version_id, ` +
        `item_key, value, not_applicable, comment, answered_at, mode)
       SELECT occasion_id, participant_id, instrument_version_id, item_key, value, ` +
        `not_applicable, comment, :now, :mode FROM draft_answers WHERE occasion_id = :occ AND ${G}`,
      { ...p, mode },
    ),
    q(d1, `UPDATE secure_links SET used_at = :now WHERE occasion_id = :occ AND used_at IS NULL AND ${G}`, p),
    q(d1, `UPDATE occasion_timings SET submitted_at = :now WHERE occasion_id = :occ AND ${G}`, p),
    q(
      d1,
      `INSERT INTO recompute_queue (participant_id, requested_at) SELECT :pid, :now WHERE ${G} ` +
        `ON CONFLICT (participant_id) DO UPDATE SET requested_at = excluded.requested_at`,
      { ...p, pid: s.participantId },
    ),
    q(
      d1,
      `UPDATE outbox SET status = 'cancelled', last_error = 'completed' ` +
        `WHERE occasion_id = :occ AND status = 'queued' AND ${G}`,
      p,
    ),
    q(
      d1,
      `UPDATE occasions SET status = 'completed', completed_at = :now WHERE id = :occ AND ${unanswered("")} AND ${G}`,
      p,
    ),
    q(d1, `DELETE FROM draft_answers WHERE occasion_id = :occ AND ${COMPLETED}`, { occ: s.occasionId }),
    q(d1, `DELETE FROM drafts WHERE occasion_id = :occ AND ${COMPLETED}`, { occ: s.occasionId }),
  ];
}
/** Index of the completing UPDATE within submitStatements. */
const SUBMIT_COMPLETES_AT = 5;

/**
 * A page save, and for `submit` the final submit after it, in one batch that first reads the link's current
 * row: `saved` when this save's stamp was taken, `completed` when the submit completed the occasion.
 */
export async function storePage(d1: D1Database, s: PageSave, submit: boolean) {
  const save = pageSaveStatements(d1, s, { forSubmit: submit });
  const results = await d1.batch([
    resolveStatement(d1, s.hash),
    ...save,
    ...(submit ? submitStatements(d1, s, "self") : []),
  ]);
  const changed = (i: number) => (results[i]?.meta.changes ?? 0) > 0;
  return {
    link: results[0]!.results[0] as LinkRow | undefined,
    saved: changed(save.length), // the stamp upsert, last of the page save
    completed: submit && changed(1 + save.length + SUBMIT_COMPLETES_AT),
  };
}

/**
 * Why a submit did not complete although the link is live: nothing answered anywhere, or a newer save of the page won.
 */
export async function whyNotCompleted(d1: D1Database, s: PageSave): Promise<"empty" | "stale"> {
  const r = await q(d1, `SELECT ${NONEMPTY} AS answered`, params(s)).first<{ answered: number }>();
  return r?.answered ? "stale" : "empty";
}

/** By occasion id (the scale bench): when she first opened the questionnaire (median time to complete). */
export const FIRST_OPENED_SQL = "INSERT OR IGNORE INTO occasion_timings (occasion_id, first_opened_at) VALUES (?, ?)";

/**
 * Stores all answers and completes the occasion in one D1 transaction (the scale bench; the youth's own
 * form goes through her draft, above, and assisted entry through worker/staff/assisted-queries.ts). Each
 * insert is guarded by the occasion still being open and the completing UPDATE runs last, so of two
 * concurrent submits exactly one stores anything; the other sees changes = 0 and nothing of it is kept.
 * A draft of the occasion is deleted with it.
 */
export async function storeAnswers(
  d1: D1Database,
  r: { occasion: { id: number }; participant: { id: number } },
  rows: AnswerRow[],
  now: number,
  mode: "self" | "kiosk" | "phone",
) {
  const occ = r.occasion.id;
  const guard = `EXISTS (SELECT 1 FROM occasions WHERE id = ? AND ${unanswered("")})`;
  const stmts = rows.map((a) =>
    d1
      .prepare(
        `INSERT INTO responses (occasion_id, participant_id, instrument_version_id, item_key, value, not_applicable,
           comment, answered_at, mode)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${guard}`,
      )
      .bind(occ, r.participant.id, a.versionId, a.itemKey, a.value, a.notApplicable ? 1 : 0, a.comment, now, mode, occ),
  );
  stmts.push(
    d1
      .prepare(`UPDATE secure_links SET used_at = ? WHERE occasion_id = ? AND used_at IS NULL AND ${guard}`)
      .bind(now, occ, occ),
    d1.prepare(`UPDATE occasion_timings SET submitted_at = ? WHERE occasion_id = ? AND ${guard}`).bind(now, occ, occ),
    d1
      .prepare(
        `INSERT INTO recompute_queue (participant_id, requested_at) SELECT ?, ? WHERE ${guard}
         ON CONFLICT (participant_id) DO UPDATE SET requested_at = excluded.requested_at`,
      )
      .bind(r.participant.id, now, occ),
    d1
      .prepare(
        `UPDATE outbox SET status = 'cancelled', last_error = 'completed'
         WHERE occasion_id = ? AND status = 'queued' AND ${guard}`,
      )
      .bind(occ, occ),
    d1.prepare(`DELETE FROM draft_answers WHERE occasion_id = ? AND ${guard}`).bind(occ, occ),
    d1.prepare(`DELETE FROM drafts WHERE occasion_id = ? AND ${guard}`).bind(occ, occ),
    d1
      .prepare(`UPDATE occasions SET status = 'completed', completed_at = ? WHERE id = ? AND ${unanswered("")}`)
      .bind(now, occ),
  );
  const results = await d1.batch(stmts);
  return (results[results.length - 1]?.meta.changes ?? 0) === 1;
}
