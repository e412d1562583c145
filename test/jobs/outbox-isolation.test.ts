// Issue 12, item 1 (outbox isolation): one row that cannot be decrypted, built or recorded does not stop
// its neighbours; the run always finishes its record and its recompute; the attempt limit holds for
// requeued stale claims; a late finish never overwrites a row that has moved on; repeated failures of one
// kind show as a warning on the researcher's reminders page and as one log line.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../worker/env";
import { runScheduled } from "../../worker/jobs/scheduled";
import { encryptContact } from "../../worker/lib/contact-keys";
import { encryptText } from "../../worker/lib/crypto";
import type { MailTransport, OutgoingMail } from "../../worker/mail/transport";
import {
  deliverOutbox,
  FAILURE_WARNING_THRESHOLD,
  repeatedFailures,
  resolveStaleClaims,
  STALE_CLAIM_MS,
} from "../../worker/reminders/outbox";
import { localDate } from "../../worker/schedule/schedule";
import { call } from "../support/http";
import { outboxRow, queueMessage, sinkFor, uniqueDomain } from "../support/mail";
import { sessionFor, staffUser } from "../support/staff";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

/** The HTTP mail API of the sink (idempotent transport), as test/mail/transport.test.ts switches to it. */
const httpEnv = (sink: ReturnType<typeof sinkFor>, over: Partial<Record<keyof Env, unknown>> = {}) =>
  ({ ...env, MAIL_TRANSPORT: "http", MAIL_API_URL: sink.apiUrl, MAIL_API_KEY: "api-key-isolation", ...over }) as Env;

/** A ciphertext made with another key (as after a CONTACT_KEY change): well-formed, but it does not decrypt. */
async function corruptAddress(participantId: number, address: string) {
  const otherKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const enc = await encryptText(otherKey, address, `participant:${participantId}:email`);
  await env.DB.prepare("UPDATE participant_contacts SET email_enc = ? WHERE participant_id = ?")
    .bind(enc, participantId)
    .run();
}

const outboxOf = async (pilotId: number) =>
  (
    await env.DB.prepare(
      "SELECT o.id, o.participant_id, o.status, o.attempts, o.last_error, " +
        "o.claim_id FROM outbox o WHERE o.pilot_id = ? ORDER BY o.id",
    )
      .bind(pilotId)
      .all<{
        id: number;
        participant_id: number;
        status: string;
        attempts: number;
        last_error: string | null;
        claim_id: string | null;
      }>()
  ).results;

