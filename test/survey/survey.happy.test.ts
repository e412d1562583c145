import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { form } from "../support/http";
import { frequentVersionIds, makeParticipant, makePilot, openOccasion, responsesOf } from "../support/study";

const get = (path: string) => exports.default.fetch(`http://questionnaire.localhost${path}`);
const post = (path: string, fields: Record<string, string>) =>
  exports.default.fetch(`http://questionnaire.localhost${path}`, form(fields));

describe("the youth questionnaire", () => {
  it("shows sliders without a value, a quick exit and discreet headers", async () => {
    const { pilot, versions } = await makePilot();
    const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { path } = await openOccasion(p.id, frequentVersionIds(versions));
    const res = await get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    // without JavaScript every 0–10 item is a named radio group 0..10 (the island turns it into a slider)
    const radios = [...html.matchAll(/<input type="radio" name="(v\.[^"]+)" value="(\d+)"( checked)?\/>/g)];
    const groups = new Map<string, string[]>();
    for (const m of radios) groups.set(m[1]!, [...(groups.get(m[1]!) ?? []), m[2]!]);
    const scales = [...groups.values()].filter((vs) => vs.length === 11);
    expect(scales.length).toBeGreaterThanOrEqual(9);
    for (const vs of scales) expect(vs).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    // untouched items carry no value: nothing is chosen, so the form posts nothing for them
    expect(radios.some((m) => m[3])).toBe(false);
    expect(html).toContain('data-island="SliderField"');
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
    const res = await post(path, {
      [`v.${w}.persoonlijk`]: "7",
      [`v.${w}.gezin`]: "0",
      [`c.${w}.gezin`]: "Gaat wel",
      [`na.${w}.partner`]: "1",
      [`v.${w}.vrienden`]: "",
    });
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
