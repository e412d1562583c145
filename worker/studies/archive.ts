// The whole-study archive (worker/studies/ARCHIVE.md): export as gzip NDJSON streamed page by page, and
// restore into a database that holds no study yet. Values travel exactly as D1 stores them (JSON columns
// as their text, booleans as 0/1, contact data as its ciphertext), so a restored row equals the exported one.
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import * as tables from "../../schema/tables";
import { type Actor, auditStatement } from "../lib/audit";
import { AppError } from "../errors";
import { HOUR_MS } from "../../core/time";

export const ARCHIVE_FORMAT = "outcome-monitor-archive";
export const ARCHIVE_FORMAT_VERSION = 1;

/** Largest request body a restore reads (compressed bytes as sent); Workers' own limit on Free/Pro plans is 100 MB. */
export const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;
/** Largest archive after decompression (a gzip bomb stops here). */
export const MAX_ARCHIVE_EXPANDED_BYTES = 1024 * 1024 * 1024;
/** Longest line; D1 stores at most 2 MB per row. */
export const MAX_ARCHIVE_LINE = 4 * 1024 * 1024;
export type ArchiveLimits = { bytes: number; expandedBytes: number; line: number };
export const ARCHIVE_LIMITS: ArchiveLimits = {
  bytes: MAX_ARCHIVE_BYTES,
  expandedBytes: MAX_ARCHIVE_EXPANDED_BYTES,
  line: MAX_ARCHIVE_LINE,
};

type Spec = {
  name: string;
  table: SQLiteTable;
  /** keyset pagination order (the primary key) */
  key: string[];
  /** rows without an id of their own are bounded by their parent's largest id at the start of the export */
  boundBy?: { column: string; parent: string };
  /** only with ?contacts=1 */
  contacts?: true;
};

/** A table whose rows have no id of their own: bounded by its parent's largest id (Spec.boundBy). */
const bound = (
  name: string,
  table: SQLiteTable,
  key: string[],
  column: string,
  parent: string,
  extra: Pick<Spec, "contacts"> = {},
): Spec => ({ name, table, key, boundBy: { column, parent }, ...extra });

/** Every archived table, parents before children (the restore inserts in this order, so foreign keys hold). */
const SPECS: Spec[] = [
  { name: "studies", table: tables.studies, key: ["id"] },
  { name: "pilots", table: tables.pilots, key: ["id"] },
  { name: "staff_users", table: tables.staffUsers, key: ["id"] },
  { name: "staff_roles", table: tables.staffRoles, key: ["id"] },
  { name: "instruments", table: tables.instruments, key: ["id"] },
  { name: "instrument_versions", table: tables.instrumentVersions, key: ["id"] },
  { name: "participants", table: tables.participants, key: ["id"] },
  bound("participant_contacts", tables.participantContacts, ["participant_id"], "participant_id", "participants", {
    contacts: true,
  }),
  { name: "occasions", table: tables.occasions, key: ["id"] },
  { name: "secure_links", table: tables.secureLinks, key: ["id"] },
  { name: "responses", table: tables.responses, key: ["id"] },
  bound("occasion_timings", tables.occasionTimings, ["occasion_id"], "occasion_id", "occasions"),
  { name: "staff_forms", table: tables.staffForms, key: ["id"] },
  { name: "reminder_runs", table: tables.reminderRuns, key: ["id"] },
  { name: "outbox", table: tables.outbox, key: ["id"] },
  bound(
    "indicator_results",
    tables.indicatorResults,
    ["participant_id", "indicator"],
    "participant_id",
    "participants",
  ),
  bound("recompute_queue", tables.recomputeQueue, ["participant_id"], "participant_id", "participants"),
  { name: "signals", table: tables.signals, key: ["id"] },
  { name: "comment_codes", table: tables.commentCodes, key: ["id"] },
  bound("comment_tags", tables.commentTags, ["response_id", "code_id"], "response_id", "responses"),
  { name: "audit_log", table: tables.auditLog, key: ["id"] },
];

/** Tables of the database that are deliberately not in an archive, and why (held complete by the tests). */
export const NOT_ARCHIVED: Record<string, string> = {
  staff_sessions: "sign-in sessions are credentials of one deployment; staff sign in again",
  magic_links: "sign-in links are short-lived credentials",
  api_tokens: "token hashes are credentials; an admin issues new tokens after a restore",
  d1_migrations: "the schema version, carried in the header and checked instead of copied",
  sqlite_sequence: "SQLite's AUTOINCREMENT counters follow the restored ids by themselves",
  draft_answers:
    "answers saved page by page before a youth sends them: never " +
    "analysed, and a restored study starts without unsent drafts",
  drafts: "the resume position and save order of those unsent drafts",
  kiosk_sessions: "kiosk tokens on a group computer live minutes; a restored study starts without open kiosks",
  _cf_KV: "D1's own bookkeeping",
  _cf_METADATA: "D1's own bookkeeping",
};

