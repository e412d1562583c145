// Issue 12, item 6: security headers and no-store on every kind of answer (pages, JSON, CSV, error
// envelopes, 404/413/500, the start-up guard's 503), HSTS on https, and youth-facing errors as the
// youth's page with the quick exit.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ISLANDS_JS_PATH } from "../../web/generated/assets";
import worker from "../../worker/index";
import type { Env } from "../../worker/env";
import { HSTS } from "../../worker/lib/headers";
import { pauseToken } from "../../worker/survey/pause-token";
import { apiToken } from "../support/staff";
import { frequentVersionIds, makeParticipant, makePilot, openOccasion } from "../support/study";

async function call(
  path: string,
  init: RequestInit = {},
  e: Env = env as Env,
  origin = "http://questionnaire.localhost",
) {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(`${origin}${path}`, { redirect: "manual", ...init }) as never, e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A D1 that fails every statement: the server error of any route that reads the database. */
const brokenDb = () =>
  ({
    ...(env as Env),
    DB: new Proxy(env.DB, {
      get(target, k) {
        if (k === "prepare" || k === "batch" || k === "exec")
          return () => {
            throw new Error("D1_ERROR: injected failure");
          };
        return Reflect.get(target, k);
      },
    }),
  }) as Env;

function expectSecured(res: Response, what: string) {
  const h = res.headers;
  expect(h.get("cache-control"), what).toBe("no-store");
  expect(h.get("x-content-type-options"), what).toBe("nosniff");
  expect(h.get("x-frame-options"), what).toBe("DENY");
  expect(h.get("x-robots-tag"), what).toContain("noindex");
  expect(h.get("referrer-policy"), what).toMatch(/^(no-referrer|same-origin)$/);
  expect(h.get("content-security-policy"), what).toContain("frame-ancestors 'none'");
}

async function expectYouthErrorPage(res: Response, status: number, what: string) {
  expect(res.status, what).toBe(status);
  expect(res.headers.get("content-type"), what).toContain("text/html");
  expectSecured(res, what);
  const html = await res.text();
  expect(html, what).toContain('id="quick-exit"');
  expect(html, what).not.toContain('"error"');
  expect(html, what).not.toContain("injected failure");
  return html;
}

describe("security headers on every kind of answer", () => {
  it("pages, JSON, CSV, and the JSON error envelopes (401, 404, 413, 500)", async () => {
    const { pilot, versions } = await makePilot();
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { path } = await openOccasion(youth.id, frequentVersionIds(versions));
    const admin = await apiToken("admin", null);
    const cases: [string, Response, number][] = [
      ["youth page", await call(path), 200],
      ["pause page", await call(`/p/${await pauseToken(env as Env, youth.id)}`), 200],
      ["staff page", await call("/staff/sign-in"), 200],
      ["health JSON", await call("/healthz"), 200],
      ["OpenAPI JSON", await call("/api/v1/openapi.json"), 200],
      ["settings JSON", await call(`/api/v1/pilots/${pilot.key}/settings`, { headers: admin.headers }), 200],
      [
        "CSV download",
        await call(`/api/v1/pilots/${pilot.key}/summary/indicators.csv`, { headers: admin.headers }),
        200,
      ],
      ["401 envelope", await call(`/api/v1/pilots/${pilot.key}/settings`), 401],
      ["404 envelope", await call("/api/v1/no-such-thing"), 404],
      ["404 outside the API", await call("/no-such-page"), 404],
      [
        "413 envelope",
        await call(`/api/v1/pilots/${pilot.key}/settings`, {
          method: "PUT",
          headers: { ...admin.headers, "content-type": "application/json" },
          body: `{"senderName":"${"x".repeat(70_000)}"}`,
        }),
        413,
      ],
      ["500 envelope", await call(`/api/v1/pilots/${pilot.key}/settings`, { headers: admin.headers }, brokenDb()), 500],
    ];
    for (const [what, res, status] of cases) {
      expect(res.status, what).toBe(status);
      expectSecured(res, what);
      expect(res.headers.get("strict-transport-security"), what).toBeNull(); // plain http (local development)
    }
    const err = (await cases.find(([w]) => w === "500 envelope")![1].json()) as {
      error: { code: string; message: string };
    };
    expect(err.error).toMatchObject({ code: "internal", message: "Internal error" });
    // the pages keep their own policies (scripts only from self; staff pages same-origin referrer)
    expect(cases[0]![1].headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(cases[2]![1].headers.get("referrer-policy")).toBe("same-origin");
    // the one public, immutable asset keeps its long cache
    const js = await call(ISLANDS_JS_PATH);
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("HSTS on every https answer, errors included", async () => {
    const https = "https://questionnaire.localhost";
    for (const [path, init] of [
      ["/healthz", {}],
      ["/staff/sign-in", {}],
      ["/api/v1/nothing", {}],
      ["/q/nothing-here", {}],
      ["/api/v1/pilots/x/settings", {}],
    ] as const) {
      const res = await call(path, init, env as Env, https);
      expect(res.headers.get("strict-transport-security"), path).toBe(HSTS);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    expect(HSTS).toBe("max-age=63072000; includeSubDomains");
  });

  it("the start-up guard's 503 (page and JSON) carries them too, HSTS on https", async () => {
    const refused = { ...(env as Env), LINK_SECRET: "short" } as Env;
    for (const path of ["/q/abc", "/api/v1/openapi.json"]) {
      const res = await call(path, {}, refused, "https://questionnaire.localhost");
      expect(res.status, path).toBe(503);
      expectSecured(res, path);
      expect(res.headers.get("strict-transport-security"), path).toBe(HSTS);
      expect(res.headers.get("retry-after"), path).toBe("300");
    }
  });
});

describe("youth-facing errors are the youth page with the quick exit", () => {
  it("a server error under /q/ and /p/ (GET and POST)", async () => {
    const broken = brokenDb();
    const token = "A".repeat(43);
    for (const [path, method] of [
      [`/q/${token}`, "GET"],
      [`/q/${token}`, "POST"],
      [`/p/${await pauseToken(env as Env, 1)}`, "GET"],
      [`/p/${await pauseToken(env as Env, 1)}`, "POST"],
    ] as const) {
      const init: RequestInit =
        method === "POST"
          ? { method, body: "x=1", headers: { "content-type": "application/x-www-form-urlencoded" } }
          : {};
      const html = await expectYouthErrorPage(await call(path, init, broken), 500, `${method} ${path}`);
      expect(html).toContain("Even niet beschikbaar");
    }
    const en = await expectYouthErrorPage(await call(`/q/${token}?lang=en`, {}, broken), 500, "english");
    expect(en).toContain("Temporarily unavailable");
  });

  it("an unknown path or method under /q/ and /p/ is the youth's 404 page, not JSON", async () => {
    for (const [path, method] of [
      ["/q/a/b", "GET"],
      ["/q", "GET"],
      ["/p/x/y", "GET"],
      ["/p", "POST"],
      [`/q/${"A".repeat(43)}`, "PUT"],
      [`/q/${"A".repeat(43)}`, "DELETE"],
    ] as const) {
      const html = await expectYouthErrorPage(await call(path, { method }), 404, `${method} ${path}`);
      expect(html).toContain("Deze link werkt niet (meer)");
    }
  });

  it("a body too large, chunked or declared, under /q/ is the youth's 413 page", async () => {
    const { pilot, versions } = await makePilot();
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { path } = await openOccasion(youth.id, frequentVersionIds(versions));
    const big = "x=".padEnd(100_000, "y");
    const declared = await call(path, {
      method: "POST",
      body: big,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await expectYouthErrorPage(declared, 413, "declared");
    const chunked = new ReadableStream({
      start(ctl) {
        for (let i = 0; i < 10; i++) ctl.enqueue(new TextEncoder().encode("y".repeat(10_000)));
        ctl.close();
      },
    });
    const res = await call(path, {
      method: "POST",
      body: chunked,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      duplex: "half",
    } as RequestInit);
    await expectYouthErrorPage(res, 413, "chunked");
  });
});
