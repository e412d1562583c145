// Issue 14, items 2, 3, 6 and 7: the questionnaire in pages with a server-side draft, resume, the final
// submit from the draft, the bad inputs around drafts, the neutral site root, the honest length and the
// number of D1 round trips of the youth's requests.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { BUILT_IN } from "../../schema/instruments/definitions";
import { createApp } from "../../worker/app";
import { schema } from "../../worker/db";
import { FORBIDDEN_WORDS } from "../../worker/studies/validators";
import { estimateMinutes, lengthText } from "../../core/questionnaire-length";
import { planPages } from "../../worker/survey/pages";
import { forgetLinkContexts } from "../../worker/survey/link-context";
import type { AskedInstrument } from "../../schema/instruments/definitions";
import { BASE, form } from "../support/http";
import { db, frequentVersionIds, makeParticipant, makePilot, openOccasion, responsesOf } from "../support/study";

const get = (path: string) => exports.default.fetch(`${BASE}${path}`, { redirect: "manual" });
const post = (path: string, fields: Record<string, string>) => exports.default.fetch(`${BASE}${path}`, form(fields));

const def = (key: string) => BUILT_IN.find((d) => d.key === key)!;
const asked = (...keys: string[]): AskedInstrument[] =>
  keys.map((k, i) => ({ versionId: i + 1, definition: def(k), items: def(k).items }));

async function wave() {
  const { pilot, versions } = await makePilot();
  const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
  const g = versions.get("gcir")!;
  const a = versions.get("atmq")!;
  const o = await openOccasion(p.id, [g, a]);
  return { ...o, participant: p, g, a, versions, pilot };
}

async function frequent() {
  const { pilot, versions } = await makePilot();
  const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
  const ids = frequentVersionIds(versions);
  const o = await openOccasion(p.id, ids);
  return { ...o, participant: p, w: ids[0]!, ids, pilot, versions };
}

const occasionOf = async (id: number) =>
  (await db().select().from(schema.occasions).where(eq(schema.occasions.id, id)))[0]!;
const draftOf = async (id: number) =>
  db().select().from(schema.draftAnswers).where(eq(schema.draftAnswers.occasionId, id));
const draftValue = async (id: number, item: string) =>
  (await draftOf(id)).find((r) => r.itemKey === item)?.value ?? null;
/** The render time (`edit`) a page carries, so a test can post as that window would. */
const editOf = (html: string) => /name="edit" value="(\d+)"/.exec(html)![1]!;
const ctxOf = (html: string) => /name="ctx" value="([^"]+)"/.exec(html)![1]!;
const checked = (html: string, name: string) =>
  new RegExp(`name="${name.replace(/\./g, "\\.")}" value="(\\d+)" checked`).exec(html)?.[1] ?? null;
/** GCI-R answers for items from..to (1-based), all with `value`. */
const gcir = (g: number, from: number, to: number, value = "3") =>
  Object.fromEntries(Array.from({ length: to - from + 1 }, (_, i) => [`v.${g}.item${from + i}`, value]));

describe("pages and length (pure)", () => {
  it("keeps the frequent questionnaire on one page and splits a wave into pages of at most 10 items", () => {
    expect(planPages(asked("welzijn", "functioneren", "basisbehoeften", "pilot_fier")).length).toBe(1);
    const wavePages = planPages(asked("gcir", "atmq"));
    expect(wavePages.map((p) => p.map((i) => `${i.definition.key}:${i.items.length}`).join())).toEqual([
      "gcir:10",
      "gcir:10",
      "gcir:10",
      "gcir:10",
      "atmq:6",
      "atmq:5",
    ]);
    expect(planPages(asked("gcir", "tasc")).map((p) => p[0]!.items.length)).toEqual([10, 10, 10, 10, 6, 6]);
    // every item exactly once, in order
    expect(wavePages.flatMap((p) => p.flatMap((i) => i.items.map((x) => `${i.definition.key}.${x.key}`)))).toEqual([
      ...def("gcir").items.map((x) => `gcir.${x.key}`),
      ...def("atmq").items.map((x) => `atmq.${x.key}`),
    ]);
  });

  it("states the real length: about 1 minute for the frequent questionnaire, about 10 for a wave", () => {
    const items = (...keys: string[]) => keys.flatMap((k) => def(k).items);
    expect(estimateMinutes(items("welzijn", "functioneren", "basisbehoeften", "pilot_fier"))).toBe(1);
    expect(estimateMinutes(items("gcir", "atmq"))).toBe(10);
    expect(estimateMinutes(items("gcir", "tasc"))).toBe(10);
    expect(estimateMinutes(items("atmq"))).toBe(2);
    expect(estimateMinutes([])).toBe(1);
    expect(lengthText(1, "nl")).toBe("Het invullen duurt ongeveer 1 minuut.");
    expect(lengthText(10, "nl")).toBe("Het invullen duurt ongeveer 10 minuten.");
    expect(lengthText(10, "en")).toBe("It takes about 10 minutes.");
  });
});

