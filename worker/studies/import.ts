// CSV imports of participants and of historical measurements. A dry run reports every bad row with its
// line and reason; a commit re-validates and writes everything in one D1 batch (one transaction) or
// nothing at all.
import { eq, inArray } from "drizzle-orm";
import type { z } from "zod/v4";
import type { InstrumentDefinition } from "../../schema/instruments/definitions";
import type { Db } from "../db";
import { schema } from "../db";
import type { Env } from "../env";
import { AppError } from "../errors";
import type { Actor } from "../lib/audit";
import { encryptContact } from "../lib/contact-keys";
import { openDueOccasions } from "../jobs/occasions";
import { daysBetween, localDate, zonedTimeToUtc } from "../schedule/schedule";
import { MAX_COMMENT } from "../survey/answers";
import { contactAad } from "./contacts";
import { parseCsv, type CsvRecord } from "./csv";
import { checkConsentDate, checkStartDate, isUniqueViolation } from "./participants";
import { scheduleOf } from "./settings";
import { CODE_RE, email as emailSchema, isoDate, type importReport, type rowError } from "./validators";

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;
export const PARTICIPANT_COLUMNS = ["participant_code", "pilot_start_date", "consent_by", "consent_date", "email", "mentor_email"] as const;
export const MEASUREMENT_COLUMNS = ["participant_code", "instrument", "item", "measured_at", "value", "comment"] as const;
/** Imported occasions get seq 100000 + days since 2000-01-01, far from the schedule's fortnightly seq numbers. */
export const IMPORT_SEQ_BASE = 100_000;

type Pilot = typeof schema.pilots.$inferSelect;
export type RowError = z.infer<typeof rowError>;
export type ImportReport = z.infer<typeof importReport>;

function readTable(text: string, columns: readonly string[]): { records: CsvRecord[]; errors: RowError[] } {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new AppError("validation", `Malformed CSV at line ${parsed.line}: ${parsed.reason}`, { errors: [{ line: parsed.line, reason: parsed.reason }] });
  const [header, ...records] = parsed.records;
  if (!header) throw new AppError("validation", "The file is empty", { errors: [{ line: 1, reason: "empty file" }] });
  const names = header.cells.map((c) => c.trim().toLowerCase());
  if (names.join(",") !== columns.join(",")) {
    throw new AppError("validation", `The header must be exactly: ${columns.join(",")}`, { errors: [{ line: header.line, reason: `expected header ${columns.join(",")}` }] });
  }
  if (records.length > MAX_IMPORT_ROWS) throw new AppError("payload_too_large", `At most ${MAX_IMPORT_ROWS} rows per import`);
  const errors: RowError[] = [];
  const good = records.filter((r) => {
    if (r.cells.length === columns.length) return true;
    errors.push({ line: r.line, reason: `expected ${columns.length} columns, found ${r.cells.length}` });
    return false;
  });
  return { records: good, errors };
}

const err = (errors: RowError[], line: number, column: string | undefined, reason: string) => errors.push(column === undefined ? { line, reason } : { line, column, reason });

// ---------------------------------------------------------------------------------------------- participants

