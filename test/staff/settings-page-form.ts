// The settings form as a browser reads and posts it, and a pilot to post it for: the settings-page tests.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeEach, expect } from "vitest";
import { getDb, schema } from "../../worker/db";
import { BASE, call, type TestPrincipal } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makePilot } from "../support/study";

/** The form as a browser would post it: every enabled input, checkboxes only when checked. */
export function formIn(html: string): [string, string][] {
  const fields: [string, string][] = [];
  const start = html.indexOf('id="settings-form"');
  for (const [tag] of html.slice(start, html.indexOf("</form>", start)).matchAll(/<input [^>]*>/g)) {
    const attr = (a: string) => new RegExp(`\\s${a}="([^"]*)"`).exec(tag)?.[1];
    const name = attr("name");
    if (!name || / disabled/.test(tag)) continue;
    if (attr("type") === "checkbox" && !/ checked/.test(tag)) continue;
    fields.push([name, (attr("value") ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"')]);
  }
  return fields;
}
export const withChanges = (fields: [string, string][], changes: Record<string, string | string[]>) => {
  const out = new URLSearchParams(fields.filter(([k]) => !(k in changes)));
  for (const [k, v] of Object.entries(changes)) for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
  return out;
};

type Pilot = Awaited<ReturnType<typeof makePilot>>["pilot"];
const db = () => getDb(env.DB);
const ORIGIN = { headers: { origin: BASE } };

/**
 * A fresh pilot (with `settings`), a researcher and a coordinator of it for each test (tests change its
 * settings, and must not depend on which ran before), and the page's requests and stored state.
 */
export function settingsPageFixture(settings?: Record<string, unknown>) {
  const fx: {
    pilot: Pilot;
    researcher: TestPrincipal;
    coordinator: TestPrincipal;
    settingsOf: () => Promise<unknown>;
    audits: () => Promise<(typeof schema.auditLog.$inferSelect)[]>;
    page: (who?: TestPrincipal) => Promise<string>;
    post: (body: URLSearchParams, who?: TestPrincipal) => Promise<Response>;
  } = {
    pilot: undefined as unknown as Pilot,
    researcher: undefined as unknown as TestPrincipal,
    coordinator: undefined as unknown as TestPrincipal,
    settingsOf: async () =>
      (await db().select().from(schema.pilots).where(eq(schema.pilots.id, fx.pilot.id)))[0]!.settings,
    audits: async () =>
      db()
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.pilotId, fx.pilot.id), eq(schema.auditLog.action, "pilot.settings_update"))),
    page: async (who = fx.researcher) => {
      const res = await call(who, "GET", `/staff/pilots/${fx.pilot.key}/settings`);
      expect(res.status).toBe(200);
      return res.text();
    },
    post: (body: URLSearchParams, who = fx.researcher) =>
      call(who, "POST", `/staff/pilots/${fx.pilot.key}/settings`, body, ORIGIN),
  };
  beforeEach(async () => {
    ({ pilot: fx.pilot } = await makePilot(settings ? { settings } : {}));
    const user = async (role: "researcher" | "coordinator") =>
      sessionFor((await staffUser({ roles: [{ role, pilotId: fx.pilot.id }] })).id);
    fx.researcher = await user("researcher");
    fx.coordinator = await user("coordinator");
  });
  return fx;
}
