// Everything a youth's browser — or someone else holding her phone — can send to /q/:token.
// Each bad request gets a clear answer, and nothing of it is stored.
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { schema } from "../../worker/db";
import { form } from "../support/http";
import { db, frequentVersionIds, makeParticipant, makePilot, openOccasion, responsesOf } from "../support/study";

const url = (path: string) => `http://questionnaire.localhost${path}`;
const get = (path: string) => exports.default.fetch(url(path));
const post = (path: string, fields: Record<string, string>) => exports.default.fetch(url(path), form(fields));
const postRaw = (path: string, body: BodyInit, contentType: string) =>
  exports.default.fetch(url(path), {
    method: "POST",
    body,
    headers: { "content-type": contentType },
    redirect: "manual",
  });

async function setup() {
  const { pilot, versions } = await makePilot();
  const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
  const ids = frequentVersionIds(versions);
  const o = await openOccasion(p.id, ids);
  return { ...o, participant: p, w: ids[0]!, f: ids[1]! };
}

async function expectUntouched(occasionId: number) {
  expect(await responsesOf(occasionId)).toEqual([]);
  const [occ] = await db().select().from(schema.occasions).where(eq(schema.occasions.id, occasionId));
  expect(occ!.status).toBe("open");
}

describe("links that are not (or no longer) valid", () => {
  it("refuses a token with one character changed, without saying whether it ever existed", async () => {
    const { token, w, occasion } = await setup();
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    const res = await get(`/q/${flipped}`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Deze link werkt niet (meer)");
    expect(html).toContain('id="quick-exit"');
    expect((await post(`/q/${flipped}`, { [`v.${w}.persoonlijk`]: "7" })).status).toBe(404);
    await expectUntouched(occasion.id);
  });

  it("answers the background save's refusals in the one error envelope (found by the fuzz suite)", async () => {
    const { token, occasion } = await setup();
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const [path, body, status, code] of [
      [`/q/${flipped}/draft`, "x=1", 404, "not_found"],
      [`/q/${token}/draft`, "role=admin", 400, "validation"],
      [`/q/${token}/draft`, `x=${"y".repeat(70 * 1024)}`, 413, "payload_too_large"],
    ] as const) {
      const res = await postRaw(path, body, "application/x-www-form-urlencoded");
      expect(res.status).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(json.error).toEqual({ code, message: expect.any(String), requestId: expect.stringMatching(/./) });
    }
    await expectUntouched(occasion.id);
  });

  it("refuses malformed tokens: too short, too long, odd characters, encoded traversal", async () => {
    const { token } = await setup();
    for (const bad of [
      token.slice(1),
      `${token}A`,
      `${token.slice(0, -1)}!`,
      "..%2F..%2Fhealthz",
      "%00",
      "' OR 1=1 --",
    ]) {
      const res = await get(`/q/${bad}`);
      expect([400, 404]).toContain(res.status);
    }
  });

  it("refuses an expired link", async () => {
    const { pilot, versions } = await makePilot();
    const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const now = Date.now();
    const { path, occasion, w } = {
      ...(await openOccasion(p.id, frequentVersionIds(versions), {
        opensAt: now - 10 * 86_400_000,
        closesAt: now - 1000,
      })),
      w: versions.get("welzijn")!,
    };
    expect((await get(path)).status).toBe(404);
    expect((await post(path, { [`v.${w}.persoonlijk`]: "7" })).status).toBe(404);
    expect(await responsesOf(occasion.id)).toEqual([]);
  });

  it("refuses a revoked link", async () => {
    const { path, occasion, w } = await setup();
    await db()
      .update(schema.secureLinks)
      .set({ revokedAt: Date.now() })
      .where(eq(schema.secureLinks.occasionId, occasion.id));
    expect((await get(path)).status).toBe(404);
    expect((await post(path, { [`v.${w}.persoonlijk`]: "7" })).status).toBe(404);
    await expectUntouched(occasion.id);
  });

  it("refuses the link of a youth who withdrew", async () => {
    const { path, occasion, participant, w } = await setup();
    await db()
      .update(schema.participants)
      .set({ status: "withdrawn" })
      .where(eq(schema.participants.id, participant.id));
    expect((await get(path)).status).toBe(404);
    expect((await post(path, { [`v.${w}.persoonlijk`]: "7" })).status).toBe(404);
    await expectUntouched(occasion.id);
  });

  it("answers a missed occasion with 'already closed', not with the form", async () => {
    const { path, occasion, w } = await setup();
    await db().update(schema.occasions).set({ status: "missed" }).where(eq(schema.occasions.id, occasion.id));
    const res = await get(path);
    expect(res.status).toBe(409);
    expect(await res.text()).not.toContain('data-island="SliderField"');
    expect((await post(path, { [`v.${w}.persoonlijk`]: "7" })).status).toBe(409);
    expect(await responsesOf(occasion.id)).toEqual([]);
  });
});