const columnsOf = (t: SQLiteTable) => getTableConfig(t).columns.map((c) => c.name);
const COLUMNS = new Map(SPECS.map((s) => [s.name, columnsOf(s.table)]));
export const ARCHIVE_TABLES = SPECS.map((s) => s.name);
/** The tables in an archive with or without contact data, in order. */
export const archiveTables = (contacts: boolean) => SPECS.filter((s) => contacts || !s.contacts).map((s) => s.name);
/** Rows here may exist before a restore (setup's admin, built-in instruments, sign-in history); merged, not refused. */
const MERGED = new Set(["staff_users", "staff_roles", "instruments", "instrument_versions", "audit_log"]);
/** Tables that must be empty for a restore, and that a failed restore empties again. */
export const STUDY_TABLES = ARCHIVE_TABLES.filter((t) => !MERGED.has(t));

const q = (name: string) => `"${name}"`;

/**
 * Relay error texts can quote a recipient in forms the address redaction does not catch; the archive keeps
 * only the reason code ("withdrawn", "closed", "outcome_unknown", …) and marks anything else "relay_error".
 */
export const reasonOnly = (s: string | null) =>
  s === null ? null : (/^([a-z][a-z0-9_]{0,40})(?::|$)/.exec(s)?.[1] ?? "relay_error");

function exportRow(table: string, row: Record<string, unknown>): Record<string, unknown> {
  if (table === "outbox") return { ...row, last_error: reasonOnly(row.last_error as string | null) };
  if (table === "audit_log" && row.action === "outbox.retry" && typeof row.details === "string") {
    let d: Record<string, unknown>;
    try {
      d = JSON.parse(row.details) as Record<string, unknown>;
    } catch {
      return { ...row, details: null };
    }
    if (typeof d.previousReason === "string")
      return { ...row, details: JSON.stringify({ ...d, previousReason: reasonOnly(d.previousReason) }) };
  }
  return row;
}

export async function appliedMigrations(d1: D1Database): Promise<string[]> {
  const { results } = await d1.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{ name: string }>();
  return results.map((r) => r.name);
}

export type ArchiveHeader = {
  format: string;
  formatVersion: number;
  migrations: string[];
  exportedAt: string;
  tables: string[];
  contacts: boolean;
};

/**
 * Counts and bounds first, in one batch (one consistent read): rows written after the export started are
 * left out, so every exported reference points at an exported row even while the cron keeps working.
 */
async function snapshot(d1: D1Database, specs: Spec[]) {
  const stmts = specs.map((s) =>
    s.boundBy
      ? d1.prepare(
          `SELECT (SELECT coalesce(max(id), 0) FROM ${q(s.boundBy.parent)}) AS bound, count(*) AS n ` +
            `FROM ${q(s.name)} WHERE ${q(s.boundBy.column)} <= ` +
            `(SELECT coalesce(max(id), 0) FROM ${q(s.boundBy.parent)})`,
        )
      : d1.prepare(`SELECT coalesce(max(id), 0) AS bound, count(*) AS n FROM ${q(s.name)}`),
  );
  const res = await d1.batch<{ bound: number; n: number }>(stmts);
  return specs.map((s, i) => ({ spec: s, bound: res[i]!.results[0]!.bound, count: res[i]!.results[0]!.n }));
}

/**
 * The archive as a gzip stream: a header line, one line per row, table by table in dependency order, read
 * in pages by primary key (never the whole study in memory), and a trailer with the row count per table.
 */