describe("a wave questionnaire over several pages", () => {
  it(
    "shows progress and length, keeps each page as a " + "draft, resumes where she was, goes back, and sends once",
    async () => {
      const { path, occasion, g, a } = await wave();
      const first = await get(path);
      expect(first.status).toBe(200);
      const html1 = await first.text();
      expect(html1).toContain("Stap 1 van 6");
      expect(html1).toContain("Het invullen duurt ongeveer 10 minuten.");
      expect(html1).toContain('name="v.' + g + '.item1"');
      expect(html1).not.toContain('name="v.' + g + '.item11"');
      expect(html1).toContain('id="quick-exit"');

      // Next stores page 1 as a draft and leads to page 2; nothing enters responses
      const next = await post(path, { ...gcir(g, 1, 10, "4"), page: "1", edit: editOf(html1), seq: "0", nav: "next" });
      expect(next.status).toBe(303);
      expect(next.headers.get("location")).toMatch(/[?&]p=2(&|$)/);
      expect((await occasionOf(occasion.id)).status).toBe("started");
      expect(await draftOf(occasion.id)).toHaveLength(10);
      expect(await responsesOf(occasion.id)).toEqual([]);

      // the same link later (a reload, a closed tab, another phone) resumes on page 2
      const resumed = await (await get(path)).text();
      expect(resumed).toContain("Stap 2 van 6");
      expect(resumed).not.toContain("Het invullen duurt");
      const p2 = await post(path, { ...gcir(g, 11, 20, "2"), page: "2", edit: editOf(resumed), seq: "0", nav: "back" });
      expect(p2.status).toBe(303);
      expect(p2.headers.get("location")).toMatch(/[?&]p=1(&|$)/);
      // Back shows page 1 with what she chose
      const back = await (await get(`${path}?p=1`)).text();
      expect(checked(back, `v.${g}.item1`)).toBe("4");
      expect(checked(back, `v.${g}.item10`)).toBe("4");
      // the language switch keeps the page and the answers
      const en = await (await get(`${path}?lang=en&p=2`)).text();
      expect(en).toContain("Step 2 of 6");
      expect(checked(en, `v.${g}.item11`)).toBe("2");

      // change an answer on page 1, skip pages 3 and 4, answer ATMQ, send from the last page
      await post(path, {
        ...gcir(g, 1, 10, "4"),
        [`v.${g}.item5`]: "1",
        page: "1",
        edit: editOf(back),
        seq: "0",
        nav: "next",
      });
      const last = await (await get(`${path}?p=6`)).text();
      expect(last).toContain("Stap 6 van 6");
      expect(last).toContain('value="submit"');
      const p5 = await (await get(`${path}?p=5`)).text();
      await post(path, { [`v.${a}.item1`]: "3", page: "5", edit: editOf(p5), seq: "0", nav: "next" });
      const sent = await post(path, { [`v.${a}.item11`]: "1", page: "6", edit: editOf(last), seq: "0", nav: "submit" });
      expect(sent.status).toBe(303);
      expect(sent.headers.get("location")).toContain("/q/done");

      const rows = await responsesOf(occasion.id);
      expect(rows).toHaveLength(22);
      const byKey = Object.fromEntries(rows.map((r) => [`${r.instrumentVersionId}.${r.itemKey}`, r.value]));
      expect(byKey[`${g}.item5`]).toBe(1);
      expect(byKey[`${g}.item4`]).toBe(4);
      expect(byKey[`${g}.item20`]).toBe(2);
      expect(byKey[`${a}.item1`]).toBe(3);
      expect(byKey[`${a}.item11`]).toBe(1);
      expect(rows.every((r) => r.mode === "self" && r.answeredAt === rows[0]!.answeredAt)).toBe(true);
      expect((await occasionOf(occasion.id)).status).toBe("completed");
      // the draft is gone with the submit
      expect(await draftOf(occasion.id)).toEqual([]);
      expect(await db().select().from(schema.drafts).where(eq(schema.drafts.occasionId, occasion.id))).toEqual([]);
      const again = await get(path);
      expect(again.status).toBe(409);
    },
  );

  it(
    "takes a whole questionnaire in one form without a page " + "number (a form from before pages, an assisted entry)",
    async () => {
      const { path, occasion, g, a } = await wave();
      const bad = await post(path, { ...gcir(g, 1, 40), [`v.${a}.item3`]: "9" });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("Stap 5 van 6"); // the page with the field in error
      expect(await responsesOf(occasion.id)).toEqual([]);
      const res = await post(path, { ...gcir(g, 1, 40), [`v.${a}.item3`]: "2" });
      expect(res.status).toBe(303);
      expect(await responsesOf(occasion.id)).toHaveLength(41);
    },
  );

  it("refuses an empty send with the usual message and leaves the occasion untouched", async () => {
    const { path, occasion } = await wave();
    const html = await (await get(`${path}?p=6`)).text();
    const res = await post(path, { page: "6", edit: editOf(html), seq: "0", nav: "submit" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Vul minstens één vraag in");
    expect((await occasionOf(occasion.id)).status).toBe("open");
    expect(await db().select().from(schema.drafts).where(eq(schema.drafts.occasionId, occasion.id))).toEqual([]);
  });

  it("refuses a page number that does not exist and a field of another page's version", async () => {
    const { path, occasion, g, versions } = await wave();
    expect((await post(path, { ...gcir(g, 1, 2), page: "7", nav: "next" })).status).toBe(400);
    expect((await post(path, { ...gcir(g, 1, 2), page: "0", nav: "next" })).status).toBe(400);
    expect((await post(path, { ...gcir(g, 1, 2), page: "x", nav: "next" })).status).toBe(400);
    // an item of page 2 posted as page 1
    expect((await post(path, { ...gcir(g, 11, 11), page: "1", nav: "next" })).status).toBe(400);
    // an instrument not asked at this occasion
    expect(
      (await post(path, { [`v.${versions.get("welzijn")}.persoonlijk`]: "5", page: "1", nav: "next" })).status,
    ).toBe(400);
    expect(await draftOf(occasion.id)).toEqual([]);
    expect((await occasionOf(occasion.id)).status).toBe("open");
  });
});

describe("background saves (with JavaScript)", () => {
  it("saves the page she is on without moving her, and the page shows it after a reload", async () => {
    const { path, occasion, w } = await frequent();
    const html = await (await get(path)).text();
    const res = await post(`${path}/draft`, {
      [`v.${w}.persoonlijk`]: "6",
      [`c.${w}.persoonlijk`]: "hm",
      page: "1",
      edit: editOf(html),
      seq: "1",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ saved: true });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect((await occasionOf(occasion.id)).status).toBe("started");
    const reload = await (await get(path)).text();
    expect(checked(reload, `v.${w}.persoonlijk`)).toBe("6");
    expect(reload).toContain(">hm</textarea>");
    expect(await responsesOf(occasion.id)).toEqual([]);
    // the final send takes the page as posted (she cleared the comment)
    expect((await post(path, { [`v.${w}.persoonlijk`]: "7", page: "1", edit: editOf(reload), seq: "0" })).status).toBe(
      303,
    );
    const rows = await responsesOf(occasion.id);
    expect(rows.map((r) => [r.itemKey, r.value, r.comment])).toEqual([["persoonlijk", 7, null]]);
  });

  it("ignores a late save from earlier in the same window (out of order) and a replayed one", async () => {
    const { path, occasion, w } = await frequent();
    const edit = editOf(await (await get(path)).text());
    expect((await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "8", page: "1", edit, seq: "3" })).status).toBe(200);
    const late = await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "2", page: "1", edit, seq: "2" });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "conflict",
      message: "newer_save",
    });
    expect(await draftValue(occasion.id, "persoonlijk")).toBe(8);
    // a page rendered later wins; the earlier window's Next, replayed afterwards, does not overwrite it
    await new Promise((r) => setTimeout(r, 5));
    const newer = editOf(await (await get(path)).text());
    expect(BigInt(newer)).toBeGreaterThan(BigInt(edit));
    expect(
      (await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "9", page: "1", edit: newer, seq: "1" })).status,
    ).toBe(200);
    const replay = await post(path, { [`v.${w}.persoonlijk`]: "1", page: "1", edit, seq: "4", nav: "next" });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toContain("n=stale");
    expect(await draftValue(occasion.id, "persoonlijk")).toBe(9);
    const notice = await (await get(replay.headers.get("location")!)).text();
    expect(notice).toContain("in een ander venster aangepast");
    expect(checked(notice, `v.${w}.persoonlijk`)).toBe("9");
    // the identical save again changes nothing and is accepted (idempotent)
    expect(
      (await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "9", page: "1", edit: newer, seq: "1" })).status,
    ).toBe(200);
    expect(await draftValue(occasion.id, "persoonlijk")).toBe(9);
  });

  it("two windows saving at once: the newest render wins whole, never a mix of both", async () => {
    const { path, occasion, w } = await frequent();
    const base = Number(editOf(await (await get(path)).text()));
    const saves = Array.from({ length: 8 }, (_, i) =>
      post(`${path}/draft`, {
        [`v.${w}.persoonlijk`]: String(i),
        [`v.${w}.gezin`]: String(i),
        [`v.${w}.vrienden`]: String(i),
        page: "1",
        edit: String(base - 8 + i),
        seq: "1",
      }),
    );
    const statuses = (await Promise.all(saves)).map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const rows = await draftOf(occasion.id);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.value)).size).toBe(1); // one save's values, all three items
    expect(rows[0]!.value).toBe(7); // the newest render
  });

  it("a submit racing with background saves stores one consistent set, and later saves are refused", async () => {
    const { path, occasion, w } = await frequent();
    const edit = editOf(await (await get(path)).text());
    const all = await Promise.all([
      post(path, { [`v.${w}.persoonlijk`]: "5", [`v.${w}.gezin`]: "5", page: "1", edit, seq: "9" }),
      ...Array.from({ length: 5 }, (_, i) =>
        post(`${path}/draft`, {
          [`v.${w}.persoonlijk`]: "1",
          [`v.${w}.gezin`]: "1",
          page: "1",
          edit,
          seq: String(i + 1),
        }),
      ),
    ]);
    expect(all[0]!.status).toBe(303);
    const rows = await responsesOf(occasion.id);
    expect(rows.map((r) => r.value)).toEqual([5, 5]);
    expect(await draftOf(occasion.id)).toEqual([]);
    const after = await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "1", page: "1", edit, seq: "99" });
    expect(after.status).toBe(409);
    expect(((await after.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "conflict",
      message: "closed",
    });
    expect((await responsesOf(occasion.id)).map((r) => r.value)).toEqual([5, 5]);
    expect(await draftOf(occasion.id)).toEqual([]);
  });
});