describe("answers that are not valid", () => {
  it.each([
    ["above the scale", "11"],
    ["below the scale", "-1"],
    ["not a number", "abc"],
    ["exponent notation", "1e1"],
    ["hex", "0x5"],
    ["too many decimals", "5.555"],
    ["infinity", "Infinity"],
    ["a huge number", "9".repeat(400)],
  ])("refuses a slider value %s (%s) and keeps the whole form unsaved", async (_, value) => {
    const { path, occasion, w } = await setup();
    const res = await post(path, { [`v.${w}.persoonlijk`]: "7", [`v.${w}.gezin`]: value });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Kies een waarde van 0 tot 10");
    expect(html).toContain('data-island="SliderField"'); // the form comes back, with the valid answer kept
    expect(html).toContain(`name="v.${w}.persoonlijk" value="7" checked`);
    await expectUntouched(occasion.id);
  });

  it(
    "refuses fields that were not asked: unknown names, " + "another instrument version, N/A on an item without it",
    async () => {
      const { path, occasion, w, f } = await setup();
      for (const fields of [
        { [`v.${w}.persoonlijk`]: "7", role: "admin" },
        { [`v.${w}.persoonlijk`]: "7", "v.999999.persoonlijk": "3" },
        { [`v.${w}.persoonlijk`]: "7", [`na.${f}.school_werk`]: "1" },
        { [`v.${w}.persoonlijk`]: "7", [`na.${w}.partner`]: "yes" },
      ]) {
        expect((await post(path, fields)).status).toBe(400);
      }
      await expectUntouched(occasion.id);
    },
  );

  it("refuses a repeated field (an array where one value belongs)", async () => {
    const { path, occasion, w } = await setup();
    const body = new URLSearchParams([
      [`v.${w}.persoonlijk`, "7"],
      [`v.${w}.persoonlijk`, "2"],
    ]);
    const res = await postRaw(path, body, "application/x-www-form-urlencoded");
    expect(res.status).toBe(400);
    await expectUntouched(occasion.id);
  });

  it("refuses a file upload in place of an answer", async () => {
    const { path, occasion, w } = await setup();
    const fd = new FormData();
    fd.append(`v.${w}.persoonlijk`, new File(["7"], "x.txt", { type: "text/plain" }));
    const res = await exports.default.fetch(url(path), { method: "POST", body: fd, redirect: "manual" });
    expect(res.status).toBe(400);
    await expectUntouched(occasion.id);
  });

  it("refuses an empty form and a JSON body with a clear message", async () => {
    const { path, occasion, w } = await setup();
    const empty = await post(path, {});
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Vul minstens één vraag in");
    const json = await postRaw(path, JSON.stringify({ [`v.${w}.persoonlijk`]: 7 }), "application/json");
    expect(json.status).toBe(400);
    await expectUntouched(occasion.id);
  });

  it("refuses a comment longer than 500 characters", async () => {
    const { path, occasion, w } = await setup();
    const res = await post(path, { [`v.${w}.persoonlijk`]: "7", [`c.${w}.persoonlijk`]: "x".repeat(501) });
    expect(res.status).toBe(400);
    await expectUntouched(occasion.id);
  });

  it("answers an oversized body with 413 and stores nothing", async () => {
    const { path, occasion, w } = await setup();
    const res = await post(path, { [`v.${w}.persoonlijk`]: "7", [`c.${w}.persoonlijk`]: "x".repeat(200_000) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('id="quick-exit"');
    await expectUntouched(occasion.id);
  });
});

describe("script and markup in free text", () => {
  it("never renders a comment as markup when the form comes back, and stores it verbatim", async () => {
    const { path, occasion, w } = await setup();
    const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
    const bad = await post(path, { [`v.${w}.persoonlijk`]: "99", [`c.${w}.persoonlijk`]: evil });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script>alert(1)&lt;/script>");

    const ok = await post(path, { [`v.${w}.persoonlijk`]: "7", [`c.${w}.persoonlijk`]: evil });
    expect(ok.status).toBe(303);
    const [row] = await responsesOf(occasion.id);
    expect(row!.comment).toBe(evil);
  });
});

describe("repeated and concurrent submits", () => {
  it("keeps exactly one of ten simultaneous submits; the others hear 'already filled in'", async () => {
    const { path, occasion, w } = await setup();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(path, { [`v.${w}.persoonlijk`]: String(i), [`v.${w}.gezin`]: String(10 - i) }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const rows = await responsesOf(occasion.id);
    expect(rows).toHaveLength(2); // one submit's two answers, never a mix
    const byItem = Object.fromEntries(rows.map((r) => [r.itemKey, r.value!]));
    expect(byItem.persoonlijk! + byItem.gezin!).toBe(10);
  });

  it("refuses a second submit after the first one and keeps the first answers", async () => {
    const { path, occasion, w } = await setup();
    expect((await post(path, { [`v.${w}.persoonlijk`]: "7" })).status).toBe(303);
    expect((await post(path, { [`v.${w}.persoonlijk`]: "1" })).status).toBe(409);
    const rows = await responsesOf(occasion.id);
    expect(rows.map((r) => r.value)).toEqual([7]);
  });
});