describe("outbox isolation", () => {
  it(
    "a queued row whose address cannot be decrypted fails alone (HTTP " +
      "transport): its neighbours are sent and the run records its recompute",
    async () => {
      const now = Date.now();
      const sink = sinkFor(uniqueDomain("iso-dec"));
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const today = localDate(now, "Europe/Amsterdam");
      const youths: { id: number }[] = [];
      for (const n of ["a", "b", "c", "d"])
        youths.push(await makeParticipant(pilot.id, { start: today, email: sink.address(n) }));
      // The second youth's address was stored under another key; the rows after it must still go out.
      await corruptAddress(youths[1]!.id, sink.address("b"));
      // Something for the run's recompute to do.
      await env.DB.prepare(
        "INSERT INTO recompute_queue (participant_id, requested_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
      )
        .bind(youths[3]!.id, now)
        .run();

      const summary = await runScheduled(httpEnv(sink), now);

      const rows = await outboxOf(pilot.id);
      expect(rows).toHaveLength(4);
      const bad = rows.find((r) => r.participant_id === youths[1]!.id)!;
      expect(bad).toMatchObject({ status: "failed" });
      expect(bad.last_error).toMatch(/^undecryptable_address/);
      expect(rows.filter((r) => r.id !== bad.id).map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
      const { messages } = await sink.apiMessages();
      expect(messages.map((m) => m.to[0]).sort()).toEqual([sink.address("a"), sink.address("c"), sink.address("d")]);
      expect(summary).toMatchObject({ sentInline: 3, failedInline: 1 });
      expect(summary.recomputed).toBeGreaterThanOrEqual(1);
      // The run record is finished with its counts, and the recompute queue is drained.
      const run = (await env.DB.prepare("SELECT finished_at, counts FROM reminder_runs WHERE id = ?")
        .bind(summary.runId)
        .first<{ finished_at: number | null; counts: string }>())!;
      expect(run.finished_at).not.toBeNull();
      expect(JSON.parse(run.counts)).toMatchObject({ sentInline: 3, failedInline: 1, recomputed: summary.recomputed });
      expect(
        await env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue WHERE participant_id = ?")
          .bind(youths[3]!.id)
          .first<number>("n"),
      ).toBe(0);

      // A next run neither resends the good ones nor retries the undecryptable one.
      await runScheduled(httpEnv(sink), now + 60_000);
      expect((await sink.apiMessages()).messages).toHaveLength(3);
      expect((await outboxOf(pilot.id)).find((r) => r.id === bad.id)).toMatchObject({ status: "failed", attempts: 1 });
    },
  );

  afterEach(() => vi.restoreAllMocks());

  it(
    "a message that cannot be built (an address that would break the headers " +
      "open) fails alone as build_failed, before anything is handed over",
    async () => {
      const sink = sinkFor(uniqueDomain("iso-build"));
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const ids: number[] = [];
      const youths: { id: number }[] = [];
      for (const n of ["a", "b", "c"]) {
        const y = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address(n) });
        youths.push(y);
        ids.push((await queueMessage(pilot.id, y.id)).id);
      }
      // Decrypts fine, but is no address: it would smuggle a Bcc header into the message.
      const enc = await encryptContact(
        env,
        `${sink.address("b")}\r\nBcc: someone@${sink.domain}`,
        `participant:${youths[1]!.id}:email`,
      );
      await env.DB.prepare("UPDATE participant_contacts SET email_enc = ? WHERE participant_id = ?")
        .bind(enc, youths[1]!.id)
        .run();
      const e = httpEnv(sink);
      expect(await deliverOutbox(e, ids, () => Date.now())).toMatchObject({ sent: 2, failed: 1 });
      const bad = await env.DB.prepare("SELECT status, last_error, send_started_at FROM outbox WHERE id = ?")
        .bind(ids[1])
        .first<{ status: string; last_error: string; send_started_at: number | null }>();
      expect(bad).toMatchObject({ status: "failed", send_started_at: null });
      expect(bad!.last_error).toMatch(/^build_failed: recipient is not one plain e-mail address$/);
      expect(bad!.last_error).not.toContain(sink.domain);
      expect((await sink.apiMessages()).messages.map((m) => m.to[0]).sort()).toEqual([
        sink.address("a"),
        sink.address("c"),
      ]);
    },
  );

  it(
    "a D1 write that fails on one row's record leaves its neighbours " +
      "delivered, and the row is resolved later without a second copy",
    async () => {
      const sink = sinkFor(uniqueDomain("iso-d1"));
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const ids: number[] = [];
      for (const n of ["a", "b", "c"])
        ids.push(
          (
            await queueMessage(
              pilot.id,
              (
                await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address(n) })
              ).id,
            )
          ).id,
        );
      const victim = ids[1]!;
      // The real D1 underneath; only the statement that records this one row's outcome throws.
      const failing = withFailingStatement(
        env.DB,
        (sql, args) => /^UPDATE outbox SET status = \?1/.test(sql.trim()) && args[6] === JSON.stringify([victim]),
      );
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      const t = Date.now();
      expect(await deliverOutbox(httpEnv(sink, { DB: failing }), ids, () => t)).toMatchObject({ sent: 2, unknown: 1 });
      expect((await outboxRow(ids[0]!)).status).toBe("sent");
      expect((await outboxRow(ids[2]!)).status).toBe("sent");
      // The API took it, but the outbox could not say so: still `sending`, its send marked as started.
      expect(await outboxRow(victim)).toMatchObject({ status: "sending", send_started_at: t });
      const line = logged.mock.calls.map((c) => String(c[0])).find((l) => l.includes("outbox_record_failed"))!;
      expect(JSON.parse(line)).toMatchObject({ event: "outbox_record_failed", outboxId: victim });
      expect(line).not.toContain(sink.domain);
      // Later (D1 healthy again): the stale-claim cleanup requeues it (HTTP: idempotent) and the next delivery
      // resends under the same Idempotency-Key, which the API recognises: one copy, row sent.
      expect(await resolveStaleClaims(httpEnv(sink), t + STALE_CLAIM_MS + 1)).toBeGreaterThanOrEqual(1);
      expect(await outboxRow(victim)).toMatchObject({ status: "queued", last_error: "outcome_unknown" });
      expect(await deliverOutbox(httpEnv(sink), [victim], () => t + STALE_CLAIM_MS + 2)).toMatchObject({ sent: 1 });
      expect(await outboxRow(victim)).toMatchObject({ status: "sent", attempts: 2 });
      const { messages } = await sink.apiMessages();
      expect(messages.map((m) => m.to[0]).sort()).toEqual([sink.address("a"), sink.address("b"), sink.address("c")]);
    },
  );

  it(
    "the attempt limit holds for requeued stale claims: a row " +
      "whose send keeps dying is not requeued past MAIL_MAX_ATTEMPTS",
    async () => {
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
      const { id } = await queueMessage(pilot.id, youth.id);
      const e = { ...env, MAIL_TRANSPORT: "http", MAIL_API_URL: "http://127.0.0.1:9", MAIL_MAX_ATTEMPTS: "3" } as Env;
      let t = Date.now();
      // Each round: claimed (attempts + 1), the send starts, the Worker dies; ten minutes later the cleanup runs.
      const dies: MailTransport = {
        name: "http",
        idempotent: true,
        close: async () => {},
        send: () => new Promise<never>(() => {}),
      };
      for (let round = 1; round <= 3; round++) {
        void deliverOutbox(e, [id], () => t, { transport: dies });
        await vi.waitFor(async () =>
          expect(await outboxRow(id)).toMatchObject({ status: "sending", attempts: round, send_started_at: t }),
        );
        t += STALE_CLAIM_MS + 1;
        await resolveStaleClaims(e, t);
      }
      // Two requeues, then the limit: failed with the reason, never claimed again.
      expect(await outboxRow(id)).toMatchObject({
        status: "failed",
        attempts: 3,
        last_error: "outcome_unknown: max_attempts",
      });
      expect(await deliverOutbox(e, [id], () => t + 86_400_000, { transport: dies })).toMatchObject({ skipped: 1 });
      // A row that comes back queued past the limit some other way (an older version's requeue) fails at its claim.
      await env.DB.prepare("UPDATE outbox SET status = 'queued', attempts = 3, next_attempt_at = ? WHERE id = ?")
        .bind(t, id)
        .run();
      expect(await deliverOutbox(e, [id], () => t, { transport: dies })).toMatchObject({ failed: 1 });
      expect(await outboxRow(id)).toMatchObject({ status: "failed", attempts: 3, last_error: "max_attempts" });
    },
  );

  it(
    "a run whose delivery (or recompute) fails as a whole still " +
      "finishes its record; the rows stay queued for the next run",
    async () => {
      const now = Date.now();
      const sink = sinkFor(uniqueDomain("iso-whole"));
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      await makeParticipant(pilot.id, { start: localDate(now, "Europe/Amsterdam"), email: sink.address("a") });
      // Outside dev mode the HTTP transport refuses an http:// API before anything is claimed.
      const refusing = httpEnv(sink, { DEV_MODE: undefined, PUBLIC_URL: "https://vragenlijst.example.org" });
      // ... and the recompute's first read fails as well.
      const failing = withFailingStatement(env.DB, (sql) =>
        /FROM recompute_queue\b[\s\S]*ORDER BY requested_at/.test(sql),
      );
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      const summary = await runScheduled({ ...refusing, DB: failing }, now, {
        type: "api",
        by: "test",
        pilotId: pilot.id,
      });
      expect(summary).toMatchObject({ enqueued: 1, due: 1, sentInline: 0, recomputed: 0 });
      const events = logged.mock.calls.map((c) => JSON.parse(String(c[0])).event);
      expect(events).toEqual(expect.arrayContaining(["delivery_failed", "recompute_failed"]));
      const run = (await env.DB.prepare("SELECT finished_at FROM reminder_runs WHERE id = ?")
        .bind(summary.runId)
        .first<{ finished_at: number | null }>())!;
      expect(run.finished_at).not.toBeNull();
      expect((await outboxOf(pilot.id)).map((r) => [r.status, r.attempts])).toEqual([["queued", 0]]);
      // Configuration fixed: the next run sends it.
      expect(
        await runScheduled(httpEnv(sink), now + 60_000, { type: "api", by: "test", pilotId: pilot.id }),
      ).toMatchObject({ sentInline: 1 });
    },
  );

  it("a late finish never overwrites a row that has moved on", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { id } = await queueMessage(pilot.id, youth.id);
    let release!: () => void;
    const slow: MailTransport = {
      name: "smtp",
      idempotent: false,
      close: async () => {},
      send: (_m: OutgoingMail) => new Promise((r) => (release = () => r({ accepted: true }))),
    };
    const t = Date.now();
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    const delivery = deliverOutbox(env, [id], () => t, { transport: slow });
    await vi.waitFor(async () => expect(await outboxRow(id)).toMatchObject({ status: "sending", send_started_at: t }));
    // The send hangs past the stale-claim timeout: the cleanup settles the row (SMTP: outcome unknown).
    await resolveStaleClaims(env, t + STALE_CLAIM_MS + 1);
    expect(await outboxRow(id)).toMatchObject({ status: "failed", last_error: "outcome_unknown" });
    release();
    await delivery;
    // The old claim's "sent" does not overwrite what the cleanup decided (and a researcher may act on).
    expect(await outboxRow(id)).toMatchObject({ status: "failed", last_error: "outcome_unknown", sent_at: null });
    expect(warned.mock.calls.some((c) => String(c[0]).includes('"outbox_late_finish"'))).toBe(true);
  });

  it(
    `repeated failures of one kind (${FAILURE_WARNING_THRESHOLD} in a day) show ` +
      `as a warning on the reminders page and as one log line, without addresses`,
    async () => {
      const now = Date.now();
      const sink = sinkFor(uniqueDomain("iso-warn"));
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const today = localDate(now, "Europe/Amsterdam");
      const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const page = async () => (await call(researcher, "GET", `/staff/pilots/${pilot.key}/reminders`)).text();
      const run = async (at: number) => {
        const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
        await runScheduled(httpEnv(sink), at, { type: "api", by: "test", pilotId: pilot.id });
        const lines = warned.mock.calls
          .map((c) => String(c[0]))
          .filter((l) => l.includes('"outbox_repeated_failures"'));
        warned.mockRestore();
        return lines;
      };
      const addYouth = async (n: string, corrupt: boolean) => {
        const y = await makeParticipant(pilot.id, { start: today, email: sink.address(n) });
        if (corrupt) await corruptAddress(y.id, sink.address(n));
      };
      await addYouth("ok", false);
      for (let i = 1; i < FAILURE_WARNING_THRESHOLD; i++) await addYouth(`bad${i}`, true);
      // Below the threshold: the failures are in the outbox, but no warning.
      expect(await run(now)).toEqual([]);
      expect(await page()).not.toContain('id="failure-warnings"');
      await addYouth("badlast", true);
      const lines = await run(now + 60_000);
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        {
          event: "outbox_repeated_failures",
          pilotId: pilot.id,
          reason: "undecryptable_address",
          count: FAILURE_WARNING_THRESHOLD,
          windowHours: 24,
        },
      ]);
      expect(lines.join("")).not.toContain(sink.domain);
      const html = await page();
      expect(html).toMatch(/<div class="error" id="failure-warnings" role="alert">/);
      expect(html).toContain(`data-reason="undecryptable_address" data-count="${FAILURE_WARNING_THRESHOLD}"`);
      expect(html).toContain("Let op: berichten mislukken steeds om dezelfde reden");
      expect(html).toContain(
        `${FAILURE_WARNING_THRESHOLD} berichten in de afgelopen 24 uur: e-mailadres is niet leesbaar`,
      );
      expect(html).not.toContain(sink.domain);
      expect(await repeatedFailures(env.DB, now + 60_000, pilot.id)).toEqual([
        { pilotId: pilot.id, reason: "undecryptable_address", count: FAILURE_WARNING_THRESHOLD, lastAt: now + 60_000 },
      ]);
      // A day later the warning is gone (the failed rows stay in the outbox for a retry).
      expect(await repeatedFailures(env.DB, now + 60_000 + 25 * 3_600_000, pilot.id)).toEqual([]);
    },
  );
});

/**
 * The real D1 binding, except that statements matching `fails` throw when run (as a D1 error would):
 * prepare/bind are wrapped, batch and everything else pass through.
 */
function withFailingStatement(d1: D1Database, fails: (sql: string, args: unknown[]) => boolean): D1Database {
  const wrap = (stmt: D1PreparedStatement, sql: string, args: unknown[]): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...a: unknown[]) => wrap(target.bind(...a), sql, a);
        if ((prop === "run" || prop === "all" || prop === "first" || prop === "raw") && fails(sql, args)) {
          return () => Promise.reject(new Error("D1_ERROR: injected failure"));
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql, []);
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