export async function importParticipants(env: Env, db: Db, pilot: Pilot, text: string, dryRun: boolean, actor: Actor, recordedBy: number | null, now: number): Promise<ImportReport> {
  const { records, errors } = readTable(text, PARTICIPANT_COLUMNS);
  const existing = new Set((await db.select({ code: schema.participants.code }).from(schema.participants).where(eq(schema.participants.pilotId, pilot.id))).map((r) => r.code.toLowerCase()));
  const seen = new Map<string, number>();
  const rows: { code: string; start: string; consentBy: "self" | "guardian"; consentDate: string; email: string | null; mentor: string | null }[] = [];
  for (const r of records) {
    const [code, start, by, consentDate, mail, mentor] = r.cells.map((c) => c.trim()) as [string, string, string, string, string, string];
    const before = errors.length;
    if (!CODE_RE.test(code)) err(errors, r.line, "participant_code", "code must be 2–32 letters, digits, - or _");
    else if (existing.has(code.toLowerCase())) err(errors, r.line, "participant_code", `duplicate: ${code} already exists in this pilot`);
    else if (seen.has(code.toLowerCase())) err(errors, r.line, "participant_code", `duplicate: ${code} also on line ${seen.get(code.toLowerCase())}`);
    else seen.set(code.toLowerCase(), r.line);
    if (!isoDate.safeParse(start).success) err(errors, r.line, "pilot_start_date", "not a date (YYYY-MM-DD)");
    else {
      const why = checkStartDate(pilot, start, now);
      if (why) err(errors, r.line, "pilot_start_date", `out of range: ${why}`);
    }
    if (by !== "self" && by !== "guardian") err(errors, r.line, "consent_by", "must be self (youth 16+) or guardian");
    if (!isoDate.safeParse(consentDate).success) err(errors, r.line, "consent_date", "not a date (YYYY-MM-DD)");
    else {
      const why = checkConsentDate(pilot, consentDate, now);
      if (why) err(errors, r.line, "consent_date", `out of range: ${why}`);
    }
    const e1 = mail === "" ? null : emailSchema.safeParse(mail);
    if (e1 && !e1.success) err(errors, r.line, "email", "not an e-mail address");
    const e2 = mentor === "" ? null : emailSchema.safeParse(mentor);
    if (e2 && !e2.success) err(errors, r.line, "mentor_email", "not an e-mail address");
    if (errors.length === before) rows.push({ code, start, consentBy: by as "self" | "guardian", consentDate, email: e1?.success ? e1.data : null, mentor: e2?.success ? e2.data : null });
  }
  errors.sort((a, b) => a.line - b.line);
  const report: ImportReport = { kind: "participants", dryRun, ok: errors.length === 0, rows: records.length + errors.filter((e) => e.reason.startsWith("expected ")).length, errors, committed: 0 };
  if (dryRun || !report.ok) return report;
  if (!rows.length) throw new AppError("validation", "No rows to import", { errors: [] });

  // Ids are chosen up front because each contact ciphertext is bound to its participant id; a concurrent
  // insert that takes one of them makes the whole batch fail, and nothing is stored.
  const maxRow = await env.DB.prepare("SELECT COALESCE(MAX(id), 0) AS m FROM participants").first<{ m: number }>();
  const base = maxRow?.m ?? 0;
  const stmts: D1PreparedStatement[] = [];
  for (const [i, r] of rows.entries()) {
    const id = base + 1 + i;
    stmts.push(
      env.DB.prepare("INSERT INTO participants (id, pilot_id, code, pilot_start_date, status, consent_by, consent_date, consent_recorded_by, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)").bind(
        id, pilot.id, r.code, r.start, r.consentBy, r.consentDate, recordedBy, now,
      ),
      env.DB.prepare("INSERT INTO participant_contacts (participant_id, email_enc, mentor_email_enc, key_version, updated_at) VALUES (?, ?, ?, 1, ?)").bind(
        id,
        r.email ? await encryptContact(env, r.email, contactAad(id, "email")) : null,
        r.mentor ? await encryptContact(env, r.mentor, contactAad(id, "mentor")) : null,
        now,
      ),
    );
  }
  stmts.push(auditStmt(env.DB, actor, "import.participants", pilot.id, now, { rows: rows.length }));
  await commitBatch(env.DB, stmts);
  // Stored: the answer is 201 whatever happens next. Their first questionnaires open now, or with the next
  // run if D1 fails here (a 503 would make the researcher import again and see every row as a duplicate).
  await openDueOccasions(db, now, pilot.id).catch((e) => console.error(JSON.stringify({ event: "import_open_deferred", pilotId: pilot.id, error: String(e).slice(0, 300) })));
  return { ...report, committed: rows.length };
}

// ---------------------------------------------------------------------------------------------- measurements

type VersionInfo = { id: number; version: number; kind: "frequent" | "wave" | "staff"; pilotId: number | null; definition: InstrumentDefinition };

function parseMeasuredAt(s: string, tz: string): { date: string; at: number } | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]([01]\d|2[0-3]):([0-5]\d))?$/.exec(s);
  if (!m || !isoDate.safeParse(m[1]).success) return null;
  const [h, min] = m[2] ? [Number(m[2]), Number(m[3])] : [12, 0];
  return { date: m[1]!, at: zonedTimeToUtc(m[1]!, h, min, tz) };
}

function parseValue(raw: string, item: InstrumentDefinition["items"][number], def: InstrumentDefinition): { value: number | null; notApplicable: boolean } | string {
  const v = raw.trim().toLowerCase();
  if (item.type === "slider" && item.allowNotApplicable && (v === "nvt" || v === "n.v.t." || v === "na" || v === "n/a")) return { value: null, notApplicable: true };
  if (v === "") return "value is empty";
  if (item.type === "yesno") {
    if (["1", "ja", "yes"].includes(v)) return { value: 1, notApplicable: false };
    if (["0", "nee", "no"].includes(v)) return { value: 0, notApplicable: false };
    return "must be 1/ja/yes or 0/nee/no";
  }
  if (!/^-?\d+([.,]\d{1,2})?$/.test(v)) return "not a number (use . or , with at most two decimals)";
  const n = Number(v.replace(",", "."));
  if (item.type === "slider") return n < 0 || n > 10 ? "out of range 0–10" : { value: n, notApplicable: false };
  const { min, max } = def.scale!;
  if (!Number.isInteger(n) || n < min || n > max) return `out of range ${min}–${max} (whole numbers)`;
  return { value: n, notApplicable: false };
}

