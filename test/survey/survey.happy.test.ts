import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { form, frequentVersionIds, makeParticipant, makePilot, openOccasion, responsesOf } from "../support/fixtures";

const get = (path: string) => exports.default.fetch(`http://questionnaire.localhost${path}`);
const post = (path: string, fields: Record<string, string>) => exports.default.fetch(`http://questionnaire.localhost${path}`, form(fields));

describe("the youth questionnaire", () => {
  it("shows sliders without a value, a quick exit and discreet headers", async () => {
    const { pilot, versions } = await makePilot();
    const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { path } = await openOccasion(p.id, frequentVersionIds(versions));
    const res = await get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('type="range"');
    // untouched sliders carry no value: their hidden fields are empty
    const hidden = [...html.matchAll(/<input type="hidden" name="(v\.[^"]+)" value(?:="([^"]*)")?/g)];
    expect(hidden.length).toBeGreaterThanOrEqual(9);
    expect(hidden.every((m) => !m[2])).toBe(true);
    expect(html).toContain('id="quick-exit"');
    expect(html).toContain("<title>Vragenlijst</title>");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-robots-tag")).toContain("noindex");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).not.toMatch(/slachtoffer|uitbuiting|loverboy|mensenhandel/i);
  });

  it("stores the answered items once, with comment and mode, and then refuses the link", async () => {
    const { pilot, versions } = await makePilot();
    const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const ids = frequentVersionIds(versions);
    const { path, occasion } = await openOccasion(p.id, ids);
    const w = ids[0]!;
    const res = await post(path, { [`v.${w}.persoonlijk`]: "7", [`v.${w}.gezin`]: "0", [`c.${w}.gezin`]: "Gaat wel", [`na.${w}.partner`]: "1", [`v.${w}.vrienden`]: "" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/q/done");
    const rows = await responsesOf(occasion.id);
    const byItem = Object.fromEntries(rows.map((r) => [r.itemKey, r]));
    expect(Object.keys(byItem).sort()).toEqual(["gezin", "partner", "persoonlijk"]);
    expect(byItem.persoonlijk!.value).toBe(7);
    expect(byItem.gezin!.value).toBe(0); // 0 is an answer, distinct from "not answered"
    expect(byItem.gezin!.comment).toBe("Gaat wel");
    expect(byItem.partner!.notApplicable).toBe(true);
    expect(byItem.partner!.value).toBeNull();
    expect(rows.every((r) => r.mode === "self" && r.instrumentVersionId === w)).toBe(true);

    const again = await get(path);
    expect(again.status).toBe(409);
    expect(await again.text()).not.toContain("Gaat wel"); // a used link shows no earlier answers
  });

  it("answers in English when asked", async () => {
    const { pilot, versions } = await makePilot();
    const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { path } = await openOccasion(p.id, frequentVersionIds(versions));
    const html = await (await get(`${path}?lang=en`)).text();
    expect(html).toContain("Leave quickly");
    expect(html).toContain('lang="en"');
  });
});
