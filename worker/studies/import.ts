// CSV imports of participants and of historical measurements. A dry run reports every bad row with its
// line and reason; a commit re-validates and writes everything in one D1 batch (one transaction) or
// nothing at all.
import { eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import { type InstrumentDefinition, MAX_COMMENT } from "../../schema/instruments/definitions";
import { getDb, schema } from "../db";
import type { Env } from "../env";
import { AppError } from "../errors";
import { type Actor, auditStatement } from "../lib/audit";
import { encryptContact } from "../lib/contact-keys";
import { toCsv } from "../lib/csv";
import { openDueOccasions } from "./occasions";
import { daysBetween, localDate, type PilotSchedule, zonedTimeToUtc } from "../schedule/schedule";
import { catalogue, type MessageKey } from "../../core/i18n/messages";
import { latestVersions } from "./config";
import { contactAad } from "./contacts";
import { parseCsv, type CsvRecord } from "./csv";
import { checkConsentDate, checkStartDate, orConflict, START_FUTURE_DAYS, START_PAST_DAYS } from "./participants";
import { scheduleOf } from "./settings";
import { CODE_RE, email as emailSchema, isoDate, type importReport, type rowError } from "./validators";
import { DAY_MS } from "../../core/time";
import { IMPORT_SEQ_BASE, type Wave, WAVES } from "../../core/waves";

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;
export const PARTICIPANT_COLUMNS = [
  "participant_code",
  "pilot_start_date",
  "consent_by",
  "consent_date",
  "email",
  "mentor_email",
] as const;
export const MEASUREMENT_COLUMNS = [
  "participant_code",
  "instrument",
  "item",
  "measured_at",
  "value",
  "comment",
] as const;

type Pilot = typeof schema.pilots.$inferSelect;
export type RowError = z.infer<typeof rowError>;
export type ImportReport = z.infer<typeof importReport>;

/** The six cells of a row of either template (a row of another length is refused before it is read). */
type Row6 = [string, string, string, string, string, string];

/** The checked file's report, errors in row order; nothing committed yet. */
function checkedReport(
  kind: ImportReport["kind"],
  dryRun: boolean,
  errors: ImportReport["errors"],
  rows: number,
): ImportReport {
  errors.sort((a, b) => a.line - b.line);
  return { kind, dryRun, ok: errors.length === 0, rows, errors, committed: 0 };
}

type Params = Record<string, string | number>;
const fill = (text: string, p: Params) => text.replace(/\{(\w+)\}/g, (m, k: string) => (k in p ? String(p[k]) : m));
/** A catalogue text in both languages, Dutch first ("…nl / …en"), with its {placeholders} filled in. */
export const bilingual = (key: MessageKey, p: Params = {}) =>
  `${fill(catalogue[key].nl, p)} / ${fill(catalogue[key].en, p)}`;
/** A row's reason: "Regel 3, kolom consent_date: <Dutch> / line 3, column consent_date: <English>". */
function rowReason(line: number, column: string | undefined, key: MessageKey, p: Params = {}) {
  const at: MessageKey = column === undefined ? "import.error.atLine" : "import.error.at";
  const where = { line, column: column ?? "" };
  return (
    `${fill(catalogue[at].nl, where)}: ${fill(catalogue[key].nl, p)} ` +
    `/ ${fill(catalogue[at].en, where)}: ${fill(catalogue[key].en, p)}`
  );
}
/** A file-level refusal, naming the line. */
const fileError = (
  line: number,
  key: MessageKey,
  p: Params = {},
  code: "validation" | "payload_too_large" = "validation",
) => new AppError(code, bilingual(key, p), { errors: [{ line, reason: bilingual(key, p) }] });

// Windows-1252 for the bytes 0x80–0x9F; every other byte is the Latin-1 character of the same number.
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

/**
 * An uploaded CSV as text: UTF-8 (BOM or not) when the bytes are valid UTF-8, else Windows-1252, which is
 * what Dutch Excel's plain "CSV (gescheiden door lijstscheidingsteken)" writes ("é" as one byte 0xE9).
 */
export function decodeImport(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += 8192) {
      parts.push(
        Array.from(bytes.subarray(i, i + 8192), (b) =>
          b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b),
        ).join(""),
      );
    }
    return parts.join("");
  }
}