export async function exportArchive(d1: D1Database, opts: { contacts: boolean; now: number; pageSize?: number }) {
  const specs = SPECS.filter((s) => opts.contacts || !s.contacts);
  const [migrations, snap] = await Promise.all([appliedMigrations(d1), snapshot(d1, specs)]);
  const counts = Object.fromEntries(snap.map((s) => [s.spec.name, s.count]));
  const header: ArchiveHeader = {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    migrations,
    exportedAt: new Date(opts.now).toISOString(),
    tables: specs.map((s) => s.name),
    contacts: opts.contacts,
  };
  const pageSize = opts.pageSize ?? 2000;
  const written: Record<string, number> = {};
  let i = -1;
  let after: unknown[] | null = null;
  /**
   * Enqueues the next piece of the archive (header, a page of rows, trailer); false when a table ended with nothing to
   * add.
   */
  const next = async (controller: ReadableStreamDefaultController<string>): Promise<boolean> => {
    if (i === -1) {
      controller.enqueue(`${JSON.stringify(header)}\n`);
      i = 0;
      return true;
    }
    const cur = snap[i];
    if (!cur) {
      controller.enqueue(`${JSON.stringify({ end: true, counts: written })}\n`);
      controller.close();
      return true;
    }
    const { spec, bound } = cur;
    const cols = COLUMNS.get(spec.name)!;
    const boundCol = spec.boundBy?.column ?? "id";
    const keyCols = spec.key.map(q).join(", ");
    const keyCond = after ? ` AND (${keyCols}) > (${spec.key.map(() => "?").join(", ")})` : "";
    const sql =
      `SELECT ${cols.map(q).join(", ")} FROM ${q(spec.name)} ` +
      `WHERE ${q(boundCol)} <= ?${keyCond} ORDER BY ${keyCols} LIMIT ?`;
    const rows = await d1
      .prepare(sql)
      .bind(bound, ...(after ?? []), pageSize)
      .raw<unknown[]>();
    const done = (written[spec.name] ??= 0);
    if (rows.length) {
      let out = "";
      for (const values of rows) {
        const r = exportRow(spec.name, Object.fromEntries(cols.map((c, k) => [c, values[k]])));
        out += `${JSON.stringify({ t: spec.name, r })}\n`;
      }
      written[spec.name] = done + rows.length;
      const last = rows[rows.length - 1]!;
      after = spec.key.map((k) => last[cols.indexOf(k)]);
      controller.enqueue(out);
    }
    if (rows.length < pageSize) {
      i++;
      after = null;
    }
    return rows.length > 0;
  };
  const text = new ReadableStream<string>({
    // A pull that enqueues nothing is not called again (streams spec): go on past empty tables.
    async pull(controller) {
      while (!(await next(controller)));
    },
  });
  const stream = text.pipeThrough(new TextEncoderStream()).pipeThrough(new CompressionStream("gzip"));
  return { header, counts, stream };
}

// ---- restore ------------------------------------------------------------------------------------------

const bad = (line: number, message: string) => new AppError("validation", line ? `Line ${line}: ${message}` : message);
const tooLarge = (what: string) => new AppError("payload_too_large", what);

/** Where a limit stopped the stream: streams downstream (the gzip decoder) report their own error instead. */
type Stop = { error: AppError | null };

function counting(limit: number, what: string, stop: Stop) {
  let n = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      n += chunk.byteLength;
      if (n > limit) throw (stop.error ??= tooLarge(what));
      controller.enqueue(chunk);
    },
  });
}

/** The body as text, gunzipped when it starts with the gzip magic bytes; limits counted as it streams. */
async function textOf(
  body: ReadableStream<Uint8Array>,
  limits: ArchiveLimits,
  stop: Stop,
): Promise<ReadableStream<string>> {
  const counted = body.pipeThrough(counting(limits.bytes, `Archive larger than ${limits.bytes} bytes`, stop));
  const reader = counted.getReader();
  const head: Uint8Array[] = [];
  let have = 0;
  while (have < 2) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    have += value.byteLength;
  }
  const first = head.length === 1 ? head[0]! : concat(head);
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  let bytes: ReadableStream<Uint8Array> = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.length) controller.enqueue(first);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  if (gzip) bytes = gunzip(bytes);
  return bytes
    .pipeThrough(counting(limits.expandedBytes, `Archive larger than ${limits.expandedBytes} bytes unpacked`, stop))
    .pipeThrough(new TextDecoderStream("utf-8", { fatal: true }) as unknown as TransformStream<Uint8Array, string>);
}

/**
 * Gunzips by pumping into the decoder by hand: with pipeThrough, a cut-off stream's "incomplete data" error
 * also surfaced as an unhandled rejection in workerd. The reader still gets the error.
 */
function gunzip(bytes: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const ds = new DecompressionStream("gzip");
  const writer = ds.writable.getWriter();
  void (async () => {
    const reader = bytes.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await writer.write(value as Uint8Array<ArrayBuffer>);
      }
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => {});
      await reader.cancel(e).catch(() => {});
    }
  })().catch(() => {});
  return ds.readable as ReadableStream<Uint8Array>;
}

function concat(parts: Uint8Array[]) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.byteLength);
  return out;
}

