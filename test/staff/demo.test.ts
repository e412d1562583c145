// The demo accounts that `npm start` prints: each researcher sees exactly her own pilot's youths.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { DEMO_ADMIN, DEMO_PILOTS, DEMO_PROJECT_COORDINATOR, demoStaff, seedDemo } from "../../worker/demo/seed";
import { call } from "../support/http";
import { sessionFor } from "../support/staff";

const db = () => getDb(env.DB);
const asUser = async (email: string) => {
  const [u] = await db().select().from(schema.staffUsers).where(eq(schema.staffUsers.email, email));
  return sessionFor(u!.id, email);
};

beforeAll(async () => {
  await seedDemo(env.DB, env, Date.now());
});

describe("demo staff", () => {
  it("each demo researcher sees her pilot's youths and no other pilot", async () => {
    for (const p of DEMO_PILOTS) {
      const s = await asUser(demoStaff(p.key).researcher);
      const res = await call(s, "GET", `/staff/pilots/${p.key}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const codes = [...html.matchAll(/<tr data-code="([^"]+)">/g)].map((m) => m[1]!);
      expect(codes).toHaveLength(p.youths);
      expect(codes.every((c) => c.startsWith(`DEMO-${p.key.slice(0, 3).toUpperCase()}-`))).toBe(true);
      expect(html).toMatch(/data-state="answered"/);
      const other = DEMO_PILOTS.find((o) => o.key !== p.key)!;
      expect((await call(s, "GET", `/staff/pilots/${other.key}`)).status).toBe(403);
      const youth = await call(s, "GET", `/staff/pilots/${p.key}/youths/${codes[1]}`);
      expect(youth.status).toBe(200);
      expect(await youth.text()).toContain('id="timeline"');
    }
  });

  it("the project coordinator and the admin see all four pilots; coordinators cannot enrol", async () => {
    for (const email of [DEMO_PROJECT_COORDINATOR, DEMO_ADMIN]) {
      const html = await (await call(await asUser(email), "GET", "/staff")).text();
      for (const p of DEMO_PILOTS) expect(html, email).toContain(`data-pilot="${p.key}"`);
    }
    const coord = await asUser(demoStaff("fier").coordinator);
    expect((await call(coord, "GET", "/staff/pilots/fier")).status).toBe(200);
    expect((await call(coord, "GET", "/staff/pilots/fier/enrol")).status).toBe(403);
  });
});
