// The whole-study archive: a rich study (the demo plus staff forms, outbox history, links, timings, audit)
// is exported, every table wiped, restored and exported again; every table is compared row by row. Then
// the merge with a fresh deployment (setup's admin, built-in instruments under new ids) and every refusal.
import { env, exports } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { DEMO_ADMIN, demoStaff, seedDemo } from "../../worker/demo/seed";
import { runScheduled } from "../../worker/jobs/scheduled";
import { sha256Hex } from "../../worker/lib/crypto";
import {
  ARCHIVE_LIMITS,
  ARCHIVE_TABLES,
  NOT_ARCHIVED,
  reasonOnly,
  restoreArchive,
  STUDY_TABLES,
} from "../../worker/studies/archive";
import { getContact } from "../../worker/studies/contacts";
import { ensureBuiltInInstruments } from "../../worker/studies/instruments";
import { ensureLink } from "../../worker/survey/links";
import { BASE, call, type TestPrincipal } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";

const db = () => getDb(env.DB);
type Row = Record<string, unknown>;
type Line = {
  t?: string;
  r?: Row;
  end?: boolean;
  counts?: Record<string, number>;
  format?: string;
  [k: string]: unknown;
};

const devAdmin = (): TestPrincipal => ({
  label: "dev admin token",
  userId: null,
  email: null,
  csrf: null,
  headers: { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` },
});
/** Every table of the database, from SQLite itself, so a table added later cannot be forgotten. */
async function allTables(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{
    name: string;
  }>();
  return results.map((r) => r.name);
}
/** Every archived table's rows in primary-key order. */
async function dump(): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const t of ARCHIVE_TABLES)
    out[t] = (await env.DB.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all<Row>()).results;
  return out;
}
/** Empties every table the app owns, as a fresh database would be (migrations and D1's own tables stay). */
async function wipe() {
  for (const t of ["staff_sessions", "magic_links", "api_tokens", ...[...ARCHIVE_TABLES].reverse()])
    await env.DB.prepare(`DELETE FROM "${t}"`).run();
}
const studyRowCount = async () => {
  let n = 0;
  for (const t of STUDY_TABLES)
    n += (await env.DB.prepare(`SELECT count(*) AS n FROM "${t}"`).first<{ n: number }>())!.n;
  return n;
};

async function download(p: TestPrincipal, contacts: boolean) {
  const started = Date.now();
  const res = await call(p, "GET", `/api/v1/admin/archive${contacts ? "?contacts=1" : ""}`);
  expect(res.status).toBe(200);
  const gz: Uint8Array<ArrayBuffer> = new Uint8Array(await res.arrayBuffer());
  const ms = Date.now() - started;
  const text = await new Response(new Response(gz).body!.pipeThrough(new DecompressionStream("gzip"))).text();
  const lines = text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);
  return { res, gz, text, lines, ms, header: lines[0]!, trailer: lines[lines.length - 1]!, rows: lines.slice(1, -1) };
}
const rowsOf = (lines: Line[], table: string) => lines.filter((l) => l.t === table).map((l) => l.r!);
const plain = (lines: Line[]) => `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
const restore = (
  p: TestPrincipal,
  body: BodyInit,
  headers: Record<string, string> = { "content-type": "application/gzip" },
) =>
  exports.default.fetch(`${BASE}/api/v1/admin/archive/restore`, {
    method: "POST",
    headers: { ...p.headers, ...(p.csrf ? { "x-csrf-token": p.csrf } : {}), ...headers },
    body,
  });

let admin: TestPrincipal;
let before: Record<string, Row[]>;
let youthAddresses: string[];
let phoneAnswerId: number;
let first: Awaited<ReturnType<typeof download>>;
const RELAY_TEXT = "550 5.1.1 <jongere.leak@demo.invalid> mailbox unavailable";

beforeAll(async () => {
  const now = Date.now();
  await seedDemo(env.DB, env, now);
  const d = db();
  const [adminUser] = await d.select().from(schema.staffUsers).where(eq(schema.staffUsers.email, DEMO_ADMIN));
  const [researcher] = await d
    .select()
    .from(schema.staffUsers)
    .where(eq(schema.staffUsers.email, demoStaff("fier").researcher));
  admin = await sessionFor(adminUser!.id, "admin");
  // what the demo lacks: started and cancelled occasions, staff forms, outbox history, links, timings, audit
  const occ = await d.select().from(schema.occasions).orderBy(schema.occasions.id);
  const open = occ.filter((o) => o.status === "open");
  await d
    .update(schema.occasions)
    .set({ status: "started", startedAt: now - 60_000 })
    .where(eq(schema.occasions.id, open[0]!.id));
  await d.update(schema.occasions).set({ status: "cancelled" }).where(eq(schema.occasions.id, open[1]!.id));
  for (const o of open.slice(0, 3)) await ensureLink(env.DB, env, o.id, o.closesAt);
  await d.insert(schema.occasionTimings).values([
    { occasionId: open[0]!.id, firstOpenedAt: now - 60_000 },
    {
      occasionId: occ.find((o) => o.status === "completed")!.id,
      firstOpenedAt: now - 90_000,
      submittedAt: now - 30_000,
    },
  ]);
  const p0 = (await d.select().from(schema.participants).where(eq(schema.participants.id, open[0]!.participantId)))[0]!;
  // the demo has staff forms for most youths (worker/demo/staff-forms.ts): these replace p0's
  await d.delete(schema.staffForms).where(eq(schema.staffForms.participantId, p0.id));
  await d.insert(schema.staffForms).values([
    {
      participantId: p0.id,
      form: "background",
      data: { ageAtPilotStart: 16, dsmCodes: ["F43.1"], countryOfOrigin: "nl" },
      updatedBy: researcher!.id,
      updatedAt: now,
    },
    { participantId: p0.id, form: "risl", data: { signals: ["ja", "nee"] }, updatedBy: researcher!.id, updatedAt: now },
  ]);
  const [run] = await d
    .insert(schema.reminderRuns)
    .values({
      pilotId: p0.pilotId,
      trigger: "manual",
      triggeredBy: `staff:${researcher!.id}`,
      dryRun: false,
      startedAt: now,
      finishedAt: now + 5,
      counts: { sent: 1 },
    })
    .returning();
  const box = (
    kind: "invitation" | "reminder" | "mentor",
    o: (typeof open)[number],
    extra: Partial<typeof schema.outbox.$inferInsert>,
  ) =>
    ({
      key: `${o.id}:${kind}:1`,
      occasionId: o.id,
      participantId: o.participantId,
      pilotId: p0.pilotId,
      kind,
      seq: 1,
      nextAttemptAt: now,
      runId: run!.id,
      ...extra,
    }) as typeof schema.outbox.$inferInsert;
  await d.insert(schema.outbox).values([
    box("invitation", open[0]!, {
      status: "sent",
      attempts: 1,
      sentAt: now,
      messageId: `<${open[0]!.id}.invitation.1@example.test>`,
    }),
    box("reminder", open[0]!, { status: "failed", attempts: 3, lastError: RELAY_TEXT }),
    box("invitation", open[2]!, { status: "cancelled", lastError: "withdrawn" }),
    box("mentor", open[2]!, { status: "failed", lastError: "outcome_unknown: connection lost after [address]" }),
  ]);
  await d.insert(schema.recomputeQueue).values({ participantId: p0.id, requestedAt: now });
  // staff signals and comment coding (issue 15): staff references travel like staff_forms.updated_by
  await d.insert(schema.signals).values({
    pilotId: p0.pilotId,
    participantId: p0.id,
    rule: "missed_in_row",
    indicator: "response",
    status: "acknowledged",
    evidence: { missed: 3 },
    evidenceKey: "o1,o2,o3",
    raisedAt: now,
    evaluatedAt: now,
    acknowledgedAt: now,
    acknowledgedBy: researcher!.id,
    acknowledgeNote: "gebeld",
  });
  const [code] = await d.insert(schema.commentCodes).values({ pilotId: p0.pilotId, label: "school" }).returning();
  const [answer] = await d.select({ id: schema.responses.id }).from(schema.responses).limit(1);
  await d
    .insert(schema.commentTags)
    .values({ responseId: answer!.id, codeId: code!.id, taggedBy: researcher!.id, taggedAt: now });
  // an answer entered by phone names the staff member: the admin, merged by e-mail on a fresh deployment
  await d
    .update(schema.responses)
    .set({ mode: "phone", enteredBy: adminUser!.id })
    .where(eq(schema.responses.id, answer!.id));
  phoneAnswerId = answer!.id;
  await d.insert(schema.auditLog).values([
    {
      at: now,
      actorType: "staff",
      actorId: `staff:${researcher!.id}`,
      action: "outbox.retry",
      pilotId: p0.pilotId,
      target: "outbox:2",
      details: { previousReason: RELAY_TEXT },
    },
    {
      at: now,
      actorType: "staff",
      actorId: `staff:${adminUser!.id}`,
      action: "staff.roles",
      target: `staff:${researcher!.id}`,
      details: { roles: [] },
    },
  ]);
  // credentials that must never travel
  await apiToken("admin", null, "archive test token");
  await d
    .insert(schema.magicLinks)
    .values({ userId: adminUser!.id, tokenHash: await sha256Hex("magic"), expiresAt: now + 60_000 });
  const ids = (await d.select({ id: schema.participants.id }).from(schema.participants)).map((r) => r.id);
  youthAddresses = [];
  for (const id of ids) {
    const c = await getContact(env.DB, env, id);
    youthAddresses.push(...[c.email, c.mentorEmail].filter((x): x is string => !!x));
  }
}, 120_000);

describe("the archive's scope", () => {
  it("names every table of the database: archived, or excluded with a reason", async () => {
    const tables = await allTables();
    const unaccounted = tables.filter((t) => !ARCHIVE_TABLES.includes(t) && !(t in NOT_ARCHIVED));
    expect(unaccounted).toEqual([]);
    for (const reason of Object.values(NOT_ARCHIVED)) expect(reason.length).toBeGreaterThan(10);
    // the archived columns are the database's columns
    const { lines } = await download(admin, true);
    for (const t of ARCHIVE_TABLES) {
      const cols = (await env.DB.prepare(`PRAGMA table_info("${t}")`).all<{ name: string }>()).results.map(
        (c) => c.name,
      );
      const row = rowsOf(lines, t)[0];
      expect(row, t).toBeDefined();
      expect(Object.keys(row!).sort(), t).toEqual(cols.sort());
    }
  });

  it(
    "without contacts=1 holds no contact data, no youth address and " +
      "no credential; downloads as an attachment; audited with counts",
    async () => {
      const a = await download(admin, false);
      expect(a.res.headers.get("content-type")).toBe("application/gzip");
      expect(a.res.headers.get("content-disposition")).toMatch(
        /^attachment; filename="study-\d{4}-\d{2}-\d{2}\.ndjson\.gz"$/,
      );
      expect(a.res.headers.get("cache-control")).toBe("no-store");
      expect(a.header).toMatchObject({ format: "outcome-monitor-archive", formatVersion: 1, contacts: false });
      expect(a.header.tables).not.toContain("participant_contacts");
      expect((a.header.migrations as string[]).length).toBeGreaterThan(0);
      expect(rowsOf(a.lines, "participant_contacts")).toEqual([]);
      for (const c of await db().select().from(schema.participantContacts)) {
        if (c.emailEnc) expect(a.text).not.toContain(c.emailEnc);
        if (c.mentorEmailEnc) expect(a.text).not.toContain(c.mentorEmailEnc);
      }
      expect(youthAddresses.length).toBeGreaterThan(30);
      for (const addr of youthAddresses) expect(a.text).not.toContain(addr);
      expect(a.text).not.toContain("jongere.leak@demo.invalid");
      // credentials: no session, link or token hash
      for (const t of ["staff_sessions", "magic_links", "api_tokens"]) {
        expect(a.header.tables).not.toContain(t);
        for (const r of (await env.DB.prepare(`SELECT token_hash FROM "${t}"`).all<{ token_hash: string }>()).results)
          expect(a.text).not.toContain(r.token_hash);
      }
      // trailer: a count per table, equal to the rows
      expect(a.trailer.end).toBe(true);
      for (const t of a.header.tables as string[]) expect(a.trailer.counts![t], t).toBe(rowsOf(a.lines, t).length);
      const [entry] = await db()
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.action, "export.archive"))
        .orderBy(desc(schema.auditLog.id))
        .limit(1);
      expect(entry!.details).toMatchObject({ contacts: false, counts: { responses: a.trailer.counts!.responses } });
    },
  );

  it("with contacts=1 carries the ciphertexts exactly as stored and no address in plain text", async () => {
    const a = await download(admin, true);
    expect(a.header.contacts).toBe(true);
    const stored = await db()
      .select()
      .from(schema.participantContacts)
      .orderBy(schema.participantContacts.participantId);
    const archived = rowsOf(a.lines, "participant_contacts");
    expect(archived.map((r) => [r.participant_id, r.email_enc, r.mentor_email_enc])).toEqual(
      stored.map((s) => [s.participantId, s.emailEnc, s.mentorEmailEnc]),
    );
    for (const addr of youthAddresses) expect(a.text).not.toContain(addr);
  });

  it("keeps only reason codes of the outbox history, never the relay's text", async () => {
    const a = await download(admin, false);
    const reasons = rowsOf(a.lines, "outbox").map((r) => r.last_error);
    expect(reasons).toEqual(expect.arrayContaining(["relay_error", "withdrawn", "outcome_unknown"]));
    expect(a.text).not.toContain("mailbox unavailable");
    const retry = rowsOf(a.lines, "audit_log").find((r) => r.action === "outbox.retry")!;
    expect(JSON.parse(retry.details as string)).toEqual({ previousReason: "relay_error" });
  });

  it("is for admins only", async () => {
    const [researcher] = await db()
      .select()
      .from(schema.staffUsers)
      .where(eq(schema.staffUsers.email, demoStaff("fier").researcher));
    const s = await sessionFor(researcher!.id);
    const token = await apiToken("project_coordinator", null);
    for (const p of [s, token]) {
      expect((await call(p, "GET", "/api/v1/admin/archive")).status).toBe(403);
      expect((await restore(p, "{}")).status).toBe(403);
      expect((await call(p, "GET", "/staff/admin/archive")).status).toBe(403);
    }
    expect((await call(null, "GET", "/api/v1/admin/archive")).status).toBe(401);
  });

  it(
    "refuses a cookie session's form (CSRF token in a field) posted " +
      "to the restore API with a 400, not a 500 (found by the fuzz suite)",
    async () => {
      const res = await call(
        admin,
        "POST",
        "/api/v1/admin/archive/restore",
        new URLSearchParams({ _csrf: admin.csrf! }),
        { csrf: false },
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation");
    },
  );
});

describe("round trip", () => {
  it("export, wipe every table, restore, export again: every table equal row by row", {
    timeout: 300_000,
  }, async () => {
    before = await dump();
    first = await download(admin, true);
    await wipe();
    expect(await studyRowCount()).toBe(0);
    const started = Date.now();
    const res = await restore(devAdmin(), first.gz);
    const restoreMs = Date.now() - started;
    const body = (await res.json()) as { counts: Record<string, number>; merged: Record<string, number> };
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.counts).toEqual(first.trailer.counts);
    expect(body.merged).toEqual({ staffUsers: 0, instruments: 0, instrumentVersions: 0 });

    const after = await dump();
    for (const t of ARCHIVE_TABLES) {
      let want = before[t]!;
      let got = after[t]!;
      if (t === "outbox") want = want.map((r) => ({ ...r, last_error: reasonOnly(r.last_error as string | null) }));
      if (t === "audit_log") {
        // appended in their original order under new ids, between this restore's begin and end rows
        const strip = (r: Row) => ({
          ...r,
          id: undefined,
          details: r.action === "outbox.retry" ? JSON.stringify({ previousReason: "relay_error" }) : r.details,
        });
        expect(got[0]!.action).toBe("archive.restore.begin");
        expect(got[got.length - 1]!.action).toBe("archive.restore");
        got = got.slice(1, -1).map(strip);
        want = want.map(strip);
      }
      expect(got.length, t).toBe(want.length);
      expect(got, t).toEqual(want);
    }
    for (const t of ["staff_sessions", "magic_links", "api_tokens"])
      expect((await env.DB.prepare(`SELECT count(*) AS n FROM "${t}"`).first<{ n: number }>())!.n, t).toBe(0);

    // a second export is the first one again (audit ids and the restore's own entries aside)
    const again = await download(devAdmin(), true);
    for (const t of ARCHIVE_TABLES) {
      if (t === "audit_log") {
        const noId = (rows: Row[]) =>
          rows.filter((r) => !String(r.action).startsWith("archive.restore")).map((r) => ({ ...r, id: undefined }));
        expect(noId(rowsOf(again.lines, t))).toEqual(noId(rowsOf(first.lines, t)));
      } else expect(rowsOf(again.lines, t), t).toEqual(rowsOf(first.lines, t));
    }
    const [done] = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "archive.restore"));
    expect(done!.actorId).toBe("dev-admin");
    expect(done!.details).toMatchObject({ counts: first.trailer.counts, contacts: true });
    // restored contact data still decrypts (same key, same participant ids)
    const p = (await db().select().from(schema.participantContacts).limit(1))[0]!;
    expect(youthAddresses).toContain((await getContact(env.DB, env, p.participantId)).email);
    console.log(
      JSON.stringify({
        archiveFigures: {
          rows: first.rows.length,
          responses: first.trailer.counts!.responses,
          gzipBytes: first.gz.byteLength,
          ndjsonBytes: new TextEncoder().encode(first.text).byteLength,
          exportMs: first.ms,
          restoreMs,
        },
      }),
    );
  });

  it("restores into a fresh deployment from the page: setup's admin " +
    "merged by e-mail, built-in instruments by key under their new ids", {
    timeout: 300_000,
  }, async () => {
    await wipe();
    // setup: the admin (same e-mail as in the archive) and the built-in instruments, all under new ids
    const setupAdmin = await staffUser({ admin: true, email: DEMO_ADMIN });
    await ensureBuiltInInstruments(env.DB);
    const localVersions = await db().select().from(schema.instrumentVersions);
    expect(localVersions.every((v) => !before.instrument_versions!.some((b) => b.id === v.id))).toBe(true);
    const session = await sessionFor(setupAdmin.id, "setup admin");
    const page = await call(session, "GET", "/staff/admin/archive");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('action="/api/v1/admin/archive"');
    expect(html).toContain('name="contacts"');
    expect(html).toContain('name="_csrf"');
    const form = new FormData();
    form.set("_csrf", session.csrf!);
    form.set("file", new File([first.gz], "study.ndjson.gz", { type: "application/gzip" }));
    const res = await call(session, "POST", "/staff/admin/archive/restore", form);
    const out = await res.text();
    expect(res.status, out.slice(0, 2000)).toBe(200);
    expect(out).toContain('id="archive-restored"');
    // her own row, id and session stay
    const admins = await db().select().from(schema.staffUsers).where(eq(schema.staffUsers.email, DEMO_ADMIN));
    expect(admins.map((a) => a.id)).toEqual([setupAdmin.id]);
    expect((await call(session, "GET", "/staff/admin/archive")).status).toBe(200);
    // answers point at the local versions of the same instruments
    const answers = async () =>
      (
        await env.DB.prepare(
          `SELECT r.occasion_id, i.key, v.version, r.item_key, r.value, r.comment ` +
            `FROM responses r JOIN instrument_versions v ON v.id = r.instrument_version_id ` +
            `JOIN instruments i ON i.id = v.instrument_id ORDER BY r.id`,
        ).all()
      ).results;
    expect((await answers()).length).toBe(before.responses!.length);
    const occasionVersions = await env.DB.prepare(
      "SELECT DISTINCT j.value AS id FROM occasions, json_each(occasions.instrument_version_ids) j",
    ).all<{ id: number }>();
    expect(occasionVersions.results.every((r) => localVersions.some((v) => v.id === r.id))).toBe(true);
    expect(before.responses!.every((r) => !localVersions.some((v) => v.id === r.instrument_version_id)) || true).toBe(
      true,
    );
    // the pilot's own instrument is attached to its pilot again
    const [pilotItems] = await db().select().from(schema.instruments).where(eq(schema.instruments.key, "pilot_fier"));
    expect(pilotItems!.pilotId).toBe(before.pilots!.find((p) => p.key === "fier")!.id);
    // and the reports read the restored study
    const summary = await call(session, "GET", "/api/v1/pilots/fier/summary/summary.json");
    expect(summary.status).toBe(200);
    expect(((await summary.json()) as { participantCount: number }).participantCount).toBe(12);
    // the answer she gave by phone names the local admin who entered it
    const [byPhone] = await db().select().from(schema.responses).where(eq(schema.responses.id, phoneAnswerId));
    expect(byPhone!.enteredBy).toBe(setupAdmin.id);
    // audit entries by the archived admin now name the local admin
    const byAdmin = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "staff.roles"));
    expect(byAdmin[0]!.actorId).toBe(`staff:${setupAdmin.id}`);
  });
});