/** Lines of the text stream with their numbers; a line longer than the limit stops the restore. */
async function* linesOf(
  text: ReadableStream<string>,
  maxLine: number,
  stop: Stop,
): AsyncGenerator<{ n: number; line: string }> {
  const reader = text.getReader();
  let buf = "";
  let n = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<string>;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (stop.error) throw stop.error;
      if (e instanceof AppError) throw e;
      // DecompressionStream and the fatal TextDecoder throw TypeErrors on corrupt input
      throw bad(n + 1, `The archive cannot be read (${e instanceof Error ? e.message : String(e)})`);
    }
    if (chunk.done) break;
    buf += chunk.value;
    let at: number;
    while ((at = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, at);
      buf = buf.slice(at + 1);
      n++;
      if (line.length > maxLine) throw tooLarge(`Line ${n} is longer than ${maxLine} characters`);
      yield { n, line };
    }
    if (buf.length > maxLine) throw tooLarge(`Line ${n + 1} is longer than ${maxLine} characters`);
  }
  if (buf.length) yield { n: n + 1, line: buf };
}

function parseLine(n: number, line: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw bad(n, "not valid JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(n, "not a JSON object");
  return v as Record<string, unknown>;
}

const sameList = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function checkHeader(n: number, v: Record<string, unknown>, migrations: string[]): ArchiveHeader {
  if (v.format !== ARCHIVE_FORMAT)
    throw bad(n, `not an archive of this application (format must be "${ARCHIVE_FORMAT}")`);
  if (v.formatVersion !== ARCHIVE_FORMAT_VERSION)
    throw bad(
      n,
      `archive format version ${JSON.stringify(v.formatVersion)} is not ` +
        `supported; this installation reads version ${ARCHIVE_FORMAT_VERSION}`,
    );
  if (!Array.isArray(v.migrations) || !v.migrations.every((m) => typeof m === "string"))
    throw bad(n, "the header lacks its list of migrations");
  if (!sameList(v.migrations, migrations)) {
    throw new AppError(
      "validation",
      `The archive was made with database migrations [${v.migrations.join(", ")}], this database has ` +
        `[${migrations.join(", ")}]. Restore with the release that made the archive (same migrations), then upgrade.`,
    );
  }
  if (typeof v.contacts !== "boolean") throw bad(n, "the header does not say whether contact data is included");
  if (typeof v.exportedAt !== "string") throw bad(n, "the header lacks exportedAt");
  if (!Array.isArray(v.tables) || !sameList(v.tables, archiveTables(v.contacts)))
    throw bad(n, `the header's table list does not match this schema (${archiveTables(v.contacts).join(", ")})`);
  return v as unknown as ArchiveHeader;
}

/** The restore's begin row: its audit entry and, while it has no end row, the lock the cron job respects. */
const BEGIN = "archive.restore.begin";
const DONE = "archive.restore";
const FAILED = "archive.restore.failed";
const REFUSED = "archive.restore.refused";
/** A restore that died without writing its end row stops blocking the cron job after this long. */
const LOCK_MS = 6 * HOUR_MS;

const RUNNING_SQL =
  `SELECT 1 FROM audit_log b WHERE b.action = '${BEGIN}' AND b.at > ?1 - ${LOCK_MS}
  AND NOT EXISTS (SELECT 1 FROM audit_log e WHERE e.at >= b.at ` +
  `AND e.action IN ('${DONE}', '${FAILED}') AND e.target = b.target)`;

/**
 * True while a restore is writing; the scheduled job then waits (it would otherwise plan and send from half a study).
 */
export async function restoreInProgress(d1: D1Database, now: number): Promise<boolean> {
  return (await d1.prepare(`${RUNNING_SQL} LIMIT 1`).bind(now).first()) !== null;
}

/** Study tables that hold rows (a restore needs none). */
async function nonEmpty(d1: D1Database): Promise<string[]> {
  const res = await d1.batch<{ one: number }>(
    STUDY_TABLES.map((t) => d1.prepare(`SELECT 1 AS one FROM ${q(t)} LIMIT 1`)),
  );
  return STUDY_TABLES.filter((_t, i) => res[i]!.results.length > 0);
}

type Value = string | number | null;
type LocalInstrument = {
  id: number;
  key: string;
  name: string;
  kind: string;
  pilot_id: number | null;
  licensed: number;
};

const stable = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(stable).join(",")}]`
    : v && typeof v === "object"
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
          .join(",")}}`
      : JSON.stringify(v);
