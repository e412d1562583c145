// The local-development routes (DEV_MODE=1 as in the test pool): /api/v1/dev/fixtures/pilot makes a pilot,
// /bench-links gives one new youth many open questionnaires with working links, and /link finds the open
// questionnaire of the pilot that closes last (of the kind asked for). Admins only; declared with route()
// (worker/http/operation.ts), so bodies are checked and limited as every other operation's.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../worker/http/operation";
import { call, type TestPrincipal } from "../support/http";
import { apiToken } from "../support/staff";

type ErrorBody = { error: { code: string; message: string; details?: { path: string; code: string }[] } };

let admin: TestPrincipal;
let pilot: string;

beforeAll(async () => {
  admin = await apiToken("admin", null);
  const made = await call(admin, "POST", "/api/v1/dev/fixtures/pilot", {
    youths: [{ email: "dev-routes@example.test", history: [5, 6] }],
  });
  expect(made.status).toBe(201);
  pilot = ((await made.json()) as { pilot: string }).pilot;
});

describe("dev routes", () => {
  it("bench-links: one new youth, that many open frequent questionnaires, each link opens its page", async () => {
    const res = await call(admin, "POST", "/api/v1/dev/bench-links", { pilot, count: 3 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { code: string; paths: string[]; contexts: string[] };
    expect(body.code).toMatch(/^BENCH-/);
    expect(body.paths).toHaveLength(3);
    expect(body.contexts).toHaveLength(3);
    const { results } = await env.DB.prepare(
      `SELECT o.seq, o.status, count(l.occasion_id) AS links
       FROM occasions o JOIN participants p ON p.id = o.participant_id LEFT JOIN ` +
        `secure_links l ON l.occasion_id = o.id WHERE p.code = ? GROUP BY o.id ORDER BY o.seq`,
    )
      .bind(body.code)
      .all<{ seq: number; status: string; links: number }>();
    expect(results).toEqual([1, 2, 3].map((seq) => ({ seq, status: "open", links: 1 })));
    for (const path of body.paths) expect((await call(null, "GET", path)).status).toBe(200);
  });

  it("link: the open questionnaire that closes last, of the kind asked for; 404 when there is none", async () => {
    const res = await call(admin, "POST", "/api/v1/dev/link", { pilot });
    expect(res.status).toBe(200);
    const link = (await res.json()) as { code: string; url: string };
    expect(link.code).toMatch(/^BENCH-/);
    expect(link.url).toMatch(/\/q\/[A-Za-z0-9_-]{43}$/);
    expect((await call(admin, "POST", "/api/v1/dev/link", { pilot, kind: "wave" })).status).toBe(404);
    expect((await call(admin, "POST", "/api/v1/dev/link", { pilot, kind: "other" })).status).toBe(400);
  });

  it("refuses a body of the wrong shape (400, the common envelope, nothing made) and anyone but an admin", async () => {
    const benchYouths = () =>
      env.DB.prepare("SELECT count(*) AS n FROM participants WHERE code LIKE 'BENCH-%'").first<{ n: number }>();
    const before = await benchYouths();
    const bad = await call(admin, "POST", "/api/v1/dev/bench-links", { pilot, count: 0 });
    expect(bad.status).toBe(400);
    const error = ((await bad.json()) as ErrorBody).error;
    expect(error.code).toBe("validation");
    expect(error.message).toBe("Invalid request body");
    expect(error.details).toEqual([expect.objectContaining({ path: "count", code: "too_small" })]);
    expect(await benchYouths()).toEqual(before);
    const researcher = await apiToken("researcher", null);
    expect((await call(researcher, "POST", "/api/v1/dev/link", { pilot })).status).toBe(403);
  });

  it("holds a fixture to its declared limit: the largest valid fixture fits, a larger body is 413", async () => {
    const fixtures = OPERATIONS.find((o) => o.path === "/api/v1/dev/fixtures/pilot")!;
    const youth = { email: `${"a".repeat(187)}@example.test`, history: Array<number>(26).fill(10) };
    const largest = { youths: Array(500).fill(youth) };
    expect(fixtures.body!.safeParse(largest).success).toBe(true);
    expect(JSON.stringify(largest, null, 2).length).toBeLessThanOrEqual(fixtures.limit!);
    const pilots = () => env.DB.prepare("SELECT count(*) AS n FROM pilots").first<{ n: number }>();
    const before = await pilots();
    const tooLarge = await call(admin, "POST", "/api/v1/dev/fixtures/pilot", {
      youths: [{ email: "dev-routes@example.test", history: [] }],
      pad: "x".repeat(fixtures.limit!),
    });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as ErrorBody).error.code).toBe("payload_too_large");
    expect(await pilots()).toEqual(before);
  });
});