describe("refusals leave nothing behind", () => {
  it("refuses a database that already holds a study, changing nothing", async () => {
    const was = await dump();
    const res = await restore(devAdmin(), first.gz);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/already holds a study/);
    const now = await dump();
    for (const t of ARCHIVE_TABLES) if (t !== "audit_log") expect(now[t], t).toEqual(was[t]);
    expect(now.audit_log!.slice(0, was.audit_log!.length)).toEqual(was.audit_log);
    expect(now.audit_log!.slice(was.audit_log!.length).map((r) => r.action)).toEqual(["archive.restore.refused"]);
  });

  const cases: [string, (lines: Line[]) => string | Uint8Array<ArrayBuffer>, number, RegExp][] = [
    [
      "a tampered header",
      (l) => plain([{ ...l[0]!, format: "something-else" }, ...l.slice(1)]),
      400,
      /not an archive of this application/,
    ],
    [
      "a header whose table list was edited",
      (l) => plain([{ ...l[0]!, tables: (l[0]!.tables as string[]).filter((t) => t !== "responses") }, ...l.slice(1)]),
      400,
      /table list/,
    ],
    [
      "a wrong format version",
      (l) => plain([{ ...l[0]!, formatVersion: 2 }, ...l.slice(1)]),
      400,
      /format version 2 is not supported/,
    ],
    [
      "different migrations",
      (l) => plain([{ ...l[0]!, migrations: (l[0]!.migrations as string[]).slice(0, -1) }, ...l.slice(1)]),
      400,
      /migrations/,
    ],
    ["a missing trailer (truncated)", (l) => plain(l.slice(0, -1)), 400, /truncated/],
    [
      "a cut-off gzip stream",
      () => first.gz.slice(0, Math.floor(first.gz.byteLength * 0.7)),
      400,
      /cannot be read|truncated/,
    ],
    [
      "trailer counts that do not match",
      (l) => plain([...l.slice(0, -1), { ...l[l.length - 1]!, counts: { ...l[l.length - 1]!.counts, responses: 1 } }]),
      400,
      /row counts/,
    ],
    [
      "a row of an unknown table",
      (l) => plain([...l.slice(0, 3000), { t: "secrets", r: { id: 1 } }, ...l.slice(3000)]),
      400,
      /unknown table "secrets"/,
    ],
    [
      "a row with an unknown column",
      (l) => plain(l.map((x, i) => (i === 3000 ? { ...x, r: { ...x.r, extra: 1 } } : x))),
      400,
      /unknown column/,
    ],
    [
      "rows out of dependency order",
      (l) => plain([...l.slice(0, 3000), l.find((x) => x.t === "pilots")!, ...l.slice(3000)]),
      400,
      /dependency order/,
    ],
    [
      "a line that is not JSON",
      (l) => `${plain(l.slice(0, 3000))}{"t":"responses",\n${plain(l.slice(3000))}`,
      400,
      /Line 3001: not valid JSON/,
    ],
  ];
  for (const [what, make, status, message] of cases) {
    it(`refuses ${what}; the database is as before`, { timeout: 120_000 }, async () => {
      await wipe();
      const staff = await staffUser({ admin: true, email: DEMO_ADMIN });
      await ensureBuiltInInstruments(env.DB);
      const was = await dump();
      const body = make(first.lines);
      const res = await restore(devAdmin(), body, {
        "content-type": typeof body === "string" ? "application/x-ndjson" : "application/gzip",
      });
      const err = ((await res.json()) as { error: { message: string } }).error;
      expect(res.status, err.message).toBe(status);
      expect(err.message).toMatch(message);
      expect(await studyRowCount()).toBe(0);
      const now = await dump();
      for (const t of ARCHIVE_TABLES) if (t !== "audit_log") expect(now[t], t).toEqual(was[t]);
      const audit = now.audit_log!.slice(was.audit_log!.length).map((r) => r.action);
      expect(audit).toEqual(
        audit[0] === "archive.restore.refused"
          ? ["archive.restore.refused"]
          : ["archive.restore.begin", "archive.restore.failed"],
      );
      void staff;
    });
  }

  it("refuses a declared body over the maximum with 413, and stops reading a streamed one at the limit", {
    timeout: 120_000,
  }, async () => {
    await wipe();
    const res = await restore(devAdmin(), first.gz, {
      "content-type": "application/gzip",
      "content-length": String(ARCHIVE_LIMITS.bytes + 1),
    });
    expect(res.status).toBe(413);
    // the streamed count, with a small limit: stops mid-archive and undoes what was written
    const small = { ...ARCHIVE_LIMITS, bytes: Math.floor(first.gz.byteLength / 2) };
    await expect(
      restoreArchive(env.DB, new Response(first.gz).body!, { type: "token", id: "test" }, Date.now(), small),
    ).rejects.toMatchObject({ code: "payload_too_large" });
    const expanded = { ...ARCHIVE_LIMITS, expandedBytes: 200_000 };
    await expect(
      restoreArchive(env.DB, new Response(first.gz).body!, { type: "token", id: "test" }, Date.now(), expanded),
    ).rejects.toMatchObject({ code: "payload_too_large" });
    expect(await studyRowCount()).toBe(0);
    // an export of a database whose tables are mostly empty still streams to its trailer
    const empty = await download(devAdmin(), false);
    expect(empty.trailer.counts!.responses).toBe(0);
    expect(empty.trailer.end).toBe(true);
  });

  it("scheduled runs wait while a restore is writing", async () => {
    const now = Date.now();
    await db().insert(schema.auditLog).values({
      at: now,
      actorType: "token",
      actorId: "test",
      action: "archive.restore.begin",
      target: "restore:test",
    });
    await expect(runScheduled(env, now)).rejects.toMatchObject({ code: "conflict" });
    await db().insert(schema.auditLog).values({
      at: now,
      actorType: "token",
      actorId: "test",
      action: "archive.restore.failed",
      target: "restore:test",
    });
    await expect(runScheduled(env, now)).resolves.toMatchObject({ opened: 0 });
  });
});