describe("drafts that must not be taken", () => {
  it(
    "a completed occasion: the draft endpoint and Next " + "answer 'closed', the submitted answers stay as they were",
    async () => {
      const { path, occasion, w } = await frequent();
      expect((await post(path, { [`v.${w}.persoonlijk`]: "7" })).status).toBe(303);
      const draft = await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "1", page: "1", seq: "1" });
      expect(draft.status).toBe(409);
      const next = await post(path, { [`v.${w}.persoonlijk`]: "1", page: "1", nav: "next" });
      expect(next.status).toBe(409);
      expect(await next.text()).toContain("Al ingevuld");
      expect((await responsesOf(occasion.id)).map((r) => r.value)).toEqual([7]);
      expect(await draftOf(occasion.id)).toEqual([]);
      expect((await occasionOf(occasion.id)).status).toBe("completed");
    },
  );

  it("a closed (missed) occasion: refused; a draft saved before it closed is never sent", async () => {
    const { path, occasion, w } = await frequent();
    expect((await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "4", page: "1", seq: "1" })).status).toBe(200);
    await db().update(schema.occasions).set({ status: "missed" }).where(eq(schema.occasions.id, occasion.id));
    expect((await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "5", page: "1", seq: "2" })).status).toBe(409);
    expect((await post(path, { [`v.${w}.persoonlijk`]: "5", page: "1" })).status).toBe(409);
    const page = await get(path);
    expect(page.status).toBe(409);
    expect(await page.text()).not.toContain('value="4" checked');
    expect(await responsesOf(occasion.id)).toEqual([]);
    expect(await draftValue(occasion.id, "persoonlijk")).toBe(4);
  });

  it("an expired link: refused with the link page", async () => {
    const { pilot, versions } = await makePilot();
    const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const now = Date.now();
    const { path, occasion } = await openOccasion(p.id, frequentVersionIds(versions), {
      opensAt: now - 10 * 86_400_000,
      closesAt: now - 1000,
    });
    const w = versions.get("welzijn")!;
    const res = await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "5", page: "1", seq: "1" });
    expect(res.status).toBe(404);
    expect(await draftOf(occasion.id)).toEqual([]);
  });

  it(
    "a revoked link used again (after a draft, from a " + "cached context): a clear page, nothing saved or sent",
    async () => {
      const { path, occasion, w } = await frequent();
      expect((await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "4", page: "1", seq: "1" })).status).toBe(200);
      await db()
        .update(schema.secureLinks)
        .set({ revokedAt: Date.now() })
        .where(eq(schema.secureLinks.occasionId, occasion.id));
      // the isolate still holds the link's context from the save above: the statements' own guards refuse
      const draft = await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "9", page: "1", seq: "2" });
      expect(draft.status).toBe(404);
      const send = await post(path, { [`v.${w}.persoonlijk`]: "9", page: "1" });
      expect(send.status).toBe(404);
      expect(await send.text()).toContain("Deze link werkt niet (meer)");
      const page = await get(path);
      expect(page.status).toBe(404);
      expect(await page.text()).not.toContain('value="4" checked');
      expect(await responsesOf(occasion.id)).toEqual([]);
      expect(await draftValue(occasion.id, "persoonlijk")).toBe(4);
      expect((await occasionOf(occasion.id)).status).toBe("started");
    },
  );

  it("a youth who withdrew: refused although the context is cached", async () => {
    const { path, occasion, participant, w } = await frequent();
    expect((await post(`${path}/draft`, { [`v.${w}.persoonlijk`]: "4", page: "1", seq: "1" })).status).toBe(200);
    await db()
      .update(schema.participants)
      .set({ status: "withdrawn" })
      .where(eq(schema.participants.id, participant.id));
    expect((await post(path, { [`v.${w}.persoonlijk`]: "9", page: "1" })).status).toBe(404);
    expect(await responsesOf(occasion.id)).toEqual([]);
  });

  it(
    "someone else's occasion: a link writes only its own occasion's " +
      "draft; another youth's draft and answers are never shown",
    async () => {
      const a = await frequent();
      const bYouth = await makeParticipant(a.pilot.id, { start: "2026-01-05" });
      const b = await openOccasion(bYouth.id, a.ids);
      expect(
        (
          await post(`${b.path}/draft`, {
            [`v.${a.w}.persoonlijk`]: "2",
            [`c.${a.w}.persoonlijk`]: "van b",
            page: "1",
            seq: "1",
          })
        ).status,
      ).toBe(200);
      // a's link with the same field names: lands in a's draft only
      expect((await post(`${a.path}/draft`, { [`v.${a.w}.persoonlijk`]: "8", page: "1", seq: "1" })).status).toBe(200);
      expect(await draftValue(b.occasion.id, "persoonlijk")).toBe(2);
      expect(await draftValue(a.occasion.id, "persoonlijk")).toBe(8);
      const aPage = await (await get(a.path)).text();
      expect(aPage).not.toContain("van b");
      // fields naming an occasion or participant are not fields at all
      expect(
        (
          await post(`${a.path}/draft`, {
            [`v.${a.w}.persoonlijk`]: "8",
            occasion: String(b.occasion.id),
            page: "1",
            seq: "2",
          })
        ).status,
      ).toBe(400);
      expect(await draftValue(b.occasion.id, "persoonlijk")).toBe(2);
    },
  );

  it("a new occasion's page never shows answers of her earlier, submitted occasion", async () => {
    const { path, participant, ids, w } = await frequent();
    expect(
      (
        await post(`${path}/draft`, {
          [`v.${w}.persoonlijk`]: "3",
          [`c.${w}.persoonlijk`]: "oud antwoord",
          page: "1",
          seq: "1",
        })
      ).status,
    ).toBe(200);
    expect(
      (await post(path, { [`v.${w}.persoonlijk`]: "3", [`c.${w}.persoonlijk`]: "oud antwoord", page: "1" })).status,
    ).toBe(303);
    const next = await openOccasion(participant.id, ids, { seq: 2 });
    const html = await (await get(next.path)).text();
    expect(html).not.toContain("oud antwoord");
    expect(html).not.toMatch(/ checked/);
  });

  it("refuses a repeated control field and a body over the limit on the draft endpoint", async () => {
    const { path, occasion, w } = await frequent();
    const body = new URLSearchParams([
      [`v.${w}.persoonlijk`, "7"],
      ["page", "1"],
      ["page", "1"],
    ]);
    const rep = await exports.default.fetch(`${BASE}${path}/draft`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(rep.status).toBe(400);
    const big = await post(`${path}/draft`, {
      [`v.${w}.persoonlijk`]: "7",
      [`c.${w}.persoonlijk`]: "x".repeat(100_000),
      page: "1",
    });
    expect(big.status).toBe(413);
    expect(await draftOf(occasion.id)).toEqual([]);
  });
});