const sameJson = (a: string, b: string) => {
  try {
    return stable(JSON.parse(a)) === stable(JSON.parse(b));
  } catch {
    return a === b;
  }
};

/** Archive id → local id for the tables that merge with rows already here; everything else keeps its id. */
class IdMap {
  private map = new Map<number, number>();
  constructor(
    private used: Set<number>,
    private max = Math.max(0, ...used),
  ) {}
  /** The archive's id if free here, else the next free one. */
  claim(archiveId: number): number {
    let id = archiveId;
    if (this.used.has(id)) id = this.max + 1;
    this.used.add(id);
    this.max = Math.max(this.max, id);
    this.map.set(archiveId, id);
    return id;
  }
  alias(archiveId: number, localId: number) {
    this.map.set(archiveId, localId);
  }
  get(archiveId: number): number {
    return this.map.get(archiveId) ?? archiveId;
  }
  get remapped() {
    return [...this.map].filter(([a, l]) => a !== l).length;
  }
}

const staffRef = (users: IdMap, s: unknown) =>
  typeof s === "string" ? s.replace(/^staff:(\d+)$/, (_m, id: string) => `staff:${users.get(Number(id))}`) : s;

export type RestoreResult = {
  counts: Record<string, number>;
  contacts: boolean;
  merged: { staffUsers: number; instruments: number; instrumentVersions: number };
  exportedAt: string;
};

/**
 * Restores an archive into a database without a study. Validates the header before writing, takes the
 * restore lock together with the emptiness check in one statement, inserts in D1 batches (at most 100
 * bound values per statement) and checks the trailer. D1 has no transaction across batches: on any error
 * everything this restore wrote is deleted again (study tables emptied, merged rows put back) and the
 * attempt is audited as failed.
 */
