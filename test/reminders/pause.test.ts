import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverOutbox } from "../../worker/reminders/outbox";
import { pauseToken, verifyPauseToken } from "../../worker/survey/pause-token";
import { BASE } from "../support/http";
import { queueMessage, sinkFor, uniqueDomain } from "../support/mail";
import { apiToken } from "../support/staff";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

const get = (path: string) => exports.default.fetch(`${BASE}${path}`);
const post = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`${BASE}${path}`, { method: "POST", ...init });
const DAY = 86_400_000;

async function pausedUntil(id: number) {
  return env.DB.prepare("SELECT reminders_paused_until AS u FROM participants WHERE id = ?")
    .bind(id)
    .first<number | null>("u");
}
async function pauseAudits(id: number) {
  return (
    await env.DB.prepare(
      "SELECT actor_type, actor_id, pilot_id, details FROM audit_log WHERE action = 'reminders_paused' AND target = ?",
    )
      .bind(`participant:${id}`)
      .all<{ actor_type: string; actor_id: string; pilot_id: number; details: string }>()
  ).results;
}

describe("the pause link", () => {
  it("asks first in Dutch, discreetly, and changes nothing on GET", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const res = await get(`/p/${await pauseToken(env, youth.id)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="nl"');
    expect(html).toContain("Twee weken geen herinneringen");
    expect(html).toMatch(/<form method="post" action="\/p\/[A-Za-z0-9_-]{59}\?lang=nl"/);
    expect(html).not.toMatch(/slachtoffer|uitbuiting|loverboy|mensenhandel|exploitation|victim|trafficking/i);
    expect(html).not.toContain(youth.code); // nothing that identifies her on the page
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-robots-tag")).toContain("noindex");
    expect(await pausedUntil(youth.id)).toBeNull();
    const en = await (await get(`/p/${await pauseToken(env, youth.id)}?lang=en`)).text();
    expect(en).toContain("No reminders for two weeks");
  });

  it("refuses a body over 1 KiB with the discreet invalid-link page and pauses nothing", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const path = `/p/${await pauseToken(env, youth.id)}`;
    for (const body of [
      "x".repeat(2048), // declared length over the limit
      new Blob(["x".repeat(2048)]).stream(), // chunked: counted while read
    ]) {
      const res = await post(path, { body, headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('<html lang="nl"');
      expect(html).not.toContain("Je krijgt twee weken geen herinneringen meer");
    }
    expect(await pausedUntil(youth.id)).toBeNull();
    expect(await pauseAudits(youth.id)).toEqual([]);
  });

  it("pauses for 14 days on POST, audited with the youth's code, and a second press changes nothing", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const path = `/p/${await pauseToken(env, youth.id)}`;
    const before = Date.now();
    const res = await post(path);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Je krijgt twee weken geen herinneringen meer");
    const until = (await pausedUntil(youth.id))!;
    expect(until).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(until).toBeLessThanOrEqual(Date.now() + 14 * DAY);

    const again = await post(path);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("al op pauze");
    expect(await pausedUntil(youth.id)).toBe(until);
    const audits = await pauseAudits(youth.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_type: "youth", actor_id: youth.code, pilot_id: pilot.id });
    expect(JSON.parse(audits[0]!.details).until).toBe(until);
    // the GET now says so instead of offering the button again
    expect(await (await get(path)).text()).toContain("al op pauze");
  });

  it("ten simultaneous presses pause once", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const path = `/p/${await pauseToken(env, youth.id)}`;
    const all = await Promise.all(Array.from({ length: 10 }, () => post(path)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(await pauseAudits(youth.id)).toHaveLength(1);
  });

  it(
    "refuses tampered, forged, unknown, withdrawn, expired " + "and old-format tokens with a clear page and no change",
    async () => {
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
      const other = await makeParticipant(pilot.id, { start: "2026-01-05" });
      const withdrawn = await makeParticipant(pilot.id, { start: "2026-01-05", status: "withdrawn" });
      const good = await pauseToken(env, youth.id);
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
      const bad = [
        flip(good, 0), // IV changed
        flip(good, 20), // ciphertext changed
        flip(good, good.length - 2), // tag changed
        // forged with another key
        await pauseToken({ ...env, LINK_SECRET: "another-secret-of-sufficient-length" }, youth.id),
        await pauseToken(env, 987_654_321), // genuine, no such youth
        await pauseToken(env, withdrawn.id), // withdrawn: no contact at all
        await pauseToken(env, youth.id, Date.now() - 1000), // expired (its occasion closed)
        `${youth.id}.${"A".repeat(43)}`, // the old <participantId>.<hmac> format
        good.slice(1),
        `${good}A`,
        encodeURIComponent(`<script>alert(1)</script>`),
      ];
      for (const token of bad) {
        const g = await get(`/p/${token}`);
        expect(g.status, token).toBe(404);
        const html = await g.text();
        expect(html).toContain("Er is niets veranderd");
        expect(html).not.toContain("<script>alert");
        expect((await post(`/p/${token}`)).status, token).toBe(404);
      }
      for (const p of [youth, other, withdrawn]) {
        expect(await pausedUntil(p.id)).toBeNull();
        expect(await pauseAudits(p.id)).toHaveLength(0);
      }
    },
  );

  it("is opaque: no participant id in the link, stable for one youth and expiry, different per youth", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const a = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const b = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const until = Date.now() + 5 * DAY;
    const ta = await pauseToken(env, a.id, until);
    expect(ta).toMatch(/^[A-Za-z0-9_-]{59}$/);
    expect(ta).not.toMatch(new RegExp(`^${a.id}\\.`)); // the old <participantId>.<hmac> format
    expect(ta).not.toContain(".");
    expect(await pauseToken(env, a.id, until)).toBe(ta);
    expect(await pauseToken(env, b.id, until)).not.toBe(ta);
    expect(await pauseToken(env, a.id, until + 1)).not.toBe(ta);
    expect(await verifyPauseToken(env, ta)).toBe(a.id);
    expect(await verifyPauseToken(env, ta, until - 1)).toBe(a.id);
    expect(await verifyPauseToken(env, ta, until)).toBeNull();
  });

  it(
    "the mailed link expires with its occasion's close and " + "works until then; previous LINK_SECRET still accepted",
    async () => {
      const domain = uniqueDomain("pauseexp");
      const sink = sinkFor(domain);
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("p.youth") });
      const now = Date.now();
      const { id, occasionId } = await queueMessage(pilot.id, youth.id, { now });
      expect(await deliverOutbox(env, [id], () => now)).toMatchObject({ sent: 1 });
      const mail = (await sink.messages()).messages[0]!;
      const token = /\/p\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
      expect(token).toMatch(/^[A-Za-z0-9_-]{59}$/);
      expect(mail.text).not.toMatch(new RegExp(`/p/${youth.id}\\.`));
      const closesAt = (await env.DB.prepare("SELECT closes_at FROM occasions WHERE id = ?")
        .bind(occasionId)
        .first<number>("closes_at"))!;
      expect(await verifyPauseToken(env, token, closesAt - 1)).toBe(youth.id);
      expect(await verifyPauseToken(env, token, closesAt)).toBeNull();
      expect((await get(`/p/${token}`)).status).toBe(200);
      // after a LINK_SECRET switch with the old one as previous, it still works (until the close)
      const rotated = {
        ...env,
        LINK_SECRET: "a-brand-new-link-secret-of-enough-length",
        LINK_SECRET_PREVIOUS: env.LINK_SECRET,
      };
      expect(await verifyPauseToken(rotated, token, closesAt - 1)).toBe(youth.id);
      expect(await verifyPauseToken(rotated, token, closesAt)).toBeNull();
      expect(await verifyPauseToken({ ...rotated, LINK_SECRET_PREVIOUS: undefined }, token, closesAt - 1)).toBeNull();
    },
  );

  it("refuses an oversized body without pausing", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const res = await post(`/p/${await pauseToken(env, youth.id)}`, {
      body: "x=".padEnd(10_000, "y"),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(404);
    expect(await pausedUntil(youth.id)).toBeNull();
  });

  it("defers her queued messages to the end of the pause instead of dropping them", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const now = Date.now();
    const occ = await env.DB.prepare(
      "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, " +
        "instrument_version_ids) VALUES (?, 'frequent', 1, '2026-01-05', ?, ?, 'open', '[]') RETURNING id",
    )
      .bind(youth.id, now - DAY, now + 20 * DAY)
      .first<number>("id");
    await env.DB.prepare(
      "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, " +
        "status, next_attempt_at) VALUES (?, ?, ?, ?, 'reminder', 1, 'queued', ?)",
    )
      .bind(`${occ}:reminder:1`, occ, youth.id, pilot.id, now)
      .run();
    await post(`/p/${await pauseToken(env, youth.id)}`);
    const row = await env.DB.prepare("SELECT status, next_attempt_at FROM outbox WHERE occasion_id = ?")
      .bind(occ)
      .first<{ status: string; next_attempt_at: number }>();
    expect(row!.status).toBe("queued");
    expect(row!.next_attempt_at).toBe(await pausedUntil(youth.id));
  });

  it("is visible to the pilot's researchers, not to coordinators or other pilots", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const { pilot: foreign } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    await post(`/p/${await pauseToken(env, youth.id)}`);
    const url = `${BASE}/api/v1/pilots/${pilot.key}/reminder-pauses`;
    const res = await exports.default.fetch(url, { headers: (await apiToken("researcher", [pilot.id])).headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pauses: { participantCode: string; until: number; activeNow: boolean }[] };
    expect(body.pauses).toEqual([
      expect.objectContaining({ participantCode: youth.code, activeNow: true, until: await pausedUntil(youth.id) }),
    ]);
    expect(
      (await exports.default.fetch(url, { headers: (await apiToken("researcher", [foreign.id])).headers })).status,
    ).toBe(403);
    expect(
      (await exports.default.fetch(url, { headers: (await apiToken("coordinator", [pilot.id])).headers })).status,
    ).toBe(403);
    expect((await exports.default.fetch(url)).status).toBe(401);
  });
});