describe("the site root", () => {
  it("is a neutral Dutch page with a title, not a 404, and says nothing about what this is", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain("<title>Vragenlijst</title>");
    expect(html).toContain('id="quick-exit"');
    expect(html).not.toMatch(FORBIDDEN_WORDS);
    expect(html).not.toMatch(/zorg|care|onderzoek|research|jeugd|youth/i);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-robots-tag")).toContain("noindex");
  });
});

/** A D1 binding that counts round trips: each batch, first, all, run or raw is one. */
function countingD1(inner: D1Database) {
  const trips: string[] = [];
  const INNER = Symbol("inner");
  const wrap = (s: D1PreparedStatement, sql: string): D1PreparedStatement =>
    ({
      [INNER]: s,
      bind: (...v: unknown[]) => wrap(s.bind(...v), sql),
      first: (c?: string) => (trips.push(`first ${sql.slice(0, 40)}`), c === undefined ? s.first() : s.first(c)),
      all: () => (trips.push(`all ${sql.slice(0, 40)}`), s.all()),
      run: () => (trips.push(`run ${sql.slice(0, 40)}`), s.run()),
      raw: (o?: { columnNames?: boolean }) => (
        trips.push(`raw ${sql.slice(0, 40)}`), s.raw(o as { columnNames: true })
      ),
    }) as unknown as D1PreparedStatement;
  const d1 = {
    prepare: (sql: string) => wrap(inner.prepare(sql), sql),
    batch: (stmts: D1PreparedStatement[]) => (
      trips.push(`batch of ${stmts.length}`),
      inner.batch(stmts.map((s) => (s as unknown as Record<symbol, D1PreparedStatement>)[INNER]!))
    ),
    exec: (sql: string) => (trips.push("exec"), inner.exec(sql)),
  };
  return { d1: d1 as unknown as D1Database, trips };
}