export async function restoreArchive(
  d1: D1Database,
  body: ReadableStream<Uint8Array>,
  actor: Actor,
  now: number,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<RestoreResult> {
  const target = `restore:${crypto.randomUUID()}`;
  let header: ArchiveHeader;
  let lines: AsyncGenerator<{ n: number; line: string }>;
  try {
    const stop: Stop = { error: null };
    lines = linesOf(await textOf(body, limits, stop), limits.line, stop);
    const migrations = await appliedMigrations(d1);
    const first = await lines.next();
    if (first.done || !first.value.line.trim()) throw bad(1, "the archive is empty or lacks its header");
    header = checkHeader(1, parseLine(1, first.value.line), migrations);
    const full = await nonEmpty(d1);
    if (full.length)
      throw new AppError(
        "conflict",
        `This database already holds a study (${full.join(", ")}); ` +
          `restore only into a fresh database (setup, then restore).`,
      );
    // Lock and emptiness check in one statement: two restores at once cannot both begin.
    const begin = await d1
      .prepare(
        `INSERT INTO audit_log (at, actor_type, actor_id, action, target, details) SELECT ?1, ?2, ?3, '${BEGIN}', ?4, ?5
         WHERE ${STUDY_TABLES.map((t) => `NOT EXISTS (SELECT 1 FROM ${q(t)})`).join(" AND ")} ` +
          `AND NOT EXISTS (${RUNNING_SQL})`,
      )
      .bind(
        now,
        actor.type,
        actor.id,
        target,
        JSON.stringify({ exportedAt: header.exportedAt, contacts: header.contacts }),
      )
      .run();
    if (!begin.meta.changes)
      throw new AppError("conflict", "Another restore is running, or a study appeared meanwhile.");
  } catch (e) {
    // refused before anything was written: audited too
    if (e instanceof AppError)
      await auditStatement(d1, actor, REFUSED, now, { target, details: { reason: e.message } }).run();
    throw e;
  }

  const state = await mergeState(d1);
  const counts: Record<string, number> = Object.fromEntries(header.tables.map((t) => [t, 0]));
  const merged = { staffUsers: 0, instruments: 0, instrumentVersions: 0 };
  try {
    let tableIndex = 0;
    let pending: { table: string; rows: Value[][] } | null = null;
    const flush = async () => {
      if (pending?.rows.length) await insertRows(d1, pending.table, pending.rows, state);
      pending = null;
    };
    let trailer: Record<string, unknown> | null = null;
    for await (const { n, line } of lines) {
      if (!line.trim()) continue;
      const v = parseLine(n, line);
      if (trailer) throw bad(n, "content after the trailer");
      if (v.end === true) {
        trailer = v;
        continue;
      }
      const table = v.t;
      if (typeof table !== "string" || !COLUMNS.has(table) || !header.tables.includes(table))
        throw bad(n, `unknown table ${JSON.stringify(table)}`);
      const at = header.tables.indexOf(table);
      if (at < tableIndex)
        throw bad(
          n,
          `rows of ${table} after rows of ${header.tables[tableIndex]}: tables must come in dependency order`,
        );
      tableIndex = at;
      const cols = COLUMNS.get(table)!;
      const r = v.r;
      if (typeof r !== "object" || r === null || Array.isArray(r)) throw bad(n, "a row needs its columns in r");
      const row = r as Record<string, unknown>;
      for (const k of Object.keys(row)) if (!cols.includes(k)) throw bad(n, `unknown column ${table}.${k}`);
      const values = cols.map((c) => {
        if (!(c in row)) throw bad(n, `column ${table}.${c} missing`);
        const x = row[c];
        if (x !== null && typeof x !== "string" && typeof x !== "number")
          throw bad(n, `column ${table}.${c} holds neither text, a number nor null`);
        return x;
      });
      counts[table]!++;
      // earlier tables are stored before a row of the next one is merged (a merge may refer to them)
      if (pending && pending.table !== table) await flush();
      const prepared = await prepareRow(d1, n, table, cols, values, state, merged);
      if (!prepared) continue;
      pending ??= { table, rows: [] };
      pending.rows.push(prepared);
      if (pending.rows.length >= rowsPerBatch(cols.length)) await flush();
    }
    await flush();
    if (!trailer)
      throw new AppError(
        "validation",
        "The archive is truncated: its trailer (row counts) is missing. Nothing was restored.",
      );
    const expected = trailer.counts as Record<string, unknown> | undefined;
    if (
      !expected ||
      typeof expected !== "object" ||
      !sameList(Object.keys(expected).sort(), [...header.tables].sort()) ||
      header.tables.some((t) => expected[t] !== counts[t])
    ) {
      throw new AppError(
        "validation",
        `The archive's row counts do not match its rows (trailer ${JSON.stringify(expected ?? null)}, ` +
          `read ${JSON.stringify(counts)}). Nothing was restored.`,
      );
    }
  } catch (e) {
    await undo(d1, state).catch((u) =>
      console.error(JSON.stringify({ event: "archive_restore_undo_failed", error: String(u) })),
    );
    await auditStatement(d1, actor, FAILED, Date.now(), {
      target,
      details: { reason: e instanceof AppError ? e.message : "internal", counts },
    }).run();
    if (e instanceof AppError) throw e;
    console.error(
      JSON.stringify({ event: "archive_restore_failed", error: e instanceof Error ? e.message : String(e) }),
    );
    // A constraint failure means the archive does not fit together (edited, or from another schema).
    if (e instanceof Error && /constraint/i.test(e.message))
      throw new AppError(
        "validation",
        `The archive's rows do not fit together ` +
          `(${e.message.replace(/^.*?(\w+ constraint failed.*)$/i, "$1")}). Nothing was restored.`,
      );
    throw e;
  }
  await auditStatement(d1, actor, DONE, Date.now(), {
    target,
    details: { counts, contacts: header.contacts, exportedAt: header.exportedAt, merged },
  }).run();
  return { counts, contacts: header.contacts, merged, exportedAt: header.exportedAt };
}

type MergeState = Awaited<ReturnType<typeof mergeState>>;

/** The rows a fresh deployment may already hold (setup's staff, built-in instruments) and what this restore changes. */
async function mergeState(d1: D1Database) {
  const [users, roles, instruments, versions] = await d1.batch([
    d1.prepare("SELECT id, email FROM staff_users"),
    d1.prepare("SELECT id, user_id, pilot_id, role FROM staff_roles"),
    d1.prepare("SELECT id, key, name, kind, pilot_id, licensed FROM instruments"),
    d1.prepare("SELECT id, instrument_id, version, definition, complete FROM instrument_versions"),
  ]);
  const u = users!.results as { id: number; email: string }[];
  const r = roles!.results as { id: number; user_id: number; pilot_id: number | null; role: string }[];
  const i = instruments!.results as LocalInstrument[];
  const v = versions!.results as {
    id: number;
    instrument_id: number;
    version: number;
    definition: string;
    complete: number;
  }[];
  return {
    usersByEmail: new Map(u.map((x) => [x.email.toLowerCase(), x.id])),
    users: new IdMap(new Set(u.map((x) => x.id))),
    roleKeys: new Set(r.map((x) => `${x.user_id}:${x.pilot_id}:${x.role}`)),
    roles: new IdMap(new Set(r.map((x) => x.id))),
    instrumentsByKey: new Map(i.map((x) => [x.key, x])),
    instruments: new IdMap(new Set(i.map((x) => x.id))),
    versionsByKey: new Map(v.map((x) => [`${x.instrument_id}:${x.version}`, x])),
    versions: new IdMap(new Set(v.map((x) => x.id))),
    /** rows this restore added to the merged tables, and merged instruments as they were */
    inserted: {
      staff_users: [] as number[],
      staff_roles: [] as number[],
      instruments: [] as number[],
      instrument_versions: [] as number[],
    },
    updatedInstruments: [] as LocalInstrument[],
    /** id ranges of the audit rows restored from the archive */
    auditInserted: [] as [number, number][],
  };
}

/** The one column of these tables that names a staff member (or none). */
const STAFF_COLUMN = {
  participants: "consent_recorded_by",
  staff_forms: "updated_by",
  signals: "acknowledged_by",
  comment_tags: "tagged_by",
} as const;

/** Applies merges and id maps to one row; null when the row merges into an existing one. */
async function prepareRow(
  d1: D1Database,
  n: number,
  table: string,
  cols: string[],
  values: Value[],
  s: MergeState,
  merged: RestoreResult["merged"],
): Promise<Value[] | null> {
  const get = (c: string) => values[cols.indexOf(c)]!;
  const set = (c: string, v: Value) => void (values[cols.indexOf(c)] = v);
  const int = (c: string) => {
    const v = get(c);
    if (typeof v !== "number" || !Number.isInteger(v)) throw bad(n, `${table}.${c} must be an integer`);
    return v;
  };
  /** A column naming a staff member (or none): her id here. */
  const staff = (c: string) => {
    if (get(c) !== null) set(c, s.users.get(int(c)));
  };
  switch (table) {
    case "staff_users": {
      const email = get("email");
      if (typeof email !== "string") throw bad(n, "staff_users.email must be text");
      const local = s.usersByEmail.get(email.toLowerCase());
      if (local !== undefined) {
        // setup's admin (or anyone already here) keeps her row, id and sessions; her archived roles follow her
        s.users.alias(int("id"), local);
        merged.staffUsers++;
        return null;
      }
      const id = s.users.claim(int("id"));
      set("id", id);
      s.usersByEmail.set(email.toLowerCase(), id);
      s.inserted.staff_users.push(id);
      return values;
    }
    case "staff_roles": {
      set("user_id", s.users.get(int("user_id")));
      const key = `${get("user_id")}:${get("pilot_id")}:${get("role")}`;
      if (s.roleKeys.has(key)) return null;
      s.roleKeys.add(key);
      const id = s.roles.claim(int("id"));
      set("id", id);
      s.inserted.staff_roles.push(id);
      return values;
    }
    case "instruments": {
      const local = s.instrumentsByKey.get(get("key") as string);
      if (local) {
        if (local.kind !== get("kind"))
          throw bad(
            n,
            `instrument ${local.key} is a ${local.kind} instrument here, a ${String(get("kind"))} one in the archive`,
          );
        s.instruments.alias(int("id"), local.id);
        merged.instruments++;
        if (local.name !== get("name") || local.pilot_id !== get("pilot_id") || local.licensed !== get("licensed")) {
          s.updatedInstruments.push(local);
          await d1
            .prepare("UPDATE instruments SET name = ?, pilot_id = ?, licensed = ? WHERE id = ?")
            .bind(get("name"), get("pilot_id"), get("licensed"), local.id)
            .run();
        }
        return null;
      }
      const id = s.instruments.claim(int("id"));
      set("id", id);
      s.inserted.instruments.push(id);
      return values;
    }
    case "instrument_versions": {
      const instrumentId = s.instruments.get(int("instrument_id"));
      set("instrument_id", instrumentId);
      const local = s.versionsByKey.get(`${instrumentId}:${get("version")}`);
      if (local) {
        // answers point at a version by id and are read with its definition: the two must be the same
        if (!sameJson(local.definition, String(get("definition"))) || local.complete !== get("complete"))
          throw new AppError(
            "conflict",
            `Line ${n}: version ${String(get("version"))} of instrument ${instrumentId} ` +
              `differs between the archive and this installation.`,
          );
        s.versions.alias(int("id"), local.id);
        merged.instrumentVersions++;
        return null;
      }
      const id = s.versions.claim(int("id"));
      set("id", id);
      s.inserted.instrument_versions.push(id);
      return values;
    }
    case "participants":
    case "staff_forms":
    case "signals":
    case "comment_tags":
      staff(STAFF_COLUMN[table]);
      return values;
    case "occasions": {
      if (s.versions.remapped) {
        let ids: unknown;
        try {
          ids = JSON.parse(String(get("instrument_version_ids")));
        } catch {
          throw bad(n, "occasions.instrument_version_ids is not a JSON list");
        }
        if (!Array.isArray(ids)) throw bad(n, "occasions.instrument_version_ids is not a JSON list");
        set("instrument_version_ids", JSON.stringify(ids.map((x) => s.versions.get(Number(x)))));
      }
      return values;
    }
    case "responses":
      set("instrument_version_id", s.versions.get(int("instrument_version_id")));
      // kiosk and phone entry name the staff member who entered the answers
      staff("entered_by");
      return values;
    case "reminder_runs":
      set("triggered_by", staffRef(s.users, get("triggered_by")) as Value);
      return values;
    case "audit_log": {
      // appended after the entries already here (setup, the restoring admin's sign-in, this restore's begin),
      // in their original order; nothing refers to an audit id
      values.splice(cols.indexOf("id"), 1, null);
      if (get("actor_type") === "staff") set("actor_id", staffRef(s.users, get("actor_id")) as Value);
      set("target", staffRef(s.users, get("target")) as Value);
      return values;
    }
    default:
      return values;
  }
}

/** At most 100 bound values per statement (D1); many statements per batch (one round trip, one transaction). */
const rowsPerStatement = (ncols: number) => Math.max(1, Math.floor(100 / ncols));
const STATEMENTS_PER_BATCH = 50;
const rowsPerBatch = (ncols: number) => rowsPerStatement(ncols) * STATEMENTS_PER_BATCH;

async function insertRows(d1: D1Database, table: string, rows: Value[][], s: MergeState) {
  let cols = COLUMNS.get(table)!;
  if (table === "audit_log") {
    // ids are assigned here (see prepareRow); the order of insertion keeps the original order
    const idAt = cols.indexOf("id");
    cols = cols.filter((c) => c !== "id");
    rows = rows.map((r) => r.filter((_v, i) => i !== idAt));
  }
  const per = rowsPerStatement(cols.length);
  const stmts: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const placeholders = chunk.map(() => `(${cols.map(() => "?").join(", ")})`).join(", ");
    stmts.push(
      d1.prepare(`INSERT INTO ${q(table)} (${cols.map(q).join(", ")}) VALUES ${placeholders}`).bind(...chunk.flat()),
    );
  }
  const results = await d1.batch(stmts);
  if (table === "audit_log") {
    // a batch is one transaction, so each statement's rows got consecutive ids ending at last_row_id
    results.forEach((r, k) => {
      const n = Math.min(per, rows.length - k * per);
      s.auditInserted.push([r.meta.last_row_id - n + 1, r.meta.last_row_id]);
    });
  }
}