const CSV_PROBLEMS: Record<string, MessageKey> = {
  "binary data (NUL byte) is not a CSV file": "import.error.csv.nul",
  "a quote inside an unquoted field": "import.error.csv.quoteInField",
  "text after a closing quote": "import.error.csv.afterQuote",
  "a quoted field is not closed": "import.error.csv.unclosed",
};

/**
 * The separator of a file from its header line (outside quotes): what Dutch Excel saves (`;`) or a comma.
 * Our headers hold no separator inside a name, so a header with both is refused.
 */
export function detectSeparator(text: string): "," | ";" | "mixed" {
  let quoted = false;
  let commas = 0;
  let semicolons = 0;
  for (const ch of text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) {
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === "\n" || ch === "\r") break;
    else if (ch === ",") commas++;
    else if (ch === ";") semicolons++;
  }
  if (commas && semicolons) return "mixed";
  return semicolons ? ";" : ",";
}

/**
 * Excel pads every row, the header too, with empty cells up to the widest row ("a;b;;"). Empty cells past the
 * last column are dropped up to the header's own padding, no further: "6,5" in a comma file stays an error.
 */
function trimTrailing(cells: string[], width: number, max = Infinity) {
  let n = cells.length;
  while (n > width && cells.length - n < max && cells[n - 1]!.trim() === "") n--;
  return n === cells.length ? cells : cells.slice(0, n);
}

function readTable(
  text: string,
  columns: readonly string[],
): { records: CsvRecord[]; errors: RowError[]; badShape: number } {
  const sep = detectSeparator(text);
  if (sep === "mixed") throw fileError(1, "import.error.headerMixed");
  const parsed = parseCsv(text, sep);
  if (!parsed.ok) {
    const why = CSV_PROBLEMS[parsed.reason];
    const m = catalogue["import.error.malformed"];
    const message =
      `${fill(m.nl, { line: parsed.line, reason: why ? catalogue[why].nl : parsed.reason })} ` +
      `/ ${fill(m.en, { line: parsed.line, reason: parsed.reason })}`;
    throw new AppError("validation", message, { errors: [{ line: parsed.line, reason: message }] });
  }
  const [header, ...records] = parsed.records;
  if (!header) throw fileError(1, "import.error.empty");
  const names = trimTrailing(header.cells, columns.length).map((c) => c.trim().toLowerCase());
  const padding = header.cells.length - names.length;
  if (names.join(",") !== columns.join(","))
    throw fileError(header.line, "import.error.header", { columns: columns.join(sep) });
  if (records.length > MAX_IMPORT_ROWS)
    throw fileError(1, "import.error.tooManyRows", { max: MAX_IMPORT_ROWS }, "payload_too_large");
  const errors: RowError[] = [];
  const good: CsvRecord[] = [];
  let badShape = 0;
  for (const r of records) {
    const cells = trimTrailing(r.cells, columns.length, padding);
    if (cells.length === columns.length) {
      good.push({ line: r.line, cells });
      continue;
    }
    badShape++;
    const p = { expected: columns.length, found: cells.length };
    const other = sep === ";" ? "," : ";";
    // A row saved with the other separator (a file pasted together from two sources).
    if (cells.length < columns.length && cells.join(sep).split(other).length === columns.length) {
      errors.push({
        line: r.line,
        reason: rowReason(r.line, undefined, "import.error.otherSeparator", { ...p, other, sep }),
      });
    } else if (sep === "," && cells.length > columns.length) {
      errors.push({ line: r.line, reason: rowReason(r.line, undefined, "import.error.decimalComma", p) });
    } else errors.push({ line: r.line, reason: rowReason(r.line, undefined, "import.error.columns", p) });
  }
  return { records: good, errors, badShape };
}

