// A youth's link and assisted entry (issue 14, items 4 and 5): re-send (once per press, through the
// outbox), revoke + new link (generation bump), an address change revokes, the kind page for a revoked
// link; kiosk (mode kiosk + staff user, cleared after submit or idle time, Back shows nothing) and phone
// entry (mode phone + staff user); all audited, write role of the pilot only.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, type TestPrincipal } from "../support/http";
import { sinkFor, uniqueDomain } from "../support/mail";
import { sessionFor, staffUser } from "../support/staff";
import { ALWAYS_SEND, frequentVersionIds, makeParticipant, makePilot, openOccasion } from "../support/study";
import { KIOSK_IDLE_MS } from "../../worker/staff/assisted";

const youthGet = (path: string) =>
  exports.default.fetch(`http://questionnaire.localhost${path}`, { redirect: "manual" });
const youthPost = (path: string, fields: Record<string, string>) =>
  exports.default.fetch(`http://questionnaire.localhost${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
const linkOf = (text: string) => /\/q\/[A-Za-z0-9_-]{43}/.exec(text)![0];
const press = () => crypto.randomUUID().replace(/-/g, "").slice(0, 22);

let researcher: TestPrincipal;
let researcherId: number;
let coordinator: TestPrincipal;
let pilotKey: string;
let pilotId: number;
let versions: Map<string, number>;

beforeAll(async () => {
  const made = await makePilot({ settings: ALWAYS_SEND });
  pilotKey = made.pilot.key;
  pilotId = made.pilot.id;
  versions = made.versions;
  const r = await staffUser({ roles: [{ role: "researcher", pilotId }] });
  researcherId = r.id;
  researcher = await sessionFor(r.id);
  coordinator = await sessionFor((await staffUser({ roles: [{ role: "coordinator", pilotId }] })).id);
});

async function youth(prefix: string) {
  const sink = sinkFor(uniqueDomain(prefix));
  const p = await makeParticipant(pilotId, { start: "2026-01-05", email: sink.address("y") });
  const occ = await openOccasion(p.id, frequentVersionIds(versions));
  return { sink, p, occ, base: `/staff/pilots/${pilotKey}/youths/${encodeURIComponent(p.code)}` };
}
const auditOf = async (code: string) =>
  (
    await env.DB.prepare("SELECT action, actor_id, details FROM audit_log WHERE target = ? ORDER BY id")
      .bind(code)
      .all<{ action: string; actor_id: string; details: string }>()
  ).results;

describe("links: see, re-send, revoke", () => {
  it("the links page lists her open questionnaire; coordinators may not open it", async () => {
    const y = await youth("lpage");
    const page = await call(researcher, "GET", `${y.base}/links`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-occasion="${y.occ.occasion.id}"`);
    expect(html).toContain('name="press"');
    expect((await call(coordinator, "GET", `${y.base}/links`)).status).toBe(403);
    expect(
      (await call(coordinator, "POST", `${y.base}/links/resend`, new URLSearchParams({ press: press() }))).status,
    ).toBe(403);
  });

  it("re-send: her current link once per press, through the outbox, audited", async () => {
    const y = await youth("resend");
    const id = press();
    const first = await call(researcher, "POST", `${y.base}/links/resend`, new URLSearchParams({ press: id }));
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toContain("/links?done=resent");
    // the same press again (a double click, a reloaded post): nothing more
    expect((await call(researcher, "POST", `${y.base}/links/resend`, new URLSearchParams({ press: id }))).status).toBe(
      303,
    );
    const { messages } = await y.sink.messages();
    expect(messages).toHaveLength(1);
    expect(linkOf(messages[0]!.text)).toBe(y.occ.path);
    expect(messages[0]!.text).toContain("Hier is je link naar de vragenlijst nog een keer.");
    const rows = (await env.DB.prepare("SELECT kind, status FROM outbox WHERE participant_id = ?").bind(y.p.id).all())
      .results;
    expect(rows).toEqual([{ kind: "resend", status: "sent" }]);
    expect((await auditOf(y.p.code)).map((a) => a.action)).toEqual(["link.resend"]);
    // a new press sends again
    await call(researcher, "POST", `${y.base}/links/resend`, new URLSearchParams({ press: press() }));
    expect((await y.sink.messages()).messages).toHaveLength(2);
    expect(
      (await call(researcher, "POST", `${y.base}/links/resend`, new URLSearchParams({ press: "short" }))).status,
    ).toBe(400);
  });

  it("revoke + new: the old link shows the kind page, the new one works; once per press", async () => {
    const y = await youth("revoke");
    expect(
      (await call(researcher, "POST", `${y.base}/links/revoke`, new URLSearchParams({ press: press() }))).status,
    ).toBe(400); // not confirmed
    const id = press();
    expect(
      (await call(researcher, "POST", `${y.base}/links/revoke`, new URLSearchParams({ press: id, confirm: "1" })))
        .status,
    ).toBe(303);
    expect(
      (await call(researcher, "POST", `${y.base}/links/revoke`, new URLSearchParams({ press: id, confirm: "1" })))
        .status,
    ).toBe(303);
    const gen = await env.DB.prepare("SELECT link_generation FROM occasions WHERE id = ?")
      .bind(y.occ.occasion.id)
      .first<number>("link_generation");
    expect(gen).toBe(2);
    const { messages } = await y.sink.messages();
    expect(messages).toHaveLength(1);
    const fresh = linkOf(messages[0]!.text);
    expect(fresh).not.toBe(y.occ.path);
    // The revoked link, used again: a kind page (Dutch first, quick exit), nothing stored.
    const old = await youthGet(y.occ.path);
    expect(old.status).toBe(404);
    const html = await old.text();
    expect(html).toContain('lang="nl"');
    expect(html).toContain("Gebruik de link uit je nieuwste mail.");
    expect(html).toMatch(/quick-exit|Snel weg/);
    const fv = frequentVersionIds(versions)[0]!;
    expect((await youthPost(y.occ.path, { [`v.${fv}.persoonlijk`]: "5" })).status).toBe(404);
    expect((await youthGet(fresh)).status).toBe(200);
    expect((await youthPost(fresh, { [`v.${fv}.persoonlijk`]: "5" })).status).toBe(303);
    expect((await auditOf(y.p.code)).map((a) => a.action)).toEqual(["link.revoke"]);
  });

  it("changing her e-mail address revokes her open links; the next message carries a new one", async () => {
    const y = await youth("addr");
    const res = await call(
      researcher,
      "PATCH",
      `/api/v1/pilots/${pilotKey}/participants/${encodeURIComponent(y.p.code)}`,
      { email: y.sink.address("new") },
    );
    expect(res.status).toBe(200);
    const old = await youthGet(y.occ.path);
    expect(old.status).toBe(404);
    expect(await old.text()).toContain("Gebruik de link uit je nieuwste mail.");
    await call(researcher, "POST", `${y.base}/links/resend`, new URLSearchParams({ press: press() }));
    const { messages } = await y.sink.messages();
    expect(messages.map((m) => m.to[0])).toEqual([y.sink.address("new")]);
    const fresh = linkOf(messages[0]!.text);
    expect(fresh).not.toBe(y.occ.path);
    expect((await youthGet(fresh)).status).toBe(200);
  });
});

