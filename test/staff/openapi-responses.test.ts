// Every API answer is described in /api/v1/openapi.json, and the description is held true: with
// VALIDATE_RESPONSES=1 (vitest.config.ts) each answer is checked against it, so every workerd test that
// calls the API fails where a description lies. Here: the registry is complete, the document shows it,
// and the check really catches a lie (and stays out of the way without the binding).
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createApp } from "../../worker/app";
import { DEMO_PILOTS, seedDemo } from "../../worker/demo/seed";
import { OPERATIONS, successStatuses, type Operation } from "../../worker/http/operation";
import { matchOperation, pathRegex } from "../../worker/http/validate-responses";
import { BASE, call } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makeParticipant, makePilot } from "../support/study";

// createApp mounts every route module, so the registry is complete once it is imported.
createApp();

/** Operations that answer JSON without a response schema, each with its reason. None today. */
const UNDESCRIBED: Record<string, string> = {};

const keyOf = (o: Operation) => `${o.method.toUpperCase()} ${o.path}`;
const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
const findOp = (method: Operation["method"], path: string) => {
  const o = OPERATIONS.find((x) => x.method === method && x.path === path);
  if (!o) throw new Error(`no operation ${method} ${path}`);
  return o;
};

type ErrorBody = {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: { path: string; message: string; code: string }[];
  };
};

