import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb, schema } from "../../worker/db";
import { runScheduled } from "../../worker/jobs/scheduled";
import { localDate, addDays } from "../../worker/schedule/schedule";
import { getContact } from "../../worker/studies/contacts";
import { call } from "../support/http";
import { smtpSink, mailTo } from "../support/mail";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { addHistory, ALWAYS_SEND, frequentVersionIds, makePilot, openOccasion, uniqueKey } from "../support/study";

const db = () => getDb(env.DB);
const today = () => localDate(Date.now(), "Europe/Amsterdam");

async function setup(settings: Record<string, unknown> = {}) {
  const { pilot, versions } = await makePilot({ settings });
  const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
  const researcher = await sessionFor(user.id, "researcher");
  return { pilot, versions, user, researcher };
}

const enrolBody = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  pilotStartDate: today(),
  consent: { by: "self", date: today(), selfAge16Plus: true },
  email: `${code.toLowerCase()}@youth.example`,
  mentorEmail: `mentor.${code.toLowerCase()}@example.test`,
  ...extra,
});

afterEach(() => vi.restoreAllMocks());

describe("participants API", () => {
  it(
    "enrols a youth, records consent and who recorded it, " + "and creates her schedule with today's occasion open",
    async () => {
      const { pilot, user, researcher } = await setup({ waveInstruments: ["gcir"] });
      const code = uniqueKey("Y-");
      const res = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, enrolBody(code));
      expect(res.status).toBe(201);
      const body = (await res.json()) as {
        participant: { code: string; consent: { by: string; recordedBy: number } };
        schedule: { kind: string; wave: string | null; seq: number; dueDate: string; state: string }[];
      };
      expect(body.participant.consent).toMatchObject({ by: "self", recordedBy: user.id });
      // T1 and the first frequent occasion are due today and opened; later ones are planned
      expect(
        body.schedule
          .filter((o) => o.state === "open")
          .map((o) => `${o.kind}:${o.wave ?? o.seq}`)
          .sort(),
      ).toEqual(["frequent:1", "wave:T1"]);
      expect(body.schedule.some((o) => o.kind === "wave" && o.wave === "T2" && o.state === "planned")).toBe(true);
      expect(body.schedule.filter((o) => o.kind === "frequent").length).toBeGreaterThan(20);
      const [p] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
      const occ = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, p!.id));
      expect(occ).toHaveLength(2);
      const audits = await db().select().from(schema.auditLog).where(eq(schema.auditLog.target, code));
      expect(audits.map((a) => a.action)).toContain("participant.enrol");
    },
  );

  it(
    "rejects duplicates, guardian-less minors, out-of-range " + "dates, bad e-mail and unknown fields, storing nothing",
    async () => {
      const { pilot, researcher } = await setup();
      const code = uniqueKey("Y-");
      expect((await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, enrolBody(code))).status).toBe(
        201,
      );
      const dup = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, enrolBody(code));
      expect(dup.status).toBe(409);
      const bad = [
        enrolBody(uniqueKey("A-"), { consent: { by: "self", date: today() } }), // self consent without 16+
        enrolBody(uniqueKey("B-"), { pilotStartDate: addDays(today(), 400) }),
        enrolBody(uniqueKey("C-"), { pilotStartDate: addDays(today(), -800) }),
        enrolBody(uniqueKey("D-"), { pilotStartDate: "2026-02-30" }),
        enrolBody(uniqueKey("E-"), { consent: { by: "guardian", date: addDays(today(), 3) } }),
        enrolBody(uniqueKey("F-"), { email: "not an address" }),
        enrolBody(uniqueKey("G-"), { name: "Anna" }),
        enrolBody("=cmd|' /C calc'!A0"),
        enrolBody("<script>alert(1)</script>"),
        { ...enrolBody(uniqueKey("H-")), code: 12345 },
      ];
      for (const b of bad) {
        const r = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, b);
        expect(r.status, JSON.stringify(b)).toBe(400);
        const e = (await r.json()) as { error: { code: string } };
        expect(e.error.code).toBe("validation");
      }
      const rows = await db().select().from(schema.participants).where(eq(schema.participants.pilotId, pilot.id));
      expect(rows.map((r) => r.code)).toEqual([code]);
      expect(
        (
          await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, "{not json", {
            headers: { "content-type": "application/json" },
          })
        ).status,
      ).toBe(400);
      const huge = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, {
        ...enrolBody(uniqueKey("I-")),
        pad: "x".repeat(70_000),
      });
      expect(huge.status).toBe(413);
    },
  );

  it("keeps contact data encrypted at rest and out of logs while sending", async () => {
    const { pilot, researcher } = await setup({ ...ALWAYS_SEND });
    const code = uniqueKey("Y-");
    const email = `${code.toLowerCase()}@youth.example`;
    const lines: string[] = [];
    for (const m of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
    expect((await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, enrolBody(code))).status).toBe(
      201,
    );
    await runScheduled(env, Date.now());
    const [mail] = await mailTo(email);
    expect(mail).toBeDefined();
    // raw rows of every table: the address appears nowhere in plaintext
    const tables = (
      await env.DB.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT " +
          "LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
      ).all<{ name: string }>()
    ).results;
    for (const { name } of tables) {
      const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
      expect(dump, name).not.toContain(email);
      expect(dump, name).not.toContain(`mentor.${code.toLowerCase()}`);
    }
    expect(lines.join("\n")).not.toContain(email);
    expect(lines.join("\n")).not.toContain(code.toLowerCase() + "@");
    // ... and the API never returns it
    const detail = await (await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/participants/${code}`)).text();
    expect(detail).not.toContain(email);
    expect(detail).toContain('"hasEmail":true');
  });

  it(
    "withdrawal stops contact at once: contact erased, links " + "revoked, queued mail cancelled, occasions cancelled",
    async () => {
      const { pilot, versions, researcher } = await setup({ ...ALWAYS_SEND });
      const code = uniqueKey("Y-");
      await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants`, enrolBody(code));
      const [p] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
      const extra = await openOccasion(p!.id, frequentVersionIds(versions), { seq: 99 });
      await db()
        .insert(schema.outbox)
        .values({
          key: `${extra.occasion.id}:reminder:1`,
          occasionId: extra.occasion.id,
          participantId: p!.id,
          pilotId: pilot.id,
          kind: "reminder",
          seq: 1,
          nextAttemptAt: Date.now(),
        });
      const res = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants/${code}/withdraw`);
      expect(res.status).toBe(200);
      expect(await getContact(env.DB, env, p!.id)).toEqual({ email: null, mentorEmail: null });
      expect(
        await db().select().from(schema.participantContacts).where(eq(schema.participantContacts.participantId, p!.id)),
      ).toHaveLength(0);
      const occ = await db().select().from(schema.occasions).where(eq(schema.occasions.participantId, p!.id));
      expect(occ.every((o) => o.status === "cancelled")).toBe(true);
      const out = await db().select().from(schema.outbox).where(eq(schema.outbox.participantId, p!.id));
      expect(out.every((o) => o.status === "cancelled" || o.status === "sent")).toBe(true);
      expect((await call(null, "GET", extra.path)).status).not.toBe(200);
      await smtpSink.clear();
      await runScheduled(env, Date.now() + 5 * 86_400_000);
      const msgs = (await smtpSink.messages()).messages.filter((m) => m.to.some((t) => t.includes(code.toLowerCase())));
      expect(msgs).toHaveLength(0);
      expect((await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants/${code}/withdraw`)).status).toBe(
        409,
      );
      expect(
        (await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${code}`, { status: "active" }))
          .status,
      ).toBe(409);
      const [audit] = await db()
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.action, "participant.withdraw"));
      expect(audit).toBeDefined();
    },
  );

  it("erases a youth's answers only on an explicit, confirmed and audited request", async () => {
    const { pilot, versions, researcher } = await setup();
    const code = uniqueKey("Y-");
    // a start date ahead of today: no occasion is opened, so the history below owns seq 1 and 2
    await call(
      researcher,
      "POST",
      `/api/v1/pilots/${pilot.key}/participants`,
      enrolBody(code, { pilotStartDate: addDays(today(), 30) }),
    );
    const [p] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
    await addHistory(p!.id, versions, p!.pilotStartDate, [5, 6]);
    const wrong = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants/${code}/erase-answers`, {
      confirmCode: "OTHER-1",
    });
    expect(wrong.status).toBe(400);
    expect((await db().select().from(schema.responses).where(eq(schema.responses.participantId, p!.id))).length).toBe(
      16,
    );
    const ok = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/participants/${code}/erase-answers`, {
      confirmCode: code,
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { erasedResponses: number }).erasedResponses).toBe(16);
    expect(await db().select().from(schema.responses).where(eq(schema.responses.participantId, p!.id))).toHaveLength(0);
    const audits = await db()
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, "participant.erase_answers"));
    expect(audits.some((a) => a.target === code && (a.details as { responses: number }).responses === 16)).toBe(true);
  });

  it("updates status and left-care date; refuses withdrawn via PATCH and dates out of range", async () => {
    const { pilot, researcher } = await setup();
    const code = uniqueKey("Y-");
    await call(
      researcher,
      "POST",
      `/api/v1/pilots/${pilot.key}/participants`,
      enrolBody(code, {
        pilotStartDate: addDays(today(), -30),
        consent: { by: "guardian", date: addDays(today(), -30) },
      }),
    );
    const r = await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${code}`, {
      status: "left_care",
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { participant: { status: string; leftCareAt: string } }).participant).toMatchObject({
      status: "left_care",
      leftCareAt: today(),
    });
    expect(
      (await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${code}`, { status: "withdrawn" }))
        .status,
    ).toBe(400);
    expect(
      (
        await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${code}`, {
          leftCareAt: addDays(today(), -60),
        })
      ).status,
    ).toBe(400);
    expect((await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${code}`, {})).status).toBe(400);
    // changing one address keeps the other, both encrypted
    const [row] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
    expect(
      (
        await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${code}`, {
          mentorEmail: "Nieuwe.Mentor@Example.test",
        })
      ).status,
    ).toBe(200);
    expect(await getContact(env.DB, env, row!.id)).toEqual({
      email: `${code.toLowerCase()}@youth.example`,
      mentorEmail: "nieuwe.mentor@example.test",
    });
    expect(
      (await call(researcher, "PATCH", `/api/v1/pilots/${pilot.key}/participants/${code}`, { email: null })).status,
    ).toBe(200);
    expect(await getContact(env.DB, env, row!.id)).toEqual({ email: null, mentorEmail: "nieuwe.mentor@example.test" });
    const list = (await (
      await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/participants?status=left_care`)
    ).json()) as { participants: { code: string }[] };
    expect(list.participants.map((p) => p.code)).toEqual([code]);
    expect((await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/participants?status=bogus`)).status).toBe(400);
  });

  it("never finds a youth of another pilot through this pilot's URL", async () => {
    const a = await setup();
    const b = await setup();
    const code = uniqueKey("Y-");
    expect(
      (await call(b.researcher, "POST", `/api/v1/pilots/${b.pilot.key}/participants`, enrolBody(code))).status,
    ).toBe(201);
    for (const [m, path, body] of [
      ["GET", `/participants/${code}`],
      ["PATCH", `/participants/${code}`, { status: "paused" }],
      ["POST", `/participants/${code}/withdraw`],
      ["POST", `/participants/${code}/erase-answers`, { confirmCode: code }],
      ["GET", `/participants/${code}/forms/risl`],
    ] as const) {
      const r = await call(a.researcher, m, `/api/v1/pilots/${a.pilot.key}${path}`, body);
      expect(r.status, `${m} ${path}`).toBe(404);
    }
    const [p] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
    expect(p!.status).toBe("active");
    const token = await apiToken("researcher", [a.pilot.id]);
    expect((await call(token, "GET", `/api/v1/pilots/${b.pilot.key}/participants/${code}`)).status).toBe(403);
  });
});
