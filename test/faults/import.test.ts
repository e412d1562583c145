// Fault suite, a participant import (issue 12, item 7): the API's CSV commit with D1 failing at each of its
// calls. After each failed attempt: 503 with Retry-After and the error envelope (code `unavailable`), or 201;
// every row or none is stored; the researcher's retry (and the next run, which opens due questionnaires)
// ends exactly where a fault-free import does.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { runScheduled } from "../../worker/jobs/scheduled";
import { localDate } from "../../worker/schedule/schedule";
import { everyFault, expectApiUnavailable, quietLogs } from "../support/faults";
import { fetchWith } from "../support/handlers";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { makeParticipant, makePilot, uniqueKey } from "../support/study";

beforeEach(() => quietLogs());

const HEADER = "participant_code,pilot_start_date,consent_by,consent_date,email,mentor_email";
const ROWS = 4;

async function setup() {
  const { pilot } = await makePilot();
  const token = await apiToken("researcher", [pilot.id]);
  const today = localDate(Date.now(), "Europe/Amsterdam");
  const codes = Array.from({ length: ROWS }, () => uniqueKey("IM-"));
  // addresses only for half of them: contacts rows are written either way
  const csv = [
    HEADER,
    ...codes.map((c, i) => `${c},${today},self,${today},${i % 2 ? `${c.toLowerCase()}@import.test` : ""},`),
  ].join("\r\n");
  return { pilot, token, codes, csv };
}
type Fixture = Awaited<ReturnType<typeof setup>>;

const commit = (e: Parameters<typeof fetchWith>[0], f: Fixture) =>
  fetchWith(e, `/api/v1/pilots/${f.pilot.key}/imports/participants?dryRun=false`, {
    method: "POST",
    headers: { ...f.token.headers, "content-type": "text/csv" },
    body: f.csv,
  });

async function stateOf(f: Fixture) {
  const q = async (sql: string) => (await env.DB.prepare(sql).bind(f.pilot.id).first<number>("n"))!;
  return {
    participants: await q("SELECT COUNT(*) AS n FROM participants WHERE pilot_id = ?"),
    contacts: await q(
      "SELECT COUNT(*) AS n FROM participant_contacts c JOIN " +
        "participants p ON p.id = c.participant_id WHERE p.pilot_id = ?",
    ),
    addresses: await q(
      "SELECT COUNT(*) AS n FROM participant_contacts c JOIN participants p ON " +
        "p.id = c.participant_id WHERE p.pilot_id = ? AND c.email_enc IS NOT NULL",
    ),
    audits: await q("SELECT COUNT(*) AS n FROM audit_log WHERE pilot_id = ? AND action = 'import.participants'"),
    occasions: await q(
      "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON " +
        "p.id = o.participant_id WHERE p.pilot_id = ? AND o.status = 'open'",
    ),
  };
}