/** Deletes in chunks: one statement over hundreds of thousands of rows could outlast D1's statement time limit. */
async function deleteAll(d1: D1Database, table: string, where = "1") {
  for (;;) {
    const r = await d1
      .prepare(`DELETE FROM ${q(table)} WHERE rowid IN (SELECT rowid FROM ${q(table)} WHERE ${where} LIMIT 5000)`)
      .run();
    if (!r.meta.changes) return;
  }
}

/** Puts the database back as it was before the restore began (the begin and failure audit rows stay). */
async function undo(d1: D1Database, s: MergeState) {
  const reverse = [...ARCHIVE_TABLES].reverse();
  for (const t of reverse) {
    if (t === "audit_log")
      for (const [from, to] of s.auditInserted) await deleteAll(d1, t, `id BETWEEN ${from} AND ${to}`);
    else if (t === "instruments") {
      for (const old of s.updatedInstruments)
        await d1
          .prepare("UPDATE instruments SET name = ?, pilot_id = ?, licensed = ? WHERE id = ?")
          .bind(old.name, old.pilot_id, old.licensed, old.id)
          .run();
      await deleteIds(d1, t, s.inserted.instruments);
    } else if (t === "staff_users" || t === "staff_roles" || t === "instrument_versions")
      await deleteIds(d1, t, s.inserted[t]);
    // the lock taken before any write makes every row of these tables this restore's (or derived from it)
    else await deleteAll(d1, t);
  }
}

async function deleteIds(d1: D1Database, table: string, ids: number[]) {
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    await d1
      .prepare(`DELETE FROM ${q(table)} WHERE id IN (${chunk.map(() => "?").join(", ")})`)
      .bind(...chunk)
      .run();
  }
}
