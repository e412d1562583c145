// The researcher's reminder run through the API: validation and access, a dry run that writes and sends
// nothing and lists exactly what the following real run sends, run history, the outbox view and retry.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, localDate, zonedTimeToUtc } from "../../worker/schedule/schedule";
import { BASE } from "../support/http";
import { sinkFor, uniqueDomain } from "../support/mail";
import { apiToken } from "../support/staff";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

const DAY = 86_400_000;
const TZ = "Europe/Amsterdam";

/** The authorization header of a fresh API token with `role` on this one pilot. */
const tokenFor = async (pilotId: number, role: "researcher" | "coordinator" = "researcher") =>
  (await apiToken(role, [pilotId])).headers.authorization!;
const api = (path: string, auth: string | null, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}/api/v1${path}`, {
    ...init,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      "content-type": "application/json",
      ...(init.headers as Record<string, string> | undefined),
    },
  });
const run = (pilotKey: string, auth: string | null, body: unknown) =>
  api(`/pilots/${pilotKey}/reminder-runs`, auth, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const count = async (sql: string, ...args: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...args)
    .first<number>("n"))!;

/** An open frequent occasion 1 that opened `daysAgo` days ago, optionally with an invitation sent then. */
async function openWithInvitation(
  participantId: number,
  pilotId: number,
  start: string,
  invitedDaysAgo: number | null,
) {
  const opensAt = zonedTimeToUtc(start, 0, 0, TZ);
  const occ = (await env.DB.prepare(
    "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, " +
      "instrument_version_ids) VALUES (?, 'frequent', 1, ?, ?, ?, 'open', '[]') RETURNING id",
  )
    .bind(participantId, start, opensAt, zonedTimeToUtc(addDays(start, 10), 0, 0, TZ))
    .first<number>("id"))!;
  if (invitedDaysAgo !== null) {
    const at = Date.now() - invitedDaysAgo * DAY;
    await env.DB.prepare(
      "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, attempts, " +
        "next_attempt_at, sent_at, created_at) VALUES (?, ?, ?, ?, 'invitation', 1, 'sent', 1, ?, ?, ?)",
    )
      .bind(`${occ}:invitation:1`, occ, participantId, pilotId, at, at, at)
      .run();
  }
  return occ;
}

type Item = {
  participantCode: string;
  action: string;
  kind?: string;
  seq?: number;
  reason: string;
  source: string;
  occasionId: number | null;
};

describe("POST /api/v1/pilots/:pilot/reminder-runs", () => {
  it("validates the body and the caller", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const { pilot: foreign } = await makePilot({ settings: ALWAYS_SEND });
    const researcher = await tokenFor(pilot.id);
    for (const body of [
      {},
      { dryRun: "true" },
      { dryRun: 1 },
      { dryRun: null },
      { dryRun: true, extra: 1 },
      [],
      "not json",
      "null",
    ]) {
      const res = await run(pilot.key, researcher, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation");
    }
    expect((await run(pilot.key, researcher, `{"dryRun":true,"pad":"${"x".repeat(10_000)}"}`)).status).toBe(413);
    expect((await run(pilot.key, null, { dryRun: true })).status).toBe(401);
    expect((await run(pilot.key, "Bearer forged_token_that_is_long_enough", { dryRun: true })).status).toBe(401);
    expect((await run(pilot.key, await tokenFor(foreign.id), { dryRun: true })).status).toBe(403);
    expect((await run(pilot.key, await tokenFor(pilot.id, "coordinator"), { dryRun: true })).status).toBe(403);
    expect((await run("no-such-pilot", researcher, { dryRun: true })).status).toBe(403);
    expect(await count("SELECT COUNT(*) AS n FROM reminder_runs WHERE pilot_id = ?", pilot.id)).toBe(0);
    expect((await run(pilot.key, `Bearer ${env.DEV_ADMIN_TOKEN}`, { dryRun: true })).status).toBe(200);
  });

  it("a dry run sends and writes nothing, and lists exactly what the following real run sends", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("dry"));
    const today = localDate(Date.now(), TZ);
    const mk = (
      code: string,
      start: string,
      extra: Parameters<typeof makeParticipant>[1] extends infer O ? Partial<O> : never = {},
    ) => makeParticipant(pilot.id, { code, start, email: sink.address(code), ...extra });
    const codes = (prefix: string) => `${prefix}-${pilot.key}`;
    // A: due today, occasion not opened yet → the real run opens it and invites her
    await mk(codes("A"), today);
    // B: invited 4 days ago, no answer → first reminder
    const b = await mk(codes("B"), addDays(today, -4));
    await openWithInvitation(b.id, pilot.id, addDays(today, -4), 4);
    // C: withdrawn with an open occasion → skipped
    const c = await mk(codes("C"), addDays(today, -4), { status: "withdrawn" });
    await openWithInvitation(c.id, pilot.id, addDays(today, -4), 4);
    // D: paused → waits
    const d = await mk(codes("D"), addDays(today, -4));
    await openWithInvitation(d.id, pilot.id, addDays(today, -4), 4);
    await env.DB.prepare("UPDATE participants SET reminders_paused_until = ? WHERE id = ?")
      .bind(Date.now() + 3 * DAY, d.id)
      .run();
    // E: no e-mail address → skipped
    await makeParticipant(pilot.id, { code: codes("E"), start: today, email: null });
    // F: invited yesterday → not yet due
    const f = await mk(codes("F"), addDays(today, -1));
    await openWithInvitation(f.id, pilot.id, addDays(today, -1), 1);
    // G: an invitation refused earlier whose backoff has passed → retried
    const g = await mk(codes("G"), addDays(today, -2));
    const gOcc = await openWithInvitation(g.id, pilot.id, addDays(today, -2), null);
    await env.DB.prepare(
      "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, attempts, " +
        "next_attempt_at, last_error) VALUES (?, ?, ?, ?, 'invitation', 1, 'queued', 1, ?, '451 end of DATA')",
    )
      .bind(`${gOcc}:invitation:1`, gOcc, g.id, pilot.id, Date.now() - 60_000)
      .run();

    const researcher = await tokenFor(pilot.id);
    const outboxBefore = await count("SELECT COUNT(*) AS n FROM outbox WHERE pilot_id = ?", pilot.id);
    const occasionsBefore = await count(
      "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE p.pilot_id = ?",
      pilot.id,
    );
    const dry = await run(pilot.key, researcher, { dryRun: true });
    expect(dry.status).toBe(200);
    const preview = (await dry.json()) as {
      runId: number;
      dryRun: boolean;
      counts: Record<string, number>;
      items: Item[];
    };
    expect(preview.dryRun).toBe(true);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE pilot_id = ?", pilot.id)).toBe(outboxBefore);
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE p.pilot_id = ?",
        pilot.id,
      ),
    ).toBe(occasionsBefore);
    expect((await sink.messages()).messages).toHaveLength(0);

    const byCode = (code: string) => preview.items.filter((i) => i.participantCode === codes(code));
    expect(byCode("A")).toEqual([
      expect.objectContaining({
        action: "send",
        kind: "invitation",
        seq: 1,
        reason: "invitation_due",
        occasionId: null,
      }),
    ]);
    expect(byCode("B")).toEqual([
      expect.objectContaining({ action: "send", kind: "reminder", seq: 1, reason: "reminder_due" }),
    ]);
    expect(byCode("C")).toEqual([expect.objectContaining({ action: "skip", reason: "withdrawn" })]);
    expect(byCode("D")).toEqual([expect.objectContaining({ action: "wait", reason: "reminders_paused" })]);
    expect(byCode("E")).toEqual([expect.objectContaining({ action: "skip", reason: "no_email" })]);
    expect(byCode("F")).toEqual([expect.objectContaining({ action: "wait", reason: "not_yet_due" })]);
    // G's occasion: the policy sees the queued invitation (nothing new to plan); the outbox row is retried.
    expect(byCode("G")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "send", kind: "invitation", reason: "retry_due", source: "outbox" }),
      ]),
    );
    expect(JSON.stringify(preview)).not.toContain("@");
    const wouldSend = preview.items
      .filter((i) => i.action === "send")
      .map((i) => `${i.participantCode}:${i.kind}:${i.seq}`)
      .sort();
    expect(wouldSend).toHaveLength(3);
    expect(preview.counts.send).toBe(3);

    const real = await run(pilot.key, researcher, { dryRun: false });
    expect(real.status).toBe(200);
    const result = (await real.json()) as { runId: number; counts: { sentInline: number } };
    expect(result.counts.sentInline).toBe(3);
    const { messages } = await sink.messages();
    const kindOf = (subject: string) => (subject.startsWith("Herinnering") ? "reminder" : "invitation");
    const sent = messages.map((m) => `${m.to[0]!.split("@")[0]!.toUpperCase()}:${kindOf(m.subject)}:1`).sort();
    expect(sent).toEqual(
      wouldSend.map((k) => k.replace(/^([A-Z])-([^:]+)/, (_, l, key) => `${l}-${key.toUpperCase()}`)),
    );

    // Both runs are recorded with who triggered them, and audited.
    const runs = (await (await api(`/pilots/${pilot.key}/reminder-runs`, researcher)).json()) as {
      runs: { id: number; dryRun: boolean; triggeredBy: string; trigger: string; counts: Record<string, number> }[];
    };
    const mine = runs.runs.filter((r) => r.id === preview.runId || r.id === result.runId);
    expect(mine).toHaveLength(2);
    expect(mine.every((r) => r.trigger === "api" && r.triggeredBy.startsWith("token:"))).toBe(true);
    expect(mine.find((r) => r.dryRun)!.counts.send).toBe(3);
    expect(mine.find((r) => !r.dryRun)!.counts.sentInline).toBe(3);
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM audit_log WHERE pilot_id = ? AND action " +
          "IN ('reminder_run', 'reminder_run.dry') AND actor_type = 'token'",
        pilot.id,
      ),
    ).toBe(2);

    // A second real run right after sends nothing more.
    await run(pilot.key, researcher, { dryRun: false });
    expect((await sink.messages()).messages).toHaveLength(3);
  });
});

describe("the outbox view and retry", () => {
  it("lists messages by status with codes and reasons, never addresses; validates the query", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("view"));
    const today = localDate(Date.now(), TZ);
    const ok = await makeParticipant(pilot.id, { start: today, email: sink.address(`ok-${pilot.key}`) });
    const refusing = sinkFor(uniqueDomain("refuse"));
    await refusing.mode({ refuseAll: true });
    const bad = await makeParticipant(pilot.id, { start: today, email: refusing.address(`no-${pilot.key}`) });
    const researcher = await tokenFor(pilot.id);
    await run(pilot.key, researcher, { dryRun: false });

    const sent = (await (await api(`/pilots/${pilot.key}/outbox?status=sent`, researcher)).json()) as {
      counts: Record<string, number>;
      messages: { participantCode: string; status: string; reason: string | null }[];
    };
    expect(sent.messages.map((m) => m.participantCode)).toEqual([ok.code]);
    const queued = (await (
      await api(`/pilots/${pilot.key}/outbox?status=queued`, researcher)
    ).json()) as typeof sent & { messages: { attempts: number; nextAttemptAt: number }[] };
    expect(queued.messages).toEqual([
      expect.objectContaining({
        participantCode: bad.code,
        status: "queued",
        attempts: 1,
        reason: expect.stringMatching(/^451/),
      }),
    ]);
    expect(queued.messages[0]!.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(sent.counts).toMatchObject({ sent: 1, queued: 1 });
    const all = await (await api(`/pilots/${pilot.key}/outbox`, researcher)).text();
    expect(all).not.toContain("@");
    for (const q of ["status=bogus", "limit=0", "limit=501", "limit=abc", "beforeId=-1", "other=1"]) {
      expect((await api(`/pilots/${pilot.key}/outbox?${q}`, researcher)).status, q).toBe(400);
    }
    expect((await api(`/pilots/${pilot.key}/outbox`, await tokenFor(pilot.id, "coordinator"))).status).toBe(403);
    expect((await api(`/pilots/${pilot.key}/outbox`, null)).status).toBe(401);
  });

  it("retries a failed message once, audited; refuses other states, foreign ids and bad ids", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const { pilot: foreign } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("retry"));
    const today = localDate(Date.now(), TZ);
    const youth = await makeParticipant(pilot.id, { start: today, email: sink.address(`r-${pilot.key}`) });
    const occ = await openWithInvitation(youth.id, pilot.id, today, null);
    const id = (await env.DB.prepare(
      "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, attempts, next_attempt_at, " +
        "last_error) VALUES (?, ?, ?, ?, 'invitation', 1, 'failed', 1, ?, 'outcome_unknown') RETURNING id",
    )
      .bind(`${occ}:invitation:1`, occ, youth.id, pilot.id, Date.now())
      .first<number>("id"))!;
    const researcher = await tokenFor(pilot.id);
    const retry = (i: number | string, auth = researcher) =>
      api(`/pilots/${pilot.key}/outbox/${i}/retry`, auth, { method: "POST" });

    expect((await retry("abc")).status).toBe(400);
    expect((await retry("0")).status).toBe(400);
    expect((await retry("1e3")).status).toBe(400);
    expect((await retry(99_999_999)).status).toBe(404);
    expect(
      (await api(`/pilots/${foreign.key}/outbox/${id}/retry`, await tokenFor(foreign.id), { method: "POST" })).status,
    ).toBe(404);
    expect((await retry(id, await tokenFor(pilot.id, "coordinator"))).status).toBe(403);

    const results = await Promise.all([retry(id), retry(id), retry(id)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    const okBody = (await results.find((r) => r.status === 200)!.json()) as { status: string };
    expect(okBody.status).toBe("sent");
    expect((await sink.messages()).messages).toHaveLength(1);
    expect((await retry(id)).status).toBe(409);
    expect(
      await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'outbox.retry' AND target = ?", `outbox:${id}`),
    ).toBe(1);
  });
});