const err = (errors: RowError[], line: number, column: string | undefined, key: MessageKey, p: Params = {}) => {
  const reason = rowReason(line, column, key, p);
  errors.push(column === undefined ? { line, reason } : { line, column, reason });
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Dutch Excel's short date: d-m-jjjj or dd-mm-jjjj (also with / or .). */
const NL_DATE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/;

/** `jjjj-mm-dd` or `dd-mm-jjjj` as an ISO date; "format" when it is neither, "nonexistent" for 31-02-2026. */
export function parseImportDate(raw: string): string | "format" | "nonexistent" {
  const s = raw.trim();
  let iso: string;
  const nl = NL_DATE.exec(s);
  if (ISO_DATE.test(s)) iso = s;
  else if (nl) iso = `${nl[3]}-${nl[2]!.padStart(2, "0")}-${nl[1]!.padStart(2, "0")}`;
  else return "format";
  return isoDate.safeParse(iso).success ? iso : "nonexistent";
}

/** A date column: the ISO date, or an error recorded for the row. */
function dateCell(errors: RowError[], line: number, column: string, raw: string): string | null {
  const d = parseImportDate(raw);
  if (d === "format") err(errors, line, column, "import.error.date");
  else if (d === "nonexistent") err(errors, line, column, "import.error.noSuchDate", { value: raw.trim() });
  else return d;
  return null;
}

// ---------------------------------------------------------------------------------------------- participants

/**
 * One import: the file's text for a pilot, a dry run or a commit, by whom (`recordedBy`: the staff member the
 * consents are recorded for, participants only) and when.
 */
export type ImportRun = {
  env: Env;
  pilot: Pilot;
  text: string;
  dryRun: boolean;
  actor: Actor;
  recordedBy: number | null;
  now: number;
};

export async function importParticipants(run: ImportRun): Promise<ImportReport> {
  const { env, pilot, text, dryRun, actor, recordedBy, now } = run;
  const { records, errors, badShape } = readTable(text, PARTICIPANT_COLUMNS);
  const existing = await pilotCodes(env.DB, pilot.id);
  const seen = new Map<string, number>();
  const rows: NewParticipant[] = [];
  const today = localDate(now, pilot.timezone);
  for (const r of records) {
    const [code, startRaw, by, consentRaw, mail, mentor] = r.cells.map((c) => c.trim()) as Row6;
    const before = errors.length;
    if (!CODE_RE.test(code)) err(errors, r.line, "participant_code", "import.error.code");
    else if (existing.has(code.toLowerCase()))
      err(errors, r.line, "participant_code", "import.error.codeExists", { code });
    else if (seen.has(code.toLowerCase()))
      err(errors, r.line, "participant_code", "import.error.codeTwice", { code, other: seen.get(code.toLowerCase())! });
    else seen.set(code.toLowerCase(), r.line);
    // The same ranges as enrolment (checkStartDate / checkConsentDate), said in both languages.
    const start = dateCell(errors, r.line, "pilot_start_date", startRaw);
    if (start !== null && checkStartDate(pilot, start, now)) {
      if (start < today) err(errors, r.line, "pilot_start_date", "import.error.startPast", { days: START_PAST_DAYS });
      else err(errors, r.line, "pilot_start_date", "import.error.startFuture", { days: START_FUTURE_DAYS });
    }
    if (by !== "self" && by !== "guardian") err(errors, r.line, "consent_by", "import.error.consentBy");
    const consentDate = dateCell(errors, r.line, "consent_date", consentRaw);
    if (consentDate !== null && checkConsentDate(pilot, consentDate, now)) {
      err(
        errors,
        r.line,
        "consent_date",
        consentDate > today ? "import.error.consentFuture" : "import.error.consentOld",
      );
    }
    const e1 = mail === "" ? null : emailSchema.safeParse(mail);
    if (e1 && !e1.success) err(errors, r.line, "email", "import.error.email");
    const e2 = mentor === "" ? null : emailSchema.safeParse(mentor);
    if (e2 && !e2.success) err(errors, r.line, "mentor_email", "import.error.email");
    if (errors.length === before && start !== null && consentDate !== null) {
      rows.push({
        code,
        start,
        consentBy: by as "self" | "guardian",
        consentDate,
        email: e1?.success ? e1.data : null,
        mentor: e2?.success ? e2.data : null,
      });
    }
  }
  const report = checkedReport("participants", dryRun, errors, records.length + badShape);
  if (dryRun || !report.ok) return report;
  if (!rows.length) throw new AppError("validation", bilingual("import.error.noRows"), { errors: [] });

  // Ids are chosen up front because each contact ciphertext is bound to its participant id; a concurrent
  // insert that takes one of them makes the whole batch fail, and nothing is stored.
  const firstId = (await maxParticipantId(env.DB)) + 1;
  const stmts = await participantInserts(env.DB, env, pilot.id, firstId, rows, recordedBy, now);
  stmts.push(
    auditStatement(env.DB, actor, "import.participants", now, { pilotId: pilot.id, details: { rows: rows.length } }),
  );
  await commitBatch(env.DB, stmts);
  // Stored: the answer is 201 whatever happens next. Their first questionnaires open now, or with the next
  // run if D1 fails here (a 503 would make the researcher import again and see every row as a duplicate).
  await openDueOccasions(env.DB, now, pilot.id).catch((e) =>
    console.error(JSON.stringify({ event: "import_open_deferred", pilotId: pilot.id, error: String(e).slice(0, 300) })),
  );
  return { ...report, committed: rows.length };
}

// ---------------------------------------------------------------------------------------------- measurements

type VersionInfo = {
  id: number;
  version: number;
  kind: "frequent" | "wave" | "staff";
  pilotId: number | null;
  definition: InstrumentDefinition;
};

const TIME = /^(\d{1,2}):(\d{2})(?::\d{2})?$/;

/** `jjjj-mm-dd` or `dd-mm-jjjj`, optionally with a time `uu:mm` (Excel may add `:ss`); noon without a time. */
function parseMeasuredAt(s: string, tz: string): { date: string; at: number } | "format" | "nonexistent" {
  const [datePart = "", timePart, ...rest] = s.split(/[ T]+/);
  if (rest.length) return "format";
  const date = parseImportDate(datePart);
  if (date === "format" || date === "nonexistent") return date;
  let [h, min] = [12, 0];
  if (timePart !== undefined) {
    const m = TIME.exec(timePart);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return "format";
    [h, min] = [Number(m[1]), Number(m[2])];
  }
  return { date, at: zonedTimeToUtc(date, h, min, tz) };
}

type ValueError = { key: MessageKey; p?: Params };

function parseValue(
  raw: string,
  item: InstrumentDefinition["items"][number],
  def: InstrumentDefinition,
): { value: number | null; notApplicable: boolean } | ValueError {
  const v = raw.trim().toLowerCase();
  if (item.type === "slider" && item.allowNotApplicable && (v === "nvt" || v === "n.v.t." || v === "na" || v === "n/a"))
    return { value: null, notApplicable: true };
  if (v === "") return { key: "import.error.valueEmpty" };
  if (item.type === "yesno") {
    if (["1", "ja", "yes"].includes(v)) return { value: 1, notApplicable: false };
    if (["0", "nee", "no"].includes(v)) return { value: 0, notApplicable: false };
    return { key: "import.error.yesNo" };
  }
  // Decimal comma (Dutch Excel) or point.
  if (!/^-?\d+([.,]\d{1,2})?$/.test(v)) return { key: "import.error.number" };
  const n = Number(v.replace(",", "."));
  if (item.type === "slider")
    return n < 0 || n > 10 ? { key: "import.error.slider" } : { value: n, notApplicable: false };
  const { min, max } = def.scale!;
  if (!Number.isInteger(n) || n < min || n > max) return { key: "import.error.scale", p: { min, max } };
  return { value: n, notApplicable: false };
}

export async function importMeasurements(run: ImportRun): Promise<ImportReport> {
  const { env, pilot, text, dryRun, actor, now } = run;
  const { records, errors, badShape } = readTable(text, MEASUREMENT_COLUMNS);
  const people = await pilotParticipants(env.DB, pilot.id);
  const byCode = new Map(people.map((p) => [p.code.toLowerCase(), p]));
  const versions = await instrumentVersionRows(env.DB);
  const byInstrument = new Map<string, VersionInfo[]>();
  for (const v of versions) {
    const list = byInstrument.get(v.key) ?? [];
    list.push({
      id: v.id,
      version: v.version,
      kind: v.kind,
      pilotId: v.pilotId,
      definition: v.definition as unknown as InstrumentDefinition,
    });
    byInstrument.set(
      v.key,
      list.sort((a, b) => b.version - a.version),
    );
  }
  // What is already stored for these youths, by (participant, instrument, item, local date).
  const mentioned = [
    ...new Set(
      records.map((r) => byCode.get(r.cells[0]!.trim().toLowerCase())?.id).filter((x): x is number => x !== undefined),
    ),
  ];
  const stored = new Set<string>();
  for (const r of await storedAnswers(env.DB, mentioned))
    stored.add(`${r.pid}|${r.key}|${r.item}|${localDate(r.at, pilot.timezone)}`);
  const today = localDate(now, pilot.timezone);
  const seen = new Map<string, number>();
  const good: Measurement[] = [];
  for (const r of records) {
    const [codeRaw, instrument, itemKey, measuredAt, valueRaw, commentRaw] = r.cells as Row6;
    const before = errors.length;
    const code = codeRaw.trim();
    const p = byCode.get(code.toLowerCase());
    if (!p)
      err(errors, r.line, "participant_code", "import.error.unknownParticipant", {
        code: CODE_RE.test(code) ? code : "(?)",
      });
    else if (p.status === "withdrawn") err(errors, r.line, "participant_code", "import.error.withdrawn");
    const list = byInstrument.get(instrument.trim());
    const usable = list?.filter((v) => v.kind !== "staff" && (v.pilotId === null || v.pilotId === pilot.id));
    let version: VersionInfo | undefined;
    let item: InstrumentDefinition["items"][number] | undefined;
    const shown = (x: string) => (x.length > 40 ? `${x.slice(0, 40)}…` : x);
    if (!usable?.length)
      err(errors, r.line, "instrument", "import.error.unknownInstrument", { instrument: shown(instrument.trim()) });
    else {
      version = usable.find((v) => v.definition.items.some((i) => i.key === itemKey.trim()));
      item = version?.definition.items.find((i) => i.key === itemKey.trim());
      if (!version || !item) {
        const known = [...new Set(usable.flatMap((v) => v.definition.items.map((i) => i.key)))];
        const list = known.slice(0, 12).join(", ") + (known.length > 12 ? ", …" : "");
        err(errors, r.line, "item", "import.error.unknownItem", {
          item: shown(itemKey.trim()),
          instrument: instrument.trim(),
          known: list,
        });
      }
    }
    const parsedAt = parseMeasuredAt(measuredAt.trim(), pilot.timezone);
    const when = typeof parsedAt === "string" ? null : parsedAt;
    if (parsedAt === "format") err(errors, r.line, "measured_at", "import.error.dateTime");
    else if (parsedAt === "nonexistent")
      err(errors, r.line, "measured_at", "import.error.noSuchDate", { value: shown(measuredAt.trim()) });
    else if (parsedAt.date > today) err(errors, r.line, "measured_at", "import.error.future");
    else if (p && parsedAt.date < p.pilotStartDate)
      err(errors, r.line, "measured_at", "import.error.beforeStart", { date: p.pilotStartDate });
    let parsed: ReturnType<typeof parseValue> | null = null;
    if (item && version) {
      parsed = parseValue(valueRaw, item, version.definition);
      if ("key" in parsed) err(errors, r.line, "value", parsed.key, parsed.p);
    }
    const comment = commentRaw.trim();
    if (comment.length > MAX_COMMENT) err(errors, r.line, "comment", "import.error.comment", { max: MAX_COMMENT });
    if (p && when && version && item) {
      const key = `${p.id}|${instrument.trim()}|${item.key}|${when.date}`;
      if (seen.has(key)) err(errors, r.line, undefined, "import.error.sameDay", { other: seen.get(key)! });
      else if (stored.has(key)) err(errors, r.line, undefined, "import.error.stored");
      seen.set(key, seen.get(key) ?? r.line);
    }
    if (errors.length === before && p && when && version && item && parsed && !("key" in parsed)) {
      good.push({
        pid: p.id,
        kind: version.kind as "frequent" | "wave",
        instrument: instrument.trim(),
        date: when.date,
        at: when.at,
        versionId: version.id,
        item: item.key,
        ...parsed,
        comment: comment || null,
        start: p.pilotStartDate,
      });
    }
  }
  const report = checkedReport("measurements", dryRun, errors, records.length + badShape);
  if (dryRun || !report.ok) return report;
  if (!good.length) throw new AppError("validation", bilingual("import.error.noRows"), { errors: [] });

  const schedule = scheduleOf(pilot);
  const d1 = env.DB;
  const occasionsMade = new Map<string, ImportedOccasion & { start: string }>();
  for (const g of good) {
    const seq = importSeq(g.date);
    const k = `${g.pid}|${g.kind}|${seq}`;
    const o = occasionsMade.get(k) ?? {
      pid: g.pid,
      kind: g.kind,
      wave: null,
      seq,
      date: g.date,
      at: g.at,
      versionIds: new Set<number>(),
      start: g.start,
    };
    o.versionIds.add(g.versionId);
    o.at = Math.min(o.at, g.at);
    occasionsMade.set(k, o);
  }
  const versionKeys = new Map(good.map((g) => [g.versionId, g.instrument]));
  for (const o of occasionsMade.values())
    if (o.kind === "wave") {
      const asked = [...o.versionIds].map((id) => versionKeys.get(id)!);
      o.wave = importedWave(schedule, daysBetween(o.start, o.date), asked);
    }
  const stmts = measurementInserts(d1, [...occasionsMade.values()], good, now);
  stmts.push(
    auditStatement(d1, actor, "import.measurements", now, {
      pilotId: pilot.id,
      details: { rows: good.length, participants: new Set(good.map((g) => g.pid)).size },
    }),
  );
  await commitBatch(d1, stmts);
  return { ...report, committed: good.length };
}

/**
 * The wave of an imported wave measurement on `day` of her pilot: the wave whose offset is nearest, or — for an
 * instrument the pilot asks at its own interval (schedule.waveSchedules), as the planner does — the T wave whose
 * window holds the day, and otherwise none: an interval measurement (`null`), counted in the instrument's series
 * and never taken for T1/T2/T3.
 */
export function importedWave(schedule: PilotSchedule, day: number, instruments: string[]): Wave | null {
  const offsets = schedule.waveOffsetsDays;
  if (instruments.some((k) => schedule.waveSchedules?.[k])) {
    const window = WAVES.find((w) => day >= offsets[w] && day < offsets[w] + schedule.waveWindowDays);
    return window ?? null;
  }
  return WAVES.reduce((a, b) => (Math.abs(offsets[b] - day) < Math.abs(offsets[a] - day) ? b : a));
}

/** One D1 batch is one transaction: either every statement applies or none does. */
async function commitBatch(d1: D1Database, stmts: D1PreparedStatement[]) {
  await orConflict(
    d1.batch(stmts),
    () => new AppError("conflict", "The data changed while importing; nothing was stored. Run the import again."),
  );
}

// ---------------------------------------------------------------------------------------------- data

/** A checked row of a participants import. */
type NewParticipant = {
  code: string;
  start: string;
  consentBy: "self" | "guardian";
  consentDate: string;
  email: string | null;
  mentor: string | null;
};

/** A checked row of a measurements import. */
type Measurement = {
  pid: number;
  kind: "frequent" | "wave";
  /** the instrument's key */
  instrument: string;
  date: string;
  at: number;
  versionId: number;
  item: string;
  value: number | null;
  notApplicable: boolean;
  comment: string | null;
  start: string;
};

/** The completed occasion an import files a youth's measurements of one day and kind under. */
type ImportedOccasion = {
  pid: number;
  kind: "frequent" | "wave";
  wave: "T1" | "T2" | "T3" | null;
  seq: number;
  date: string;
  at: number;
  versionIds: Set<number>;
};

const importSeq = (date: string) => IMPORT_SEQ_BASE + daysBetween("2000-01-01", date);

/** A pilot's participant codes, lower-cased (a code is taken whatever its case). */
async function pilotCodes(d1: D1Database, pilotId: number): Promise<Set<string>> {
  const rows = await getDb(d1)
    .select({ code: schema.participants.code })
    .from(schema.participants)
    .where(eq(schema.participants.pilotId, pilotId));
  return new Set(rows.map((r) => r.code.toLowerCase()));
}

async function maxParticipantId(d1: D1Database): Promise<number> {
  const row = await d1.prepare("SELECT COALESCE(MAX(id), 0) AS m FROM participants").first<{ m: number }>();
  return row?.m ?? 0;
}

/**
 * The statements that insert imported youths with their contact rows, with the ids `firstId`, `firstId + 1`, …
 * (each contact ciphertext is bound to its participant id).
 */
async function participantInserts(
  d1: D1Database,
  env: Env,
  pilotId: number,
  firstId: number,
  rows: NewParticipant[],
  recordedBy: number | null,
  now: number,
): Promise<D1PreparedStatement[]> {
  const stmts: D1PreparedStatement[] = [];
  for (const [i, r] of rows.entries()) {
    const id = firstId + i;
    stmts.push(
      d1
        .prepare(
          "INSERT INTO participants (id, pilot_id, code, pilot_start_date, status, consent_by, " +
            "consent_date, consent_recorded_by, created_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)",
        )
        .bind(id, pilotId, r.code, r.start, r.consentBy, r.consentDate, recordedBy, now),
      d1
        .prepare(
          "INSERT INTO participant_contacts (participant_id, email_enc, " +
            "mentor_email_enc, key_version, updated_at) VALUES (?, ?, ?, 1, ?)",
        )
        .bind(
          id,
          r.email ? await encryptContact(env, r.email, contactAad(id, "email")) : null,
          r.mentor ? await encryptContact(env, r.mentor, contactAad(id, "mentor")) : null,
          now,
        ),
    );
  }
  return stmts;
}

async function pilotParticipants(d1: D1Database, pilotId: number) {
  return getDb(d1).select().from(schema.participants).where(eq(schema.participants.pilotId, pilotId));
}

/** Every instrument version with its instrument's key, kind and pilot. */
async function instrumentVersionRows(d1: D1Database) {
  return getDb(d1)
    .select({
      id: schema.instrumentVersions.id,
      version: schema.instrumentVersions.version,
      key: schema.instruments.key,
      kind: schema.instruments.kind,
      pilotId: schema.instruments.pilotId,
      definition: schema.instrumentVersions.definition,
    })
    .from(schema.instrumentVersions)
    .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId));
}

