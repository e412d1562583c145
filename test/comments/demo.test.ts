// The demo study (`npm start`) shows coding at once: a small codebook per pilot, a few tagged comments,
// counts on the codebook page and beside a youth's trends, and rows in the coded-comments export.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { DEMO_PILOTS, demoStaff, seedDemo } from "../../worker/demo/seed";
import { call } from "../support/http";
import { sessionFor } from "../support/staff";

beforeAll(async () => {
  await seedDemo(env.DB, env, Date.now());
});

describe("demo codebooks", () => {
  it(
    "every demo pilot has its codebook and a few tagged " + "comments of its own youths, tagged by its researcher",
    async () => {
      for (const p of DEMO_PILOTS) {
        const rows = (
          await env.DB.prepare(
            `SELECT c.label, count(t.response_id) AS n, sum(pp.pilot_id ` +
              `<> c.pilot_id) AS foreign_rows, min(u.email) AS tagger
           FROM comment_codes c JOIN pilots pl ON pl.id = c.pilot_id LEFT JOIN comment_tags t ON t.code_id = c.id
           LEFT JOIN responses r ON r.id = t.response_id LEFT JOIN participants ` +
              `pp ON pp.id = r.participant_id LEFT JOIN staff_users u ON u.id = t.tagged_by
           WHERE pl.key = ? GROUP BY c.id ORDER BY c.label`,
          )
            .bind(p.key)
            .all<{ label: string; n: number; foreign_rows: number | null; tagger: string | null }>()
        ).results;
        expect(rows.map((r) => r.label)).toEqual(["Hulpverlening", "School en werk", "Thuis", "Welbevinden"]);
        const tagged = rows.reduce((s, r) => s + r.n, 0);
        expect(tagged, p.key).toBeGreaterThan(0);
        expect(tagged).toBeLessThanOrEqual(16);
        expect(rows.every((r) => !r.foreign_rows)).toBe(true);
        expect(rows.filter((r) => r.tagger).every((r) => r.tagger === demoStaff(p.key).researcher)).toBe(true);
      }
    },
  );

  it("the demo researcher sees the counts and downloads the coded comments", async () => {
    const p = DEMO_PILOTS[0]!;
    const [u] = await getDb(env.DB)
      .select()
      .from(schema.staffUsers)
      .where(eq(schema.staffUsers.email, demoStaff(p.key).researcher));
    const s = await sessionFor(u!.id);
    const book = await (await call(s, "GET", `/staff/pilots/${p.key}/codebook`)).text();
    const counts = [...book.matchAll(/class="count-tags">(\d+)</g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const csv = await (await call(s, "GET", `/api/v1/pilots/${p.key}/comments/coded.csv`)).text();
    expect(csv.split("\r\n").filter(Boolean).length).toBe(1 + counts.reduce((a, b) => a + b, 0));
    const { code } = (await env.DB.prepare(
      "SELECT p.code FROM comment_tags t JOIN responses r ON r.id = t.response_id JOIN participants " +
        "p ON p.id = r.participant_id JOIN pilots pl ON pl.id = p.pilot_id WHERE pl.key = ? LIMIT 1",
    )
      .bind(p.key)
      .first<{ code: string }>())!;
    const youth = await (await call(s, "GET", `/staff/pilots/${p.key}/youths/${code}`)).text();
    expect(youth).toMatch(/id="comments-panel"[\s\S]*id="comment-counts"/);
  });
});
