// The signal rules on the pilot-settings page (issue 15): shown with their defaults, impossible thresholds
// refused beside their field in Dutch with nothing stored, a change stored (only what changed), and the
// rules' switches and the staff mail as checkboxes.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { BASE, call, type TestPrincipal } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makePilot } from "../support/study";
import { formIn } from "../staff/settings-page-form";

const ORIGIN = { headers: { origin: BASE } };
let pilot: Awaited<ReturnType<typeof makePilot>>["pilot"];
let researcher: TestPrincipal;

const settingsOf = async () =>
  (await getDb(env.DB).select().from(schema.pilots).where(eq(schema.pilots.id, pilot.id)))[0]!.settings as Record<
    string,
    unknown
  >;
const page = async () => (await call(researcher, "GET", `/staff/pilots/${pilot.key}/settings`)).text();
const post = (body: URLSearchParams) => call(researcher, "POST", `/staff/pilots/${pilot.key}/settings`, body, ORIGIN);
const edit = (fields: [string, string][], set: Record<string, string>, drop: string[] = []) => {
  const out = new URLSearchParams(fields.filter(([k]) => !(k in set) && !drop.includes(k)));
  for (const [k, v] of Object.entries(set)) out.append(k, v);
  return out;
};

// A fresh pilot for each test: tests change its settings, and must not depend on which ran before.
beforeEach(async () => {
  ({ pilot } = await makePilot());
  researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
});

describe("signal rules on the settings page", () => {
  it("shows the defaults: every rule on, the mail off, the thresholds with the schema's bounds", async () => {
    const html = await page();
    const form = new Map(formIn(html));
    for (const k of ["trendDown", "lowTwice", "dropVsMedian", "reliableDeterioration", "missedInRow"])
      expect(form.get(`signal.${k}`), k).toBe("1");
    expect(form.has("signal.mail")).toBe(false);
    expect(form.get("signalDropPoints")).toBe("3");
    expect(form.get("signalMissedCount")).toBe("3");
    expect(html).toMatch(/id="signalDropPoints"[^>]*min="1" max="10"/);
  });

  it("refuses impossible thresholds beside the field, in Dutch, and stores nothing", async () => {
    const before = await settingsOf();
    const fields = formIn(await page());
    for (const [name, value] of [
      ["signalDropPoints", "0"],
      ["signalDropPoints", "11"],
      ["signalLowCount", "1"],
      ["signalMissedCount", "abc"],
      ["signalDropMinEarlier", "1"],
    ] as const) {
      const res = await post(edit(fields, { [name]: value }));
      expect(res.status, `${name}=${value}`).toBe(400);
      const html = await res.text();
      expect(html).toContain(`id="${name}-error"`);
      expect(html).toMatch(/Vul een heel getal in van \d+ tot en met \d+\./);
    }
    expect(await settingsOf()).toEqual(before);
  });

  it("stores a changed threshold and switch (only what changed), and shows them back", async () => {
    const fields = formIn(await page());
    const res = await post(edit(fields, { signalDropPoints: "4", "signal.mail": "1" }, ["signal.trendDown"]));
    expect(res.status).toBe(303);
    expect((await settingsOf()).signals).toEqual({ dropPoints: 4, mail: true, trendDown: false });
    const again = new Map(formIn(await page()));
    expect(again.get("signalDropPoints")).toBe("4");
    expect(again.get("signal.mail")).toBe("1");
    expect(again.has("signal.trendDown")).toBe(false);
  });
});