describe("D1 round trips of the youth's requests", () => {
  it(
    "GET: one batch; a page save: one batch; the final " + "submit: one batch (definitions cached in the isolate)",
    async () => {
      const { token, g: w } = await wave();
      const app = createApp();
      const { d1, trips } = countingD1(env.DB);
      const call = async (path: string, init?: RequestInit) => {
        const ctx = createExecutionContext();
        const res = await app.fetch(new Request(`${BASE}${path}`, init), { ...env, DB: d1 }, ctx);
        await waitOnExecutionContext(ctx);
        return res;
      };
      // warm the isolate's instrument cache (a first visit of these versions reads them once)
      expect((await call(`/q/${token}`)).status).toBe(200);
      trips.length = 0;
      const page = await call(`/q/${token}`);
      expect(page.status).toBe(200);
      expect(trips).toEqual(["batch of 3"]);
      const edit = editOf(await page.text());
      trips.length = 0;
      const next = await call(`/q/${token}`, form({ ...gcir(w, 1, 10), page: "1", edit, seq: "0", nav: "next" }));
      expect(next.status).toBe(303);
      expect(trips).toEqual(["batch of 5"]);
      trips.length = 0;
      const save = await call(`/q/${token}/draft`, form({ ...gcir(w, 11, 12), page: "2", edit, seq: "1" }));
      expect(save.status).toBe(200);
      expect(trips).toEqual(["batch of 5"]);
      trips.length = 0;
      const sent = await call(`/q/${token}`, form({ ...gcir(w, 11, 13), page: "2", edit, seq: "2", nav: "submit" }));
      expect(sent.status).toBe(303); // a send is taken from any page (skipping pages is allowed)
      expect(trips).toEqual(["batch of 13"]);

      // a POST reaching an isolate that never served her GET: the page's signed context spares the read
      const other = await wave();
      const html = await (await call(`/q/${other.token}`)).text();
      forgetLinkContexts();
      trips.length = 0;
      const fromForm = await call(
        `/q/${other.token}`,
        form({ ...gcir(other.g, 1, 10), page: "1", edit: editOf(html), seq: "0", nav: "next", ctx: ctxOf(html) }),
      );
      expect(fromForm.status).toBe(303);
      expect(trips).toEqual(["batch of 5"]);
      // without it (an old form), one read more
      forgetLinkContexts();
      trips.length = 0;
      expect((await call(`/q/${other.token}`, form({ ...gcir(other.g, 1, 10), page: "1", nav: "next" }))).status).toBe(
        303,
      );
      expect(trips.length).toBe(2);
    },
  );

  it(
    "a signed context from another link, or altered, " + "is not believed: the link's own occasion is written",
    async () => {
      const a = await frequent();
      const b = await openOccasion((await makeParticipant(a.pilot.id, { start: "2026-01-05" })).id, a.ids);
      const ctxA = ctxOf(await (await get(a.path)).text());
      const ctxB = ctxOf(await (await get(b.path)).text());
      const [payloadB, sigB] = ctxB.split(".");
      for (const ctx of [
        ctxA,
        `${payloadB}.${sigB!.slice(0, -1)}${sigB!.endsWith("A") ? "B" : "A"}`,
        `${ctxA.split(".")[0]}.${sigB}`,
        "x.y",
        "%%%",
      ]) {
        forgetLinkContexts();
        const res = await post(`${b.path}/draft`, { [`v.${a.w}.persoonlijk`]: "6", page: "1", seq: "1", ctx });
        expect(res.status).toBe(200);
      }
      expect(await draftOf(a.occasion.id)).toEqual([]);
      expect(await draftValue(b.occasion.id, "persoonlijk")).toBe(6);
    },
  );
});