/** The answers stored for these youths (instrument key, item, when), read 90 youths per query. */
async function storedAnswers(d1: D1Database, participantIds: number[]) {
  const db = getDb(d1);
  const out: { pid: number; item: string; at: number; key: string }[] = [];
  for (let i = 0; i < participantIds.length; i += 90) {
    const rows = await db
      .select({
        pid: schema.responses.participantId,
        item: schema.responses.itemKey,
        at: schema.responses.answeredAt,
        key: schema.instruments.key,
      })
      .from(schema.responses)
      .innerJoin(schema.instrumentVersions, eq(schema.instrumentVersions.id, schema.responses.instrumentVersionId))
      .innerJoin(schema.instruments, eq(schema.instruments.id, schema.instrumentVersions.instrumentId))
      .where(inArray(schema.responses.participantId, participantIds.slice(i, i + 90)));
    out.push(...rows);
  }
  return out;
}

/**
 * The statements that store imported measurements: their completed occasions (one per youth, kind and day;
 * one already there is kept), the answers filed under them, and each youth queued for the recompute.
 */
function measurementInserts(
  d1: D1Database,
  occasions: ImportedOccasion[],
  good: Measurement[],
  now: number,
): D1PreparedStatement[] {
  const stmts: D1PreparedStatement[] = [];
  for (const o of occasions) {
    stmts.push(
      d1
        .prepare(
          "INSERT INTO occasions (participant_id, kind, wave, seq, due_date, opens_at, " +
            "closes_at, status, instrument_version_ids, completed_at) VALUES (?, ?, ?, ?, " +
            "?, ?, ?, 'completed', ?, ?) ON CONFLICT (participant_id, kind, seq) DO NOTHING",
        )
        .bind(o.pid, o.kind, o.wave, o.seq, o.date, o.at, o.at + DAY_MS, JSON.stringify([...o.versionIds]), o.at),
    );
  }
  for (const g of good) {
    stmts.push(
      d1
        .prepare(
          "INSERT INTO responses (occasion_id, participant_id, instrument_version_id, " +
            "item_key, value, not_applicable, comment, answered_at, mode) SELECT id, ?, ?, ?, ?, ?, " +
            "?, ?, 'import' FROM occasions WHERE participant_id = ? AND kind = ? AND seq = ?",
        )
        .bind(
          g.pid,
          g.versionId,
          g.item,
          g.value,
          g.notApplicable ? 1 : 0,
          g.comment,
          g.at,
          g.pid,
          g.kind,
          importSeq(g.date),
        ),
    );
  }
  for (const pid of new Set(good.map((g) => g.pid)))
    stmts.push(
      d1.prepare("INSERT OR REPLACE INTO recompute_queue (participant_id, requested_at) VALUES (?, ?)").bind(pid, now),
    );
  return stmts;
}

