// The summaries' settings on the workspace's pilot-settings page (issue 16): minimum cell size and the
// RIS-L norm group shown, changed and audited; bad values refused beside their field, nothing stored;
// coordinators read-only.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { BASE, call, type TestPrincipal } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makePilot } from "../support/study";

const db = () => getDb(env.DB);

/** The form as a browser posts it: inputs and selects (the selected option), checkboxes only when checked. */
function formIn(html: string): [string, string][] {
  const start = html.indexOf('id="settings-form"');
  const form = html.slice(start, html.indexOf("</form>", start));
  const fields: [string, string][] = [];
  for (const [tag] of form.matchAll(/<input [^>]*>/g)) {
    const attr = (a: string) => new RegExp(`\\s${a}="([^"]*)"`).exec(tag)?.[1];
    const name = attr("name");
    if (!name || / disabled/.test(tag)) continue;
    if (attr("type") === "checkbox" && !/ checked/.test(tag)) continue;
    fields.push([name, (attr("value") ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"')]);
  }
  for (const [, name, body] of form.matchAll(/<select [^>]*name="([^"]+)"[^>]*>(.*?)<\/select>/gs)) {
    const chosen = /<option value="([^"]*)" selected/.exec(body!)?.[1];
    if (chosen !== undefined) fields.push([name!, chosen]);
  }
  return fields;
}
const withChanges = (fields: [string, string][], changes: Record<string, string>) => {
  const out = new URLSearchParams(fields.filter(([k]) => !(k in changes)));
  for (const [k, v] of Object.entries(changes)) out.append(k, v);
  return out;
};

let pilot: Awaited<ReturnType<typeof makePilot>>["pilot"];
let researcher: TestPrincipal;
let coordinator: TestPrincipal;
const stored = async () =>
  (
    (await db().select().from(schema.pilots).where(eq(schema.pilots.id, pilot.id)))[0]!.settings as {
      reports?: unknown;
    }
  ).reports;
const audits = async () =>
  (
    await db()
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.pilotId, pilot.id), eq(schema.auditLog.action, "pilot.settings_update")))
  ).length;
const page = async (who = researcher) => (await call(who, "GET", `/staff/pilots/${pilot.key}/settings`)).text();
const post = (body: URLSearchParams) =>
  call(researcher, "POST", `/staff/pilots/${pilot.key}/settings`, body, { headers: { origin: BASE } });

// A fresh pilot for each test: tests change its settings, and must not depend on which ran before.
beforeEach(async () => {
  ({ pilot } = await makePilot());
  researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
  coordinator = await sessionFor((await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] })).id);
});

describe("summary settings on the pilot-settings page", () => {
  it("shows the defaults (3, study group), stores a change and audits it", async () => {
    const form = new Map(formIn(await page()));
    expect(form.get("reportMinCellSize")).toBe("3");
    expect(form.get("rislNormGroup")).toBe("study");
    const n = await audits();
    const res = await post(withChanges(formIn(await page()), { reportMinCellSize: "5", rislNormGroup: "pilot" }));
    expect(res.status).toBe(303);
    expect(await stored()).toEqual({ minCellSize: 5, rislNormGroup: "pilot" });
    expect(await audits()).toBe(n + 1);
    const again = new Map(formIn(await page()));
    expect([again.get("reportMinCellSize"), again.get("rislNormGroup")]).toEqual(["5", "pilot"]);
  });

  it.each([
    ["a minimum of 0", { reportMinCellSize: "0" }, "reportMinCellSize"],
    ["a minimum above 20", { reportMinCellSize: "21" }, "reportMinCellSize"],
    ["a minimum that is no whole number", { reportMinCellSize: "2,5" }, "reportMinCellSize"],
    ["an unknown norm group", { rislNormGroup: "mars" }, "rislNormGroup"],
  ])("refuses %s beside the field and stores nothing", async (_name, changes, field) => {
    const before = JSON.stringify(await stored());
    const n = await audits();
    const res = await post(withChanges(formIn(await page()), changes));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`id="${field}-error"`);
    expect(JSON.stringify(await stored())).toBe(before);
    expect(await audits()).toBe(n);
  });

  it("coordinators see the values read-only", async () => {
    const html = await page(coordinator);
    expect(html).toMatch(/<input id="reportMinCellSize"[^>]* disabled/);
    expect(html).toMatch(/<select id="rislNormGroup"[^>]* disabled/);
  });
});