describe("kiosk", () => {
  async function openKiosk(prefix: string) {
    const y = await youth(prefix);
    const res = await call(
      researcher,
      "POST",
      `${y.base}/kiosk`,
      new URLSearchParams({ occasion: String(y.occ.occasion.id) }),
    );
    expect(res.status).toBe(303);
    const path = res.headers.get("location")!;
    expect(path).toMatch(/^\/k\/[A-Za-z0-9_-]{43}$/);
    return { ...y, path };
  }

  it("answers stored with mode kiosk and the researcher; the page clears and Back shows nothing", async () => {
    const k = await openKiosk("kiosk");
    const page = await youthGet(k.path);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = await page.text();
    expect(html).toContain('<script src="/k/kiosk.js" defer></script>');
    expect(html).toContain(`http-equiv="refresh" content="${KIOSK_IDLE_MS / 1000};url=/k/ended`);
    expect(html).not.toMatch(/staff|medewerker/i);
    const fv = frequentVersionIds(versions)[0]!;
    expect((await youthPost(`${k.path}/alive`, { [`v.${fv}.persoonlijk`]: "6" })).status).toBe(200);
    const sent = await youthPost(k.path, { [`v.${fv}.persoonlijk`]: "6", [`v.${fv}.gezin`]: "7" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toMatch(/^\/k\/ended/);
    const rows = (
      await env.DB.prepare(
        "SELECT item_key, value, mode, entered_by FROM responses WHERE occasion_id = ? ORDER BY item_key",
      )
        .bind(k.occ.occasion.id)
        .all()
    ).results;
    expect(rows).toEqual([
      { item_key: "gezin", value: 7, mode: "kiosk", entered_by: researcherId },
      { item_key: "persoonlijk", value: 6, mode: "kiosk", entered_by: researcherId },
    ]);
    expect(
      await env.DB.prepare("SELECT status FROM occasions WHERE id = ?").bind(k.occ.occasion.id).first("status"),
    ).toBe("completed");
    // Back (or a reload) after the submit: the empty page, not her questionnaire.
    const back = await youthGet(k.path);
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toMatch(/^\/k\/ended/);
    const endedPage = await youthGet("/k/ended?lang=nl");
    expect(endedPage.status).toBe(200);
    expect(await endedPage.text()).toContain("Deze pagina is gesloten");
    const trail = await auditOf(k.p.code);
    expect(trail.map((a) => [a.action, a.actor_id])).toEqual([
      ["kiosk.open", `staff:${researcherId}`],
      ["answers.kiosk", `staff:${researcherId}`],
    ]);
    // the page's script clears the screen after the idle time
    const js = await (await youthGet("/k/kiosk.js")).text();
    expect(js).toContain(String(KIOSK_IDLE_MS));
    expect(js).toContain('location.replace("/k/ended"');
  });

  it("a kiosk page left open past its timeout: a clear page, nothing stored", async () => {
    const k = await openKiosk("kidle");
    await env.DB.prepare("UPDATE kiosk_sessions SET last_seen_at = ? WHERE occasion_id = ?")
      .bind(Date.now() - KIOSK_IDLE_MS - 1_000, k.occ.occasion.id)
      .run();
    const fv = frequentVersionIds(versions)[0]!;
    const late = await youthPost(k.path, { [`v.${fv}.persoonlijk`]: "3" });
    expect(late.status).toBe(303);
    expect(late.headers.get("location")).toMatch(/^\/k\/ended/);
    expect((await youthGet(k.path)).status).toBe(303);
    expect((await youthPost(`${k.path}/alive`, {})).status).toBe(404);
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM responses WHERE occasion_id = ?")
        .bind(k.occ.occasion.id)
        .first("n"),
    ).toBe(0);
    expect(
      await env.DB.prepare("SELECT status FROM occasions WHERE id = ?").bind(k.occ.occasion.id).first("status"),
    ).toBe("open");
    // unknown or malformed kiosk tokens: the same empty page
    expect((await youthGet("/k/nope")).status).toBe(303);
    expect((await youthGet(`/k/${"A".repeat(43)}`)).status).toBe(303);
  });

  it("coordinators cannot open a kiosk; a closed questionnaire cannot be opened", async () => {
    const y = await youth("kroles");
    expect(
      (await call(coordinator, "POST", `${y.base}/kiosk`, new URLSearchParams({ occasion: String(y.occ.occasion.id) })))
        .status,
    ).toBe(403);
    await env.DB.prepare("UPDATE occasions SET status = 'missed' WHERE id = ?").bind(y.occ.occasion.id).run();
    expect(
      (await call(researcher, "POST", `${y.base}/kiosk`, new URLSearchParams({ occasion: String(y.occ.occasion.id) })))
        .status,
    ).toBe(409);
  });
});

describe("phone entry", () => {
  it("a researcher enters her answers during a call: mode phone and the researcher, audited", async () => {
    const y = await youth("phone");
    const form = await call(researcher, "GET", `${y.base}/phone/${y.occ.occasion.id}`);
    expect(form.status).toBe(200);
    const fv = frequentVersionIds(versions)[0]!;
    expect(await form.text()).toContain(`name="v.${fv}.persoonlijk"`);
    const bad = await call(
      researcher,
      "POST",
      `${y.base}/phone/${y.occ.occasion.id}`,
      new URLSearchParams({ [`v.${fv}.persoonlijk`]: "11" }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('aria-invalid="true"');
    const empty = await call(researcher, "POST", `${y.base}/phone/${y.occ.occasion.id}`, new URLSearchParams({}));
    expect(empty.status).toBe(400);
    const ok = await call(
      researcher,
      "POST",
      `${y.base}/phone/${y.occ.occasion.id}`,
      new URLSearchParams({ [`v.${fv}.persoonlijk`]: "4" }),
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toContain("/links?done=phone");
    const rows = (
      await env.DB.prepare("SELECT item_key, value, mode, entered_by FROM responses WHERE occasion_id = ?")
        .bind(y.occ.occasion.id)
        .all()
    ).results;
    expect(rows).toEqual([{ item_key: "persoonlijk", value: 4, mode: "phone", entered_by: researcherId }]);
    expect((await auditOf(y.p.code)).map((a) => a.action)).toEqual(["answers.phone"]);
    // entered twice (two tabs): the second stores nothing
    expect(
      (
        await call(
          researcher,
          "POST",
          `${y.base}/phone/${y.occ.occasion.id}`,
          new URLSearchParams({ [`v.${fv}.persoonlijk`]: "9" }),
        )
      ).status,
    ).toBe(409);
    expect((await call(coordinator, "GET", `${y.base}/phone/${y.occ.occasion.id}`)).status).toBe(403);
  });
});