// ---------------------------------------------------------------------------------------------- templates

/** dd-mm-jjjj, as Dutch Excel shows and saves a date. */
const dutchDate = (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
export const TEMPLATE_CODE = "VOORBEELD-01";

/**
 * The template of an import: its header and example rows, `;`-separated with dd-mm-jjjj dates, as Dutch
 * Excel opens it with a double-click and saves it again. The measurements template has one row per item
 * of every questionnaire this pilot may import, so it also lists the valid instrument and item keys.
 */
export async function importTemplate(
  d1: D1Database,
  pilot: Pilot,
  kind: "participants" | "measurements",
  now: number,
): Promise<string> {
  const _db = getDb(d1);
  const today = dutchDate(localDate(now, pilot.timezone));
  if (kind === "participants")
    return toCsv([...PARTICIPANT_COLUMNS], [[TEMPLATE_CODE, today, "guardian", today, "", ""]], { separator: ";" });
  const rows: string[][] = [];
  const latest = await latestVersions(d1);
  const usable = [...latest.values()]
    .filter((v) => v.kind !== "staff" && (v.pilotId === null || v.pilotId === pilot.id))
    .sort((a, b) => a.key.localeCompare(b.key));
  for (const v of usable) {
    for (const item of (v.definition as unknown as InstrumentDefinition).items)
      rows.push([TEMPLATE_CODE, v.key, item.key, `${today} 12:00`, "", ""]);
  }
  return toCsv([...MEASUREMENT_COLUMNS], rows, { separator: ";" });
}