describe("a participant import with D1 failing at each of its calls", () => {
  it(
    "stores every row or none, answers 201 or 503 + Retry-After; " +
      "the retry (and the next run) ends as a fault-free import",
    async () => {
      // the fault-free import: what every case must end in
      const clean = await setup();
      expect((await commit(env, clean)).status).toBe(201);
      const done = await stateOf(clean);
      expect(done).toEqual({
        participants: ROWS,
        contacts: ROWS,
        addresses: ROWS / 2,
        audits: 1,
        occasions: expect.any(Number),
      });
      expect(done.occasions).toBeGreaterThanOrEqual(ROWS); // each youth's first questionnaire opens with the import
      const none = { participants: 0, contacts: 0, addresses: 0, audits: 0, occasions: 0 };

      const r = await everyFault({
        setup,
        run: (e, f) => commit(e, f),
        check: async (a) => {
          const s = await stateOf(a.fixture);
          if (a.res!.status === 201) {
            // stored; their questionnaires open now, or with the next run when D1 failed right after the commit
            expect({ ...s, occasions: done.occasions }).toEqual(done);
            expect([0, done.occasions]).toContain(s.occasions);
          } else {
            await expectApiUnavailable(a.res!);
            // all rows or none; a lost reply of the commit leaves them all (their questionnaires open with the next
            // run)
            if (s.participants === 0) expect(s).toEqual(none);
            else expect({ ...s, occasions: done.occasions }).toEqual(done);
            if (a.mode === "before") expect(s).toEqual(none);
          }
        },
        recover: async (a) => {
          const before = await stateOf(a.fixture);
          const again = await commit(env, a.fixture);
          if (before.participants === 0) expect(again.status).toBe(201);
          else {
            // Stored already (the reply was lost): the retry stores nothing twice and says why, row by row.
            expect(again.status).toBe(400);
            const body = (await again.json()) as { error: { details: { errors: { reason: string }[] } } };
            expect(body.error.details.errors).toHaveLength(ROWS);
            for (const e of body.error.details.errors) expect(e.reason).toMatch(/already exists/);
          }
          // the next run opens whatever is due and not open yet
          await runScheduled(env, Date.now(), { type: "manual", by: "fault-suite", pilotId: a.fixture.pilot.id });
          expect(await stateOf(a.fixture)).toEqual(done);
        },
      });
      console.info(
        `participant import: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`,
      );
      expect(r.ops).toBeGreaterThanOrEqual(4);
    },
  );

  it(
    "the import page (multipart, a signed-in researcher): the " +
      "result page or a 503 page with Retry-After; all rows or none",
    async () => {
      const pageSetup = async () => {
        const f = await setup();
        const session = await sessionFor(
          (await staffUser({ roles: [{ role: "researcher", pilotId: f.pilot.id }] })).id,
        );
        return { ...f, session };
      };
      const upload = (e: Parameters<typeof fetchWith>[0], f: Awaited<ReturnType<typeof pageSetup>>) => {
        const body = new FormData();
        body.set("_csrf", f.session.csrf!);
        body.set("kind", "participants");
        body.set("action", "commit");
        body.set("file", new File([f.csv], "youths.csv", { type: "text/csv" }));
        return fetchWith(e, `/staff/pilots/${f.pilot.key}/import`, {
          method: "POST",
          headers: f.session.headers,
          body,
        });
      };
      const none = { participants: 0, contacts: 0, addresses: 0, audits: 0, occasions: 0 };
      const r = await everyFault({
        setup: pageSetup,
        run: upload,
        check: async (a) => {
          const s = await stateOf(a.fixture);
          if (a.res!.status === 201) {
            expect(await a.res!.text()).toContain(`data-committed="${ROWS}"`);
            expect(s.participants).toBe(ROWS);
          } else {
            expect(a.res!.status).toBe(503);
            expect(Number(a.res!.headers.get("retry-after"))).toBeGreaterThan(0);
            const html = await a.res!.text();
            expect(html).toContain("Even niet beschikbaar");
            expect(html).not.toContain("D1_ERROR");
            expect([0, ROWS]).toContain(s.participants);
            if (a.mode === "before") expect(s).toEqual(none);
          }
          expect(s.contacts).toBe(s.participants);
          expect(s.audits).toBe(s.participants ? 1 : 0);
        },
        recover: async (a) => {
          const before = await stateOf(a.fixture);
          const again = await upload(env, a.fixture);
          expect(again.status).toBe(before.participants ? 400 : 201);
          await runScheduled(env, Date.now(), { type: "manual", by: "fault-suite", pilotId: a.fixture.pilot.id });
          const s = await stateOf(a.fixture);
          expect({ ...s, occasions: s.occasions >= ROWS }).toEqual({
            participants: ROWS,
            contacts: ROWS,
            addresses: ROWS / 2,
            audits: 1,
            occasions: true,
          });
        },
      });
      console.info(
        `import page: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`,
      );
    },
  );

  it(
    "a measurements import (API): every answer, its occasions, recompute " +
      "requests and audit row, or none; a retry stores nothing twice",
    async () => {
      const mSetup = async () => {
        const { pilot } = await makePilot();
        const token = await apiToken("researcher", [pilot.id]);
        const a = await makeParticipant(pilot.id, { start: "2026-01-05", email: null });
        const b = await makeParticipant(pilot.id, { start: "2026-01-05", email: null });
        const csv = [
          "participant_code,instrument,item,measured_at,value,comment",
          `${a.code},welzijn,persoonlijk,2026-02-02,6,`,
          `${a.code},welzijn,gezin,2026-02-02,5,thuis rustig`,
          `${a.code},welzijn,persoonlijk,2026-02-16,7,`,
          `${b.code},welzijn,persoonlijk,2026-02-02,4,`,
        ].join("\n");
        return { pilot, token, csv, ids: [a.id, b.id] };
      };
      type M = Awaited<ReturnType<typeof mSetup>>;
      const mCommit = (e: Parameters<typeof fetchWith>[0], f: M) =>
        fetchWith(e, `/api/v1/pilots/${f.pilot.key}/imports/measurements?dryRun=false`, {
          method: "POST",
          headers: { ...f.token.headers, "content-type": "text/csv" },
          body: f.csv,
        });
      const mState = async (f: M) => {
        const n = async (sql: string, ...binds: unknown[]) =>
          (await env.DB.prepare(sql)
            .bind(...binds)
            .first<number>("n"))!;
        const mine = "participant_id IN (SELECT value FROM json_each(?))";
        return {
          responses: await n(`SELECT COUNT(*) AS n FROM responses WHERE ${mine}`, JSON.stringify(f.ids)),
          occasions: await n(`SELECT COUNT(*) AS n FROM occasions WHERE ${mine}`, JSON.stringify(f.ids)),
          queued: await n(`SELECT COUNT(*) AS n FROM recompute_queue WHERE ${mine}`, JSON.stringify(f.ids)),
          audits: await n(
            "SELECT COUNT(*) AS n FROM audit_log WHERE pilot_id = ? AND action = 'import.measurements'",
            f.pilot.id,
          ),
        };
      };
      const none = { responses: 0, occasions: 0, queued: 0, audits: 0 };
      const all = { responses: 4, occasions: 3, queued: 2, audits: 1 };
      const r = await everyFault({
        setup: mSetup,
        run: mCommit,
        check: async (a) => {
          const s = await mState(a.fixture);
          if (a.res!.status === 201) expect(s).toEqual(all);
          else {
            await expectApiUnavailable(a.res!);
            expect([none, all]).toContainEqual(s);
            if (a.mode === "before") expect(s).toEqual(none);
          }
        },
        recover: async (a) => {
          const before = await mState(a.fixture);
          const again = await mCommit(env, a.fixture);
          expect(again.status).toBe(before.responses ? 400 : 201);
          expect(await mState(a.fixture)).toEqual(all);
        },
      });
      console.info(
        `measurements import: ${r.ops} D1 calls, ${r.cases} faults ` +
          `(${r.byMode.before} before, ${r.byMode.after} after)`,
      );
    },
  );
});