export async function importMeasurements(env: Env, db: Db, pilot: Pilot, text: string, dryRun: boolean, actor: Actor, now: number): Promise<ImportReport> {
  const { records, errors } = readTable(text, MEASUREMENT_COLUMNS);
  const people = await db.select().from(schema.participants).where(eq(schema.participants.pilotId, pilot.id));
  const byCode = new Map(people.map((p) => [p.code.toLowerCase(), p]));
  const versions = await db
    .select({ id: schema.instrumentVersions.id, version: schema.instrumentVersions.version, key: schema.instruments.key, kind: schema.instruments.kind, pilotId: schema.instruments.pilotId, definition: schema.instrumentVersions.definition })
    .from(schema.instrumentVersions)
    .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId));
  const byInstrument = new Map<string, VersionInfo[]>();
  for (const v of versions) {
    const list = byInstrument.get(v.key) ?? [];
    list.push({ id: v.id, version: v.version, kind: v.kind, pilotId: v.pilotId, definition: v.definition as unknown as InstrumentDefinition });
    byInstrument.set(v.key, list.sort((a, b) => b.version - a.version));
  }
  // What is already stored for these youths, by (participant, instrument, item, local date).
  const mentioned = [...new Set(records.map((r) => byCode.get(r.cells[0]!.trim().toLowerCase())?.id).filter((x): x is number => x !== undefined))];
  const stored = new Set<string>();
  for (let i = 0; i < mentioned.length; i += 90) {
    const rows = await db
      .select({ pid: schema.responses.participantId, item: schema.responses.itemKey, at: schema.responses.answeredAt, key: schema.instruments.key })
      .from(schema.responses)
      .innerJoin(schema.instrumentVersions, eq(schema.instrumentVersions.id, schema.responses.instrumentVersionId))
      .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId))
      .where(inArray(schema.responses.participantId, mentioned.slice(i, i + 90)));
    for (const r of rows) stored.add(`${r.pid}|${r.key}|${r.item}|${localDate(r.at, pilot.timezone)}`);
  }
  const today = localDate(now, pilot.timezone);
  const seen = new Map<string, number>();
  type Good = { pid: number; kind: "frequent" | "wave"; date: string; at: number; versionId: number; item: string; value: number | null; notApplicable: boolean; comment: string | null; start: string };
  const good: Good[] = [];
  for (const r of records) {
    const [codeRaw, instrument, itemKey, measuredAt, valueRaw, commentRaw] = r.cells as [string, string, string, string, string, string];
    const before = errors.length;
    const code = codeRaw.trim();
    const p = byCode.get(code.toLowerCase());
    if (!p) err(errors, r.line, "participant_code", `unknown participant ${CODE_RE.test(code) ? code : "(invalid code)"} in this pilot`);
    else if (p.status === "withdrawn") err(errors, r.line, "participant_code", "participant has withdrawn");
    const list = byInstrument.get(instrument.trim());
    const usable = list?.filter((v) => v.kind !== "staff" && (v.pilotId === null || v.pilotId === pilot.id));
    let version: VersionInfo | undefined;
    let item: InstrumentDefinition["items"][number] | undefined;
    if (!usable?.length) err(errors, r.line, "instrument", "unknown instrument");
    else {
      version = usable.find((v) => v.definition.items.some((i) => i.key === itemKey.trim()));
      item = version?.definition.items.find((i) => i.key === itemKey.trim());
      if (!version || !item) err(errors, r.line, "item", `unknown item for instrument ${instrument.trim()}`);
    }
    const when = parseMeasuredAt(measuredAt.trim(), pilot.timezone);
    if (!when) err(errors, r.line, "measured_at", "not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)");
    else if (when.date > today) err(errors, r.line, "measured_at", "out of range: in the future");
    else if (p && when.date < p.pilotStartDate) err(errors, r.line, "measured_at", `out of range: before the pilot start date ${p.pilotStartDate}`);
    let parsed: ReturnType<typeof parseValue> | null = null;
    if (item && version) {
      parsed = parseValue(valueRaw, item, version.definition);
      if (typeof parsed === "string") err(errors, r.line, "value", parsed);
    }
    const comment = commentRaw.trim();
    if (comment.length > MAX_COMMENT) err(errors, r.line, "comment", `longer than ${MAX_COMMENT} characters`);
    if (p && when && version && item) {
      const key = `${p.id}|${instrument.trim()}|${item.key}|${when.date}`;
      if (seen.has(key)) err(errors, r.line, undefined, `duplicate of line ${seen.get(key)} (same youth, instrument, item and day)`);
      else if (stored.has(key)) err(errors, r.line, undefined, "duplicate: already stored for this youth, instrument, item and day");
      seen.set(key, seen.get(key) ?? r.line);
    }
    if (errors.length === before && p && when && version && item && parsed && typeof parsed !== "string") {
      good.push({ pid: p.id, kind: version.kind as "frequent" | "wave", date: when.date, at: when.at, versionId: version.id, item: item.key, ...parsed, comment: comment || null, start: p.pilotStartDate });
    }
  }
  errors.sort((a, b) => a.line - b.line);
  const report: ImportReport = { kind: "measurements", dryRun, ok: errors.length === 0, rows: records.length + errors.filter((e) => e.reason.startsWith("expected ")).length, errors, committed: 0 };
  if (dryRun || !report.ok) return report;
  if (!good.length) throw new AppError("validation", "No rows to import", { errors: [] });

  const schedule = scheduleOf(pilot);
  const d1 = env.DB;
  const stmts: D1PreparedStatement[] = [];
  const occasionsMade = new Map<string, { pid: number; kind: string; seq: number; date: string; at: number; versionIds: Set<number>; start: string }>();
  for (const g of good) {
    const seq = IMPORT_SEQ_BASE + daysBetween("2000-01-01", g.date);
    const k = `${g.pid}|${g.kind}|${seq}`;
    const o = occasionsMade.get(k) ?? { pid: g.pid, kind: g.kind, seq, date: g.date, at: g.at, versionIds: new Set<number>(), start: g.start };
    o.versionIds.add(g.versionId);
    o.at = Math.min(o.at, g.at);
    occasionsMade.set(k, o);
  }
  for (const o of occasionsMade.values()) {
    // A wave measurement belongs to the wave whose offset is nearest to its day.
    const day = daysBetween(o.start, o.date);
    const wave = o.kind === "wave" ? (["T1", "T2", "T3"] as const).reduce((a, b) => (Math.abs(schedule.waveOffsetsDays[b] - day) < Math.abs(schedule.waveOffsetsDays[a] - day) ? b : a)) : null;
    stmts.push(
      d1
        .prepare(
          "INSERT INTO occasions (participant_id, kind, wave, seq, due_date, opens_at, closes_at, status, instrument_version_ids, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?) ON CONFLICT (participant_id, kind, seq) DO NOTHING",
        )
        .bind(o.pid, o.kind, wave, o.seq, o.date, o.at, o.at + 86_400_000, JSON.stringify([...o.versionIds]), o.at),
    );
  }
  for (const g of good) {
    const seq = IMPORT_SEQ_BASE + daysBetween("2000-01-01", g.date);
    stmts.push(
      d1
        .prepare(
          "INSERT INTO responses (occasion_id, participant_id, instrument_version_id, item_key, value, not_applicable, comment, answered_at, mode) SELECT id, ?, ?, ?, ?, ?, ?, ?, 'import' FROM occasions WHERE participant_id = ? AND kind = ? AND seq = ?",
        )
        .bind(g.pid, g.versionId, g.item, g.value, g.notApplicable ? 1 : 0, g.comment, g.at, g.pid, g.kind, seq),
    );
  }
  for (const pid of new Set(good.map((g) => g.pid))) stmts.push(d1.prepare("INSERT OR REPLACE INTO recompute_queue (participant_id, requested_at) VALUES (?, ?)").bind(pid, now));
  stmts.push(auditStmt(d1, actor, "import.measurements", pilot.id, now, { rows: good.length, participants: new Set(good.map((g) => g.pid)).size }));
  await commitBatch(d1, stmts);
  return { ...report, committed: good.length };
}

function auditStmt(d1: D1Database, actor: Actor, action: string, pilotId: number, now: number, details: Record<string, unknown>) {
  return d1.prepare("INSERT INTO audit_log (at, actor_type, actor_id, action, pilot_id, target, details) VALUES (?, ?, ?, ?, ?, NULL, ?)").bind(now, actor.type, actor.id, action, pilotId, JSON.stringify(details));
}

/** One D1 batch is one transaction: either every statement applies or none does. */
async function commitBatch(d1: D1Database, stmts: D1PreparedStatement[]) {
  try {
    await d1.batch(stmts);
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "The data changed while importing; nothing was stored. Run the import again.");
    throw e;
  }
}