describe("response descriptions", () => {
  it(
    "every registered operation describes its answer: a " + "response schema for JSON, a content type for downloads",
    () => {
      expect(OPERATIONS.length).toBeGreaterThanOrEqual(39);
      const json = OPERATIONS.filter((o) => !o.produces);
      const missing = json.filter((o) => !o.response && !(keyOf(o) in UNDESCRIBED)).map(keyOf);
      expect(missing).toEqual([]);
      for (const o of OPERATIONS) {
        expect(!!o.produces && !!o.response, `${keyOf(o)}: a download has no JSON schema`).toBe(false);
        expect(successStatuses(o).length, keyOf(o)).toBeGreaterThan(0);
      }
      // The exceptions name real operations that still lack a schema.
      for (const k of Object.keys(UNDESCRIBED))
        expect(
          json.some((o) => keyOf(o) === k && !o.response),
          k,
        ).toBe(true);
      expect(
        OPERATIONS.filter((o) => o.produces)
          .map(keyOf)
          .sort(),
      ).toEqual(
        [
          "GET /api/v1/admin/archive",
          ...["codes.csv", "comments/coded.csv"].map((f) => `GET /api/v1/pilots/:pilot/${f}`),
          ...["answers.csv", "codebook.csv", "indicators.csv", "report.html", "wide.csv"].map(
            (f) => `GET /api/v1/pilots/:pilot/summary/${f}`,
          ),
          ...["answers-codebook.csv", "wide.xlsx", "wide.sps", "wide.R"].map(
            (f) => `GET /api/v1/pilots/:pilot/summary/${f}`,
          ),
          ...["participants", "measurements"].map((k) => `GET /api/v1/pilots/:pilot/imports/${k}/template.csv`),
        ].sort(),
      );
    },
  );

  it("creates answer 201, imports 200 or 201, everything else 200", () => {
    const created = OPERATIONS.filter((o) => successStatuses(o).includes(201)).map(
      (o) => `${keyOf(o)} ${successStatuses(o).join("|")}`,
    );
    expect(created.sort()).toEqual(
      [
        "POST /api/v1/admin/archive/restore 201",
        "POST /api/v1/dev/fixtures/pilot 201",
        "POST /api/v1/instruments/import 200|201",
        "POST /api/v1/pilots 201",
        "POST /api/v1/pilots/:pilot/codes 201",
        "POST /api/v1/pilots/:pilot/imports/measurements 200|201",
        "POST /api/v1/pilots/:pilot/imports/participants 200|201",
        "POST /api/v1/pilots/:pilot/participants 201",
        "POST /api/v1/staff 201",
        "POST /api/v1/tokens 201",
      ].sort(),
    );
  });

  it("openapi.json shows each schema under its status codes and each download's content type", async () => {
    const res = await exports.default.fetch(`${BASE}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    type Content = Record<string, { schema: Record<string, unknown> }>;
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: Content }> }>>;
    };
    for (const o of OPERATIONS) {
      const described = doc.paths[toOpenApiPath(o.path)]?.[o.method];
      expect(described, keyOf(o)).toBeDefined();
      const statuses = successStatuses(o).map(String);
      expect(Object.keys(described!.responses).sort(), keyOf(o)).toEqual([...statuses, "default"].sort());
      for (const s of statuses) {
        const content = described!.responses[s]!.content;
        if (o.produces) {
          // the archive (gzip) and the workbook (xlsx) are binary; CSV, HTML and syntax are text
          expect(content, keyOf(o)).toEqual({
            [o.produces]: {
              schema: o.produces.startsWith("application/") ? { type: "string", format: "binary" } : { type: "string" },
            },
          });
        } else if (o.response) {
          const schema = content?.["application/json"]?.schema;
          expect(schema, `${keyOf(o)} ${s}`).toBeDefined();
          expect(
            schema!.type === "object" || Array.isArray(schema!.anyOf) || Array.isArray(schema!.oneOf),
            keyOf(o),
          ).toBe(true);
        }
      }
    }
    // Strict objects say so, and nullable fields are nullable rather than optional.
    const me = doc.paths["/api/v1/me"]!.get!.responses["200"]!.content!["application/json"]!.schema as {
      additionalProperties: unknown;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(me.additionalProperties).toBe(false);
    expect(me.required).toContain("email");
    expect(me.properties.email).toEqual({ anyOf: [{ type: "string" }, { type: "null" }] });
    expect(doc.paths["/api/v1/pilots/{pilot}/participants"]!.post!.responses["201"]!.description).toBe("Created");
  });

  it("holds on the demo study's realistic data: every pilot GET, a dry run, and the staff-wide lists", async () => {
    await seedDemo(env.DB, env, Date.now());
    const admin = await sessionFor((await staffUser({ admin: true })).id);
    const failures: string[] = [];
    const check = async (method: string, path: string, body?: unknown) => {
      const res = await call(admin, method, path, body);
      if (res.status >= 300) failures.push(`${method} ${path} → ${res.status} ${await res.text()}`);
      else await res.body?.cancel();
    };
    for (const path of [
      "/api/v1/me",
      "/api/v1/pilots",
      "/api/v1/tokens",
      "/api/v1/staff",
      "/api/v1/audit?limit=500",
      "/api/v1/instruments",
      "/api/v1/instruments/gcir",
    ])
      await check("GET", path);
    for (const { key } of DEMO_PILOTS) {
      const participants = (await (await call(admin, "GET", `/api/v1/pilots/${key}/participants`)).json()) as {
        participants: { code: string }[];
      };
      expect(participants.participants.length, key).toBeGreaterThan(0);
      for (const o of OPERATIONS.filter(
        (x) => x.method === "get" && x.path.startsWith("/api/v1/pilots/:pilot/") && !x.path.includes(":code"),
      ))
        await check("GET", o.path.replace(":pilot", key));
      for (const { code } of participants.participants)
        await check("GET", `/api/v1/pilots/${key}/participants/${code}`);
      await check("POST", `/api/v1/pilots/${key}/reminder-runs`, { dryRun: true });
    }
    expect(failures).toEqual([]);
  });

  it("matches request paths to operations: parameters take one segment, static segments win", () => {
    expect(pathRegex("/api/v1/pilots/:pilot/participants/:code").test("/api/v1/pilots/fier/participants/Y-1")).toBe(
      true,
    );
    expect(
      pathRegex("/api/v1/pilots/:pilot/participants/:code").test("/api/v1/pilots/fier/participants/Y-1/withdraw"),
    ).toBe(false);
    expect(pathRegex("/api/v1/tokens/:id{[0-9]+}").test("/api/v1/tokens/12")).toBe(true);
    expect(pathRegex("/api/v1/tokens/:id{[0-9]+}").test("/api/v1/tokens/ab")).toBe(false);
    expect(matchOperation("GET", "/api/v1/pilots/fier/participants/Y-1")?.path).toBe(
      "/api/v1/pilots/:pilot/participants/:code",
    );
    expect(matchOperation("POST", "/api/v1/pilots/fier/participants/Y-1/withdraw")?.path).toBe(
      "/api/v1/pilots/:pilot/participants/:code/withdraw",
    );
    expect(matchOperation("POST", "/api/v1/instruments/import")?.path).toBe("/api/v1/instruments/import");
    expect(matchOperation("GET", "/api/v1/instruments/gcir")?.path).toBe("/api/v1/instruments/:key");
    expect(matchOperation("GET", "/api/v1/pilots/fier/summary/summary.json")?.path).toBe(
      "/api/v1/pilots/:pilot/summary/summary.json",
    );
    expect(matchOperation("DELETE", "/api/v1/me")).toBeUndefined();
    expect(matchOperation("GET", "/api/v1/openapi.json")).toBeUndefined();
  });
});

describe("the response check (VALIDATE_RESPONSES=1)", () => {
  const restore: (() => void)[] = [];
  /** Swaps one field of a registered operation for the rest of the test. */
  function swap<K extends "response" | "status" | "produces">(o: Operation, key: K, value: Operation[K]) {
    const before = o[key];
    o[key] = value;
    restore.push(() => {
      o[key] = before;
    });
  }
  afterEach(() => {
    for (const r of restore.splice(0).reverse()) r();
    vi.restoreAllMocks();
  });

  it("is on in these tests", () => {
    expect(env.VALIDATE_RESPONSES).toBe("1");
  });

  it(
    "turns an answer with a field the description does " + "not name into a 500 with the issues, and logs one line",
    async () => {
      const admin = await sessionFor((await staffUser({ admin: true })).id);
      const me = findOp("get", "/api/v1/me");
      expect((await call(admin, "GET", "/api/v1/me")).status).toBe(200);

      swap(
        me,
        "response",
        z.strictObject({ type: z.string(), id: z.string(), isAdmin: z.boolean(), roles: z.array(z.unknown()) }),
      );
      const log = vi.spyOn(console, "error").mockImplementation(() => {});
      const res = await call(admin, "GET", "/api/v1/me");
      expect(res.status).toBe(500);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe("internal");
      expect(body.error.message).toContain("GET /api/v1/me");
      expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
      expect(body.error.details).toEqual([expect.objectContaining({ code: "unrecognized_keys", path: "" })]);
      expect(body.error.details![0]!.message).toContain("email");
      const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("response_mismatch"));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        event: "response_mismatch",
        operation: "/api/v1/me",
        status: 200,
        requestId: body.error.requestId,
      });
    },
  );

  it(
    "catches a wrong type, a missing field, a null where " + "a value was described, and an undescribed status",
    async () => {
      const { pilot } = await makePilot();
      const p = await makeParticipant(pilot.id, { start: new Date().toISOString().slice(0, 10) });
      const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const path = `/api/v1/pilots/${pilot.key}/participants/${p.code}`;
      const one = findOp("get", "/api/v1/pilots/:pilot/participants/:code");
      const real = one.response as z.ZodObject;
      expect((await call(researcher, "GET", path)).status).toBe(200);

      // leftCareAt is null for this youth: described as a string it is a lie.
      const participant = (real.shape.participant as z.ZodObject).extend({ leftCareAt: z.string() });
      swap(one, "response", real.extend({ participant, extra: z.number() }));
      vi.spyOn(console, "error").mockImplementation(() => {});
      const res = await call(researcher, "GET", path);
      expect(res.status).toBe(500);
      const issues = ((await res.json()) as ErrorBody).error.details!;
      expect(issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: "participant.leftCareAt", code: "invalid_type" }),
          expect.objectContaining({ path: "extra", code: "invalid_type" }),
        ]),
      );

      swap(one, "response", real);
      swap(one, "status", 201);
      const wrongStatus = await call(researcher, "GET", path);
      expect(wrongStatus.status).toBe(500);
      expect(((await wrongStatus.json()) as ErrorBody).error.details).toEqual([
        expect.objectContaining({ code: "undescribed_status" }),
      ]);
    },
  );

  it("checks a download's content type", async () => {
    const { pilot } = await makePilot();
    const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const path = `/api/v1/pilots/${pilot.key}/summary/wide.csv`;
    expect((await call(researcher, "GET", path)).headers.get("content-type")).toMatch(/^text\/csv/);
    swap(findOp("get", "/api/v1/pilots/:pilot/summary/wide.csv"), "produces", "text/html");
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await call(researcher, "GET", path);
    expect(res.status).toBe(500);
    expect(((await res.json()) as ErrorBody).error.details).toEqual([
      expect.objectContaining({ code: "content_type" }),
    ]);
  });

  it("leaves errors alone: a 4xx answer is not checked against the success schema", async () => {
    const researcher = await sessionFor((await staffUser({})).id);
    swap(findOp("get", "/api/v1/pilots/:pilot/participants"), "response", z.never());
    const res = await call(researcher, "GET", "/api/v1/pilots/nope/participants");
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).error.code).toBe("forbidden");
  });

  it("without the binding, the same lie passes through untouched", async () => {
    const user = await staffUser({ admin: true });
    const admin = await sessionFor(user.id);
    swap(findOp("get", "/api/v1/me"), "response", z.strictObject({ nothing: z.literal(true) }));
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = createApp();
    const request = () => new Request(`${BASE}/api/v1/me`, { headers: admin.headers });
    const { VALIDATE_RESPONSES: _on, ...rest } = env;
    const res = await app.fetch(request(), rest);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      type: "staff",
      id: `staff:${user.id}`,
      isAdmin: true,
      email: user.email,
      roles: [],
    });
    expect(log.mock.calls.some((c) => String(c[0]).includes("response_mismatch"))).toBe(false);
    // The same app with the binding catches it.
    expect((await app.fetch(request(), { ...rest, VALIDATE_RESPONSES: "1" })).status).toBe(500);
  });
});
