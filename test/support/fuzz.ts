// The fuzz suite's machinery (issue 12 item 8): a small study in the test D1, every principal, the routes of
// the app (from createApp().routes, as test/staff/authorization.test.ts walks them), fast-check arbitraries
// for paths, methods, headers and bodies, the checks every answer must pass, and the invariants D1 must hold
// afterwards. Each test file of test/fuzz/ runs one area with its own seed; see test/fuzz/README.md.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { z } from "zod";
import { BACKGROUND_FIELDS, RISL_PARTS, rislItemField } from "../../schema/staff-forms";
import worker from "../../worker/index";
import { getDb, schema } from "../../worker/db";
import { ERROR_STATUS } from "../../worker/errors";
import { randomToken, sha256Hex } from "../../worker/lib/crypto";
import { pauseToken } from "../../worker/survey/pause-token";
import { effectiveSettings } from "../../worker/studies/config";
import { loadAsked } from "../../worker/studies/instruments";
import { MEASUREMENT_COLUMNS, PARTICIPANT_COLUMNS } from "../../worker/studies/import";
import { backgroundForm, CODE_RE, rislForm, settingsResponse } from "../../worker/studies/validators";
import { OPERATIONS } from "../../worker/http/operation";
import { pathRegex } from "../../worker/http/validate-responses";
import { localDate } from "../../worker/schedule/schedule";
import { createMagicLink } from "../../worker/staff/signin";
import { BASE, type TestPrincipal } from "./http";
import { APP_ROUTES } from "./routes";
import { apiToken, sessionFor, staffUser } from "./staff";
import { db, makeParticipant, makePilot, openOccasion, uniqueKey } from "./study";

// ---- routes ---------------------------------------------------------------------------------------------

export type Route = { method: string; path: string; re: RegExp; api: boolean };
/** Routes outside /api/v1 that answer JSON by design (the questionnaire's background save). */
const JSON_ROUTES = new Set(["POST /q/:token/draft"]);
export const ROUTES: Route[] = APP_ROUTES.map((r) => ({
  ...r,
  re: pathRegex(r.path),
  api: r.path.startsWith("/api/") || JSON_ROUTES.has(`${r.method} ${r.path}`),
}));
export const isPublicRoute = (r: Route) =>
  /^\/(healthz|static\/|q\/|p\/|staff\/sign-in|staff\/auth\/)/.test(r.path) || r.path === "/api/v1/openapi.json";
export const isImportRoute = (r: Route) =>
  /\/imports\/|\/import$|\/archive\/restore$|\/instruments\/import$/.test(r.path);
/**
 * Dev-only load generators (DEV_MODE): seeding the demo study writes a year of data, and a valid bench-links body
 * may ask for 20,000 questionnaires in one request — far too slow for a request fuzz, whose bodies now follow the
 * declared schemas (which seed a fuzz run reaches depends on every route's schema).
 */
const UNFUZZED = new Set(["POST /api/v1/dev/seed", "POST /api/v1/dev/bench-links"]);
export const fuzzable = (r: Route) => !UNFUZZED.has(`${r.method} ${r.path}`);

/** The route (and whether its method matched) a path reaches; static routes win over parameters. */
export function routeOf(method: string, pathname: string): Route | undefined {
  const m = method === "HEAD" ? "GET" : method;
  const hits = ROUTES.filter((r) => r.method === m && r.re.test(pathname));
  return hits.sort((a, b) => (a.path.match(/:/g)?.length ?? 0) - (b.path.match(/:/g)?.length ?? 0))[0];
}

// ---- the world ------------------------------------------------------------------------------------------

export type PrincipalName =
  | "anonymous"
  | "youth"
  | "forgedBearer"
  | "forgedCookie"
  | "revokedToken"
  | "admin"
  | "researcher"
  | "coordinator"
  | "projectCoordinator"
  | "adminToken"
  | "researcherToken"
  | "coordinatorToken"
  | "projectCoordinatorToken";
export const STAFF_SESSIONS: PrincipalName[] = ["admin", "researcher", "coordinator", "projectCoordinator"];
export const STAFF_TOKENS: PrincipalName[] = [
  "adminToken",
  "researcherToken",
  "coordinatorToken",
  "projectCoordinatorToken",
];
export const OUTSIDERS: PrincipalName[] = ["anonymous", "youth", "forgedBearer", "forgedCookie", "revokedToken"];

export type World = {
  own: { id: number; key: string; codes: string[] };
  foreign: { id: number; key: string; codes: string[] };
  /** open questionnaire links of youths in the own pilot (a submit completes one; there are plenty) */
  linkTokens: string[];
  pauseTokens: string[];
  /** v.<version>.<item> names of the questionnaire those links show */
  answerFields: string[];
  staffIds: number[];
  tokenIds: number[];
  outboxIds: number[];
  magicTokens: string[];
  principals: Record<PrincipalName, TestPrincipal | null>;
  startedAt: number;
};

/** Builds two pilots with youths, open links, outbox rows and every principal. */
export async function buildWorld(opts: { youths?: number } = {}): Promise<World> {
  const startedAt = Date.now();
  const today = localDate(Date.now(), "Europe/Amsterdam");
  const a = await makePilot();
  const b = await makePilot();
  const own = { id: a.pilot.id, key: a.pilot.key, codes: [] as string[] };
  const foreign = { id: b.pilot.id, key: b.pilot.key, codes: [] as string[] };
  const versionIds = ["welzijn", "functioneren", "basisbehoeften", "pilot_fier"].map((k) => a.versions.get(k)!);
  const linkTokens: string[] = [];
  const pauseTokens: string[] = [];
  const outboxIds: number[] = [];
  for (let i = 0; i < (opts.youths ?? 12); i++) {
    const p = await makeParticipant(own.id, { code: uniqueKey("FZ-"), start: today });
    own.codes.push(p.code);
    const o = await openOccasion(p.id, versionIds);
    linkTokens.push(o.token);
    pauseTokens.push(await pauseToken(env, p.id));
    const [row] = await db()
      .insert(schema.outbox)
      .values({
        key: `${o.occasion.id}:invitation:1`,
        occasionId: o.occasion.id,
        participantId: p.id,
        pilotId: own.id,
        kind: "invitation",
        seq: 1,
        status: "failed",
        attempts: 10,
        nextAttemptAt: Date.now(),
        lastError: "refused",
      })
      .returning();
    outboxIds.push(row!.id);
  }
  for (let i = 0; i < 3; i++)
    foreign.codes.push((await makeParticipant(foreign.id, { code: uniqueKey("FX-"), start: today })).code);
  const asked = await loadAsked(env.DB, versionIds, "active");
  const answerFields = asked.flatMap((ins) => ins.items.map((it) => `${ins.versionId}.${it.key}`));

  const researcher = await staffUser({ roles: [{ role: "researcher", pilotId: own.id }] });
  const coordinator = await staffUser({ roles: [{ role: "coordinator", pilotId: own.id }] });
  const pc = await staffUser({ roles: [{ role: "project_coordinator", pilotId: null }] });
  const admin = await staffUser({ admin: true });
  // Users and tokens an admin may disable or revoke during the run without ending the principals above.
  const staffIds: number[] = [];
  for (let i = 0; i < 4; i++) staffIds.push((await staffUser({ roles: [{ role: "researcher", pilotId: own.id }] })).id);
  const tokenIds: number[] = [];
  for (let i = 0; i < 4; i++) tokenIds.push((await apiToken("researcher", [own.id], `victim ${i}`)).id);
  const magicTokens: string[] = [];
  for (const id of staffIds.slice(0, 2)) {
    const [u] = await db()
      .select()
      .from(schema.staffUsers)
      .where((await import("drizzle-orm")).eq(schema.staffUsers.id, id));
    const t = await createMagicLink(env, u!.email, Date.now());
    if (t) magicTokens.push(t);
  }
  const revoked = await apiToken("admin", null, "revoked");
  await db()
    .update(schema.apiTokens)
    .set({ revokedAt: Date.now() })
    .where((await import("drizzle-orm")).eq(schema.apiTokens.id, revoked.id));
  return {
    own,
    foreign,
    linkTokens,
    pauseTokens,
    answerFields,
    staffIds,
    tokenIds,
    outboxIds,
    magicTokens,
    startedAt,
    principals: {
      anonymous: null,
      youth: null,
      forgedBearer: {
        label: "forged bearer",
        userId: null,
        email: null,
        csrf: null,
        headers: { authorization: `Bearer omt_${"x".repeat(43)}` },
      },
      forgedCookie: {
        label: "forged cookie",
        userId: null,
        email: null,
        csrf: "A".repeat(43),
        headers: { cookie: `om_staff=${"A".repeat(43)}` },
      },
      revokedToken: revoked,
      admin: await sessionFor(admin.id, "admin (session)"),
      researcher: await sessionFor(researcher.id, "researcher (session)"),
      coordinator: await sessionFor(coordinator.id, "coordinator (session)"),
      projectCoordinator: await sessionFor(pc.id, "project coordinator (session)"),
      adminToken: await apiToken("admin", null, "admin (token)"),
      researcherToken: await apiToken("researcher", [own.id], "researcher (token)"),
      coordinatorToken: await apiToken("coordinator", [own.id], "coordinator (token)"),
      projectCoordinatorToken: await apiToken("project_coordinator", null, "project coordinator (token)"),
    },
  };
}

// ---- strings and values ---------------------------------------------------------------------------------

const NASTY = [
  "",
  " ",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  '=HYPERLINK("https://evil.example","x")',
  "=cmd|' /C calc'!A0",
  "+1+1",
  "-2+3",
  "@SUM(A1:A2)",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uFFFE",
  "😀🏳️‍🌈",
  "\u202Eevil",
  "\u200B",
  "ﬃ",
  "İ",
  "x".repeat(300),
  "y".repeat(5000),
  "../../etc/passwd",
  "..%2F..%2F",
  "%2F",
  "%00",
  "%",
  "%zz",
  "null",
  "undefined",
  "true",
  "1e309",
  "0x10",
  "NaN",
  "-0",
  "' OR 1=1 --",
  "'); DROP TABLE participants;--",
  "\r\nSet-Cookie: x=1",
  "slachtoffer",
  "__proto__",
  "constructor",
];
const EMAILS = [
  "a@example.test",
  "A.B@Example.TEST",
  " x@example.test ",
  "no-at-sign",
  "a@b",
  "@example.test",
  `${"l".repeat(250)}@example.test`,
  "a@exa mple.test",
  "a\u0000@example.test",
  "ü@exämple.test",
];
const DATES = (): string[] => {
  const now = Date.now();
  const d = (days: number) => new Date(now + days * 86_400_000).toISOString().slice(0, 10);
  return [
    d(0),
    d(-1),
    d(-30),
    d(-400),
    d(30),
    d(200),
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "2026-1-1",
    "20260101",
    "2026-01-01T00:00:00Z",
  ];
};
const TIMEZONES = ["Europe/Amsterdam", "UTC", "America/New_York", "Mars/Olympus", "Etc/GMT+14", "europe/amsterdam", ""];
const INSTRUMENT_KEYS = [
  "welzijn",
  "functioneren",
  "basisbehoeften",
  "pilot_fier",
  "gci_r",
  "atmq",
  "tasc",
  "unknown_instrument",
];
const INTS = [
  0,
  1,
  -1,
  2,
  7,
  10,
  11,
  12,
  14,
  28,
  29,
  60,
  61,
  100,
  730,
  1095,
  2 ** 31,
  -(2 ** 31),
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  1.5,
  0.1,
  -0.5,
  1e308,
];

export function strings(w: World): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 2, arbitrary: fc.constantFrom(...EMAILS) },
    { weight: 2, arbitrary: fc.constantFrom(...DATES()) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        w.own.key,
        w.foreign.key,
        "unknown-pilot",
        ...w.own.codes.slice(0, 3),
        ...w.foreign.codes.slice(0, 1),
        ...INSTRUMENT_KEYS,
        ...TIMEZONES,
      ),
    },
    { weight: 2, arbitrary: fc.stringMatching(CODE_RE) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
  );
}

// ---- JSON bodies shaped like the operation's schema --------------------------------------------------------

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  additionalProperties?: JsonSchema | boolean;
};

function wrongValue(w: World): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(...INTS),
    strings(w),
    fc.constant([]),
    fc.constant({}),
    fc.array(strings(w), { maxLength: 3 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

/** A value for a JSON schema: mostly plausible (so handlers really run), sometimes of the wrong type. */
function fromSchema(s: JsonSchema | undefined, w: World, depth = 0, key = ""): fc.Arbitrary<unknown> {
  if (!s || depth > 5) return wrongValue(w);
  const plausible = plausibleFor(s, w, depth, key);
  return fc.oneof({ weight: 12, arbitrary: plausible }, { weight: 1, arbitrary: wrongValue(w) });
}

/** Values that pass for a field of this name (dates near today, fresh codes, addresses, pilot keys). */
function valid(key: string, w: World): fc.Arbitrary<string> | null {
  const today = Date.now();
  const day = (n: number) => new Date(today + n * 86_400_000).toISOString().slice(0, 10);
  if (/date|At$/i.test(key)) return fc.integer({ min: -60, max: 0 }).map(day);
  if (/^(code|confirmCode)$/.test(key)) return fc.oneof(fc.stringMatching(CODE_RE), fc.constantFrom(...w.own.codes));
  if (/email/i.test(key))
    return fc.oneof(
      fc.emailAddress().map((e) => e.slice(0, 200)),
      fc.constantFrom("a@example.test", "Someone@Example.Test"),
    );
  if (/^(pilot|pilots)$/.test(key)) return fc.constantFrom(w.own.key, w.foreign.key);
  if (/^(name|organisation|senderName)$/.test(key))
    return fc.oneof(fc.constantFrom("Fuzz", "Zorg & Co", "Ω team"), fc.string({ minLength: 1, maxLength: 30 }));
  if (key === "timezone") return fc.constantFrom("Europe/Amsterdam", "UTC", "Europe/Brussels");
  if (key === "key")
    return fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{1,12}$/), fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/));
  if (/Instruments$/.test(key)) return fc.constantFrom("welzijn", "functioneren", "basisbehoeften", "pilot_fier");
  return null;
}

function plausibleFor(s: JsonSchema, w: World, depth: number, key = ""): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum)
    return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...s.enum) }, { weight: 1, arbitrary: strings(w) });
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => fromSchema(a, w, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const props = Object.entries(s.properties ?? {});
      const record: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(
        props.map(([k, v]) => [k, fromSchema(v, w, depth + 1, k)]),
      );
      const required = (s as { required?: string[] }).required ?? [];
      const base = props.length
        ? fc.oneof(
            { weight: 3, arbitrary: fc.record(record, { requiredKeys: required.filter((k) => k in record) }) },
            { weight: 1, arbitrary: fc.record(record, { requiredKeys: [] }) },
          )
        : fc.constant({});
      return fc
        .tuple(
          base,
          fc.option(
            fc.dictionary(
              fc.oneof(
                fc.constantFrom("extra", "__proto__", "role", "isAdmin", "pilotId"),
                fc.string({ maxLength: 8 }),
              ),
              wrongValue(w),
              { maxKeys: 2 },
            ),
            { freq: 12 },
          ),
        )
        .map(([o, extra]) => (extra ? { ...extra, ...o } : o));
    }
    case "array":
      return fc.array(fromSchema(s.items, w, depth + 1, key), { maxLength: depth <= 1 ? 6 : 4 });
    case "string": {
      const good = valid(key, w);
      const opts: fc.Arbitrary<string>[] = good ? [good, good, good, strings(w)] : [strings(w)];
      if (s.pattern) {
        try {
          const m = fc.stringMatching(new RegExp(s.pattern));
          opts.push(m, m, m);
        } catch {
          /* a pattern fast-check cannot read */
        }
      }
      if (s.format === "email") opts.push(fc.emailAddress());
      if (s.format === "uri")
        opts.push(
          fc.webUrl(),
          fc.constantFrom(
            "javascript:alert(1)",
            "https://www.google.nl/",
            "http://x",
            "https://victim.example/slachtoffer",
          ),
        );
      return fc.oneof(...opts);
    }
    case "integer":
    case "number": {
      const min = s.minimum ?? -1000;
      const max = s.maximum ?? 1000;
      return fc.oneof(
        fc.integer({ min: Math.ceil(Math.max(min, -1e6)), max: Math.floor(Math.min(max, 1e6)) }),
        fc.constantFrom(...INTS),
        type === "number" ? fc.double({ noNaN: true, noDefaultInfinity: true }) : fc.constant(min - 1),
      );
    }
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return wrongValue(w);
  }
}

const schemaCache = new Map<string, JsonSchema | undefined>();
function bodySchemaOf(r: Route): JsonSchema | undefined {
  const k = `${r.method} ${r.path}`;
  if (!schemaCache.has(k)) {
    const o = OPERATIONS.find((op) => op.method.toUpperCase() === r.method && op.path === r.path);
    schemaCache.set(k, o?.body && (z.toJSONSchema(o.body, { unrepresentable: "any", io: "input" }) as JsonSchema));
  }
  return schemaCache.get(k);
}

// ---- requests -------------------------------------------------------------------------------------------

/** Bodies are descriptions, materialised when sent (an oversized one is only built then). */
export type Body =
  | { kind: "none" }
  | { kind: "text"; text: string; type?: string }
  | { kind: "bytes"; bytes: number[]; type?: string }
  | { kind: "form"; fields: [string, string][]; type?: string }
  | {
      kind: "multipart";
      fields: [string, string][];
      file?: { name: string; field: string; text: string; type: string };
    }
  | { kind: "big"; bytes: number; type: string; fill: "json" | "form" | "csv" | "x" }
  | { kind: "stream"; chunks: string[]; type?: string };

export type Req = {
  principal: PrincipalName;
  method: string;
  path: string;
  query: string;
  headers: [string, string][];
  body: Body;
  /** the CSRF token goes in the header, in the form field, nowhere, or wrong */
  csrf: "header" | "form" | "none" | "wrong";
};

/** encodeURIComponent, with a lone surrogate sent as the (invalid) UTF-8 bytes it would have. */
const enc = (v: string) =>
  v
    .split(/([\uD800-\uDFFF])/)
    .map((part, i) =>
      i % 2
        ? `%ED%${(0xa0 + ((part.charCodeAt(0) >> 6) & 0x1f)).toString(16).toUpperCase()}%80`
        : encodeURIComponent(part),
    )
    .join("");
const FUZZ_SEGMENTS = [
  "..",
  "%2e%2e",
  "..%2F..%2Fhealthz",
  "%2F",
  "a%2Fb",
  "%00",
  "%zz",
  "%",
  "😀",
  "%F0%9F%98%80",
  "%C3%28",
  "%FF%FE",
  "x".repeat(2000),
  "'",
  '"',
  "<script>",
  "a b",
  "+",
  "~",
  "-1",
  "0",
  "1e3",
  "9".repeat(40),
  "AAAA",
  "__proto__",
  ";",
  "%3B",
  "%5C",
  "\\",
  "null",
];

function paramValue(name: string, w: World, route: Route): fc.Arbitrary<string> {
  const fuzz = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...FUZZ_SEGMENTS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }).map(enc) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }).map(enc) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{40,46}$/) },
  );
  let real: string[] = [];
  if (name === "pilot") real = [w.own.key, w.own.key, w.own.key, w.foreign.key, w.own.key.toUpperCase()];
  else if (name === "code") real = [...w.own.codes, w.foreign.codes[0]!, w.own.codes[0]!.toLowerCase()];
  else if (name === "token" && route.path.startsWith("/q/"))
    real = [...w.linkTokens, w.linkTokens[0]!.slice(0, -1) + "A"];
  else if (name === "token" && route.path.startsWith("/p/")) real = [...w.pauseTokens, w.pauseTokens[0]! + "x"];
  else if (name === "token") real = [...w.magicTokens, randomToken(32)];
  else if (name === "id" && route.path.includes("outbox")) real = w.outboxIds.map(String);
  else if (name === "id" && route.path.includes("staff")) real = w.staffIds.map(String);
  else if (name === "id") real = w.tokenIds.map(String);
  else if (name === "form") real = ["background", "risl", "RISL"];
  else if (name === "key") real = INSTRUMENT_KEYS;
  return real.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real).map((v) => enc(v)) }, { weight: 1, arbitrary: fuzz })
    : fuzz;
}

const concretePath = (route: Route, w: World): fc.Arbitrary<string> => {
  const names = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  if (!names.length)
    return fc.oneof(
      { weight: 9, arbitrary: fc.constant(route.path) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          `${route.path}/`,
          `${route.path}/..`,
          `${route.path}%2F`,
          `/.${route.path}`,
          `${route.path}/x`,
          route.path.toUpperCase(),
        ),
      },
    );
  return fc.tuple(...names.map((n) => paramValue(n, w, route))).map((vals) => {
    let i = 0;
    return route.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, () => vals[i++]!);
  });
};

/** Unexpected methods too (workerd itself refuses methods outside the HTTP method registry, such as FOO). */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "MKCOL", "get", "post"];

const query = (w: World): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant("") },
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.constantFrom(
              "lang",
              "dryRun",
              "status",
              "limit",
              "beforeId",
              "comments",
              "filter",
              "pilot",
              "action",
              "before",
              "version",
              "contacts",
              "done",
              "saved",
              "enrolled",
              "x",
              "__proto__",
              "lang[]",
            ),
            fc.oneof(
              fc.constantFrom(
                "1",
                "0",
                "true",
                "false",
                "en",
                "nl",
                "de",
                "overdue",
                "left_care",
                "active",
                "failed",
                "-1",
                "999999999999999999999",
                "1.5",
                "",
              ),
              strings(w),
            ),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${enc(v)}`).join("&")}`),
    },
    { weight: 1, arbitrary: fc.constantFrom("?", "?&&", "?a", "?%zz=1", "?lang=%00", `?x=${"q".repeat(4000)}`) },
  );

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "multipart/form-data; boundary=xyz",
  "text/csv",
  "text/csv; charset=iso-8859-1",
  "text/plain",
  "application/gzip",
  "application/x-ndjson",
  "application/xml",
  "*/*",
  "",
  "garbage;;;=",
];

/**
 * Headers that do not change who is asking; `hostile` adds ones that do (forged bearer, broken cookies, Access JWT).
 */
const BENIGN_HEADERS: [string, string][] = [
  ["origin", BASE],
  ["origin", "https://evil.example"],
  ["origin", "null"],
  ["accept", "application/json"],
  ["accept", "text/html"],
  ["accept-language", "en-GB,en;q=0.9"],
  ["x-requested-with", "XMLHttpRequest"],
  ["cf-connecting-ip", "203.0.113.7"],
  ["x-forwarded-host", "evil.example"],
  ["cookie", `a=${"b".repeat(4000)}`],
  ["x-csrf-token", "A".repeat(43)],
  ["x-huge", "h".repeat(8000)],
];
const HOSTILE_HEADERS: [string, string][] = [
  ["cookie", "om_staff="],
  ["cookie", "om_staff=%ZZ; om_staff=x"],
  ["authorization", "Bearer "],
  ["authorization", "Basic YWRtaW46YWRtaW4="],
  ["authorization", `Bearer omt_${"y".repeat(43)}`],
  ["authorization", `Bearer ${"z".repeat(600)}`],
  ["cf-access-jwt-assertion", "eyJhbGciOiJub25lIn0.e30."],
];
const headersArb = (hostile: number): fc.Arbitrary<[string, string][]> =>
  fc.array(
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(...BENIGN_HEADERS) },
      { weight: 4, arbitrary: fc.tuple(fc.constant("content-type"), fc.constantFrom(...CONTENT_TYPES)) },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.constant("cookie"),
          fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, "").replace(/om_staff/g, "om")),
        ),
      },
      { weight: hostile, arbitrary: fc.constantFrom(...HOSTILE_HEADERS) },
      {
        weight: hostile,
        arbitrary: fc.tuple(fc.constant("authorization"), fc.stringMatching(/^Bearer [A-Za-z0-9_-]{20,60}$/)),
      },
    ),
    { maxLength: 3 },
  );

const FORM_FIELDS = [
  "code",
  "pilotStartDate",
  "consentBy",
  "selfAge16Plus",
  "consentDate",
  "email",
  "mentorEmail",
  "status",
  "confirm",
  "dryRun",
  "kind",
  "action",
  "key",
  "name",
  "organisation",
  "timezone",
  "frequentInstruments",
  "waveInstruments",
  "isAdmin",
  "projectCoordinator",
  "role",
  "pilots",
  "senderName",
  "quickExitUrl",
  "quietStart",
  "quietEnd",
  "quietWeekdays",
  "mentorAfterLastReminder",
  "frequentIntervalDays",
  "frequentWindowDays",
  "waveT2",
  "waveT3",
  "waveWindowDays",
  "studyLengthDays",
  "firstReminderAfterDays",
  "maxReminders",
  "minSpacingDays",
  "mentorAfterDays",
  "items.0.key",
  "items.0.type",
  "items.0.text.nl",
  "items.0.text.en",
  "items.0.leftCare",
  "items.1.key",
  "contacts",
  "pilot",
  "file",
  "lang",
  ...BACKGROUND_FIELDS.map(([n]) => n),
  ...RISL_PARTS.flatMap(({ key, items }) => Array.from({ length: items }, (_, i) => rislItemField(key, i))),
];

const formFields = (w: World): fc.Arbitrary<[string, string][]> => {
  const youth = w.answerFields.flatMap((f) => [`v.${f}`, `c.${f}`, `na.${f}`]);
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...FORM_FIELDS, `role:${w.own.key}`, `role:${w.foreign.key}`) },
    { weight: 4, arbitrary: fc.constantFrom(...youth) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const value = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        "1",
        "0",
        "7",
        "10",
        "11",
        "-1",
        "5.5",
        "5.555",
        "researcher",
        "coordinator",
        "participants",
        "measurements",
        "commit",
        "dry",
        "self",
        "guardian",
        "background",
        "nvt",
      ),
    },
    { weight: 4, arbitrary: strings(w) },
  );
  return fc.array(fc.tuple(key, value), { maxLength: 14 });
};

// ---- CSV files --------------------------------------------------------------------------------------------

export const csvFile = (w: World): fc.Arbitrary<string> => {
  const today = () => localDate(Date.now(), "Europe/Amsterdam");
  const cell = fc.oneof(
    { weight: 5, arbitrary: strings(w) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "self",
        "guardian",
        "welzijn",
        "functioneren",
        "persoonlijk",
        "gezin",
        "nvt",
        "7",
        "10",
        "11",
        "-1",
        "6.5",
        "ja",
        "nee",
        today(),
        `${today()} 10:30`,
        "",
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...w.own.codes, ...w.foreign.codes) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('"quoted, with comma"', '"unterminated', 'a"b', '"a""b"', '"multi\nline"'),
    },
  );
  const participantRow = fc
    .tuple(
      fc.stringMatching(CODE_RE),
      fc.constantFrom(...DATES()),
      fc.constantFrom("self", "guardian", "both"),
      fc.constantFrom(...DATES()),
      fc.constantFrom("", ...EMAILS),
      fc.constantFrom("", ...EMAILS),
    )
    .map((cells) => cells as string[]);
  const measurementRow = fc
    .tuple(
      fc.constantFrom(...w.own.codes, "NOPE-1"),
      fc.constantFrom("welzijn", "functioneren", "basisbehoeften", "pilot_fier", "gci_r", "x"),
      fc.constantFrom("persoonlijk", "gezin", "school_werk", "vrije_tijd", "x"),
      fc.constantFrom(today(), `${today()} 09:15`, ...DATES()),
      fc.constantFrom("0", "5", "10", "7.5", "11", "nvt", "", "=1+1"),
      fc.oneof(fc.constant(""), strings(w)),
    )
    .map((cells) => cells as string[]);
  const header = fc.oneof(
    { weight: 4, arbitrary: fc.constant(PARTICIPANT_COLUMNS.join(",")) },
    { weight: 4, arbitrary: fc.constant(MEASUREMENT_COLUMNS.join(",")) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "",
        "\uFEFF" + PARTICIPANT_COLUMNS.join(","),
        PARTICIPANT_COLUMNS.join(";"),
        PARTICIPANT_COLUMNS.map((c) => c.toUpperCase()).join(","),
        "a,b,c",
        '"participant_code,pilot_start_date',
      ),
    },
  );
  const row = fc.oneof(
    { weight: 3, arbitrary: participantRow },
    { weight: 3, arbitrary: measurementRow },
    { weight: 2, arbitrary: fc.array(cell, { minLength: 0, maxLength: 8 }) },
  );
  const quote = (c: string) => (/[",\n\r]/.test(c) && !c.startsWith('"') ? `"${c.replace(/"/g, '""')}"` : c);
  // files that should commit: fresh youths, or today's answers of the pilot's own youths
  const validParticipants = fc
    .array(
      fc.tuple(
        fc.stringMatching(/^[A-Z]{2}-[a-z0-9]{6,10}$/),
        fc.constantFrom("guardian", "guardian", "self"),
        fc.constantFrom("", "a@example.test", "youth@example.test"),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((rows) =>
      [
        PARTICIPANT_COLUMNS.join(","),
        ...rows.map(([c, by, mail]) => `${c},${today()},${by === "self" ? "guardian" : by},${today()},${mail},`),
      ].join("\n"),
    );
  const validMeasurements = fc
    .array(
      fc.tuple(
        fc.constantFrom(...w.own.codes),
        fc.constantFrom(
          ["welzijn", "persoonlijk"],
          ["welzijn", "gezin"],
          ["functioneren", "school_werk"],
          ["pilot_fier", "weggebleven"],
        ),
        fc.integer({ min: 0, max: 10 }),
        fc.oneof(fc.constant(""), strings(w)),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((rows) =>
      [
        MEASUREMENT_COLUMNS.join(","),
        ...rows.map(([c, [ins, item], v, comment]) =>
          [
            c,
            ins,
            item,
            `${today()} 09:00`,
            item === "weggebleven" ? (v % 2 ? "ja" : "nee") : String(v),
            quote(comment.slice(0, 400)),
          ].join(","),
        ),
      ].join("\n"),
    );
  return fc
    .tuple(
      header,
      fc.array(
        fc.array(row, { maxLength: 1 }).map((r) => r[0] ?? []),
        { maxLength: 25 },
      ),
      fc.constantFrom("\n", "\r\n", "\r"),
      fc.boolean(),
      fc.boolean(),
    )
    .map(
      ([h, rows, eol, trailing, raw]) =>
        [h, ...rows.map((cells) => cells.map(raw ? (c) => c : quote).join(","))].join(eol) + (trailing ? eol : ""),
    )
    .chain((messy) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(messy) },
        { weight: 1, arbitrary: validParticipants },
        { weight: 1, arbitrary: validMeasurements },
      ),
    );
};

// ---- bodies ----------------------------------------------------------------------------------------------

export function bodyArb(route: Route | undefined, w: World, opts: { csv?: boolean } = {}): fc.Arbitrary<Body> {
  const schemaBody =
    route && bodySchemaOf(route)
      ? fromSchema(bodySchemaOf(route), w).map(
          (v): Body => ({ kind: "text", text: JSON.stringify(v) ?? "null", type: "application/json" }),
        )
      : fc
          .jsonValue({ maxDepth: 3 })
          .map((v): Body => ({ kind: "text", text: JSON.stringify(v), type: "application/json" }));
  const csv = csvFile(w);
  const alts: { weight: number; arbitrary: fc.Arbitrary<Body> }[] = [
    { weight: 2, arbitrary: fc.constant({ kind: "none" }) },
    { weight: 6, arbitrary: schemaBody },
    {
      weight: 1,
      arbitrary: fc.jsonValue().map((v): Body => ({ kind: "text", text: JSON.stringify(v), type: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Body>(
        { kind: "text", text: "{", type: "application/json" },
        { kind: "text", text: '{"a":', type: "application/json" },
        { kind: "text", text: "\uFEFF{}", type: "application/json" },
        { kind: "text", text: "{}\u0000", type: "application/json" },
        { kind: "text", text: '{"force":true}'.repeat(200), type: "application/json" },
        { kind: "text", text: "[".repeat(5000), type: "application/json" },
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 })
        .map((b): Body => ({ kind: "bytes", bytes: [0xff, 0xfe, 0xc3, 0x28, ...b], type: "application/json" })),
    },
    { weight: 4, arbitrary: formFields(w).map((f): Body => ({ kind: "form", fields: f })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(formFields(w), fc.constantFrom("text/csv", "text/plain", "application/octet-stream", "application/json"))
        .map(
          ([f, type]): Body => ({
            kind: "multipart",
            fields: f,
            file: { field: "file", name: "upload.csv", text: "", type },
          }),
        ),
    },
    {
      weight: opts.csv ? 8 : 1,
      arbitrary: fc
        .tuple(
          csv,
          fc.constantFrom("text/csv", "text/csv; charset=utf-8", "text/plain", "application/vnd.ms-excel", ""),
        )
        .map(([text, type]): Body => ({ kind: "text", text, type })),
    },
    {
      weight: opts.csv ? 6 : 1,
      arbitrary: fc
        .tuple(
          formFields(w),
          csv,
          fc.constantFrom("participants", "measurements", "x"),
          fc.constantFrom("dry", "commit"),
        )
        .map(
          ([f, text, kind, action]): Body => ({
            kind: "multipart",
            fields: [...f.slice(0, 3), ["kind", kind], ["action", action]],
            file: { field: "file", name: "import.csv", text, type: "text/csv" },
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            1025,
            4 * 1024 + 1,
            8 * 1024 + 1,
            16 * 1024 + 1,
            32 * 1024 + 1,
            64 * 1024 + 1,
            512 * 1024 + 1,
            2 * 1024 * 1024 + 17 * 1024,
          ),
          fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/csv"),
          fc.constantFrom<"json" | "form" | "csv" | "x">("json", "form", "csv", "x"),
        )
        .map(([bytes, type, fill]): Body => ({ kind: "big", bytes, type, fill })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.array(
            fc.oneof(
              fc.constantFrom(
                '{"dryRun":',
                "true}",
                "code=a&",
                "x".repeat(3000),
                "\u0000",
                "participant_code,pilot_start_date\n",
              ),
              fc.string({ maxLength: 50 }),
            ),
            { minLength: 1, maxLength: 6 },
          ),
          fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/csv", undefined),
        )
        .map(([chunks, type]): Body => ({ kind: "stream", chunks, type })),
    },
  ];
  if (route?.path === "/q/:token") alts.push({ weight: 20, arbitrary: answerForm(w) });
  return fc.oneof(...alts);
}

/**
 * What a youth's browser (or someone with her phone) posts: mostly the real field names, values in and out of range.
 */
const answerForm = (w: World): fc.Arbitrary<Body> => {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 10 }).map(String) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "7.5",
        "0.25",
        "10.00",
        "11",
        "-1",
        "1e1",
        "0x5",
        "5.555",
        " 7 ",
        "",
        "NaN",
        "Infinity",
        "٣",
        "７",
        "1_0",
      ),
    },
    { weight: 1, arbitrary: strings(w) },
  );
  const field = fc.constantFrom(...w.answerFields);
  const entry = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(
        field.map((f) => `v.${f}`),
        value,
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(
        field.map((f) => `c.${f}`),
        strings(w),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        field.map((f) => `na.${f}`),
        fc.constantFrom("1", "0", "yes"),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom("lang", "role", "v.999999.persoonlijk", "_csrf", "v.1.__proto__"),
        strings(w),
      ),
    },
  );
  // the page's control fields: where she is, which way she goes, and the save stamp of the page she saw
  const control = fc.array(
    fc.oneof(
      fc.tuple(fc.constant("nav"), fc.constantFrom("next", "back", "submit", "submit", "x")),
      fc.tuple(fc.constant("page"), fc.constantFrom("1", "1", "2", "3", "0", "99", "-1", "a")),
      fc.tuple(fc.constant("edit"), fc.constantFrom(String(Date.now()), String(Date.now() + 86_400_000), "0", "x")),
      fc.tuple(fc.constant("seq"), fc.constantFrom("0", "1", "999", "1000000")),
    ),
    { maxLength: 3 },
  );
  // mostly a form her own browser could send (valid answers and comments), else anything in her fields
  const clean = fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(
          field.map((f) => `v.${f}`),
          fc.integer({ min: 0, max: 10 }).map(String),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          field.map((f) => `c.${f}`),
          strings(w),
        ),
      },
    ),
    { minLength: 1, maxLength: 8 },
  );
  const answers = fc.oneof(
    { weight: 3, arbitrary: clean },
    { weight: 2, arbitrary: fc.array(entry, { minLength: 0, maxLength: 12 }) },
  );
  return fc
    .tuple(control, answers, fc.constantFrom("form", "form", "form", "multipart"))
    .map(([ctl, answers, kind]): Body => {
      const fields = [...ctl, ...answers];
      return kind === "form" ? { kind: "form", fields } : { kind: "multipart", fields };
    });
};

/** One request of a fuzz area: which principals and which routes it draws from. */
export function requestArb(
  w: World,
  area: { principals: PrincipalName[]; routes: Route[]; csv?: boolean; hostile?: boolean },
): fc.Arbitrary<Req> {
  // Staff areas mostly keep their credentials and CSRF token, so that the handlers are really reached.
  const hostile = area.hostile ?? area.principals.some((p) => OUTSIDERS.includes(p));
  const csrf = hostile
    ? fc.constantFrom<Req["csrf"]>("header", "header", "header", "header", "form", "form", "none", "wrong")
    : fc.constantFrom<Req["csrf"]>(
        ...(Array(14).fill("header") as "header"[]),
        "form",
        "form",
        "form",
        "form",
        "none",
        "wrong",
      );
  const routeArb = fc.constantFrom(...area.routes);
  // Arbitraries are built once per route (building fc.stringMatching and friends per request costs ~9 ms).
  const cache = new Map<Route, { path: fc.Arbitrary<string>; body: fc.Arbitrary<Body> }>();
  const forRoute = (r: Route) =>
    cache.get(r) ?? cache.set(r, { path: concretePath(r, w), body: bodyArb(r, w, { csv: area.csv }) }).get(r)!;
  const queryArb = query(w);
  const headers = headersArb(hostile ? 5 : 1);
  return fc.tuple(fc.constantFrom(...area.principals), routeArb).chain(([principal, route]) =>
    fc.record({
      principal: fc.constant(principal),
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      path: forRoute(route).path,
      query: queryArb,
      headers,
      body: forRoute(route).body,
      csrf,
    }),
  );
}

// ---- sending ------------------------------------------------------------------------------------------

function materialise(b: Body, csrfField: string | null): { body?: BodyInit; type?: string } {
  switch (b.kind) {
    case "none":
      return csrfField
        ? { body: new URLSearchParams([["_csrf", csrfField]]), type: "application/x-www-form-urlencoded" }
        : {};
    case "text":
      return { body: b.text, type: b.type };
    case "bytes":
      return { body: new Uint8Array(b.bytes), type: b.type };
    case "form":
      return {
        body: new URLSearchParams(csrfField ? [["_csrf", csrfField], ...b.fields] : b.fields),
        type: b.type ?? "application/x-www-form-urlencoded",
      };
    case "multipart": {
      const fd = new FormData();
      if (csrfField) fd.append("_csrf", csrfField);
      // (workerd cannot serialise a multipart field name that ends in a backslash)
      for (const [k, v] of b.fields) fd.append(k.replace(/\\+$/, ""), v);
      if (b.file) fd.append(b.file.field, new File([b.file.text], b.file.name, { type: b.file.type }));
      return { body: fd };
    }
    case "big": {
      const unit =
        b.fill === "json"
          ? '{"a":"'
          : b.fill === "form"
            ? "code="
            : b.fill === "csv"
              ? "participant_code,pilot_start_date,consent_by,consent_date,email,mentor_email\n"
              : "";
      return { body: unit + "x".repeat(Math.max(0, b.bytes - unit.length)), type: b.type };
    }
    case "stream": {
      const bytes = b.chunks.map((c) => new TextEncoder().encode(c));
      const stream = new ReadableStream<Uint8Array>({
        pull(ctl) {
          const next = bytes.shift();
          if (next) ctl.enqueue(next);
          else ctl.close();
        },
      });
      return { body: stream, type: b.type };
    }
  }
}

export type Sent = {
  req: Req;
  url: string;
  status: number;
  type: string;
  text: string;
  location: string | null;
  ms: number;
};

/**
 * Sends a request to the Worker's fetch handler (worker/index.ts, the object `exports.default` is), with the
 * test env and its D1, and waits for its waitUntil work. Not through `exports.default.fetch`: inside one
 * test, each call of that loopback costs more than the one before (measured: the 50th /healthz 1.3 ms,
 * the 300th 19 ms, the 1,000th ~110 ms; the handler called directly stays at ~0.05 ms), so 10,000 requests
 * would take the better part of an hour.
 */
export async function send(w: World, req: Req): Promise<Sent> {
  let p = w.principals[req.principal];
  const route = routeOf(req.method.toUpperCase(), new URL(`${BASE}${req.path}`).pathname);
  // Signing out would end the session every later request relies on: sign out a fresh one instead.
  if (p?.userId && route?.path === "/staff/sign-out") p = await sessionFor(p.userId, "throwaway");
  const headers = new Headers();
  for (const [k, v] of Object.entries(p?.headers ?? {})) headers.set(k, v);
  const unsafe = !["GET", "HEAD"].includes(req.method.toUpperCase());
  const csrf = p?.csrf && unsafe ? (req.csrf === "wrong" ? "B".repeat(43) : req.csrf === "none" ? null : p.csrf) : null;
  const { body, type } = materialise(unsafe ? req.body : { kind: "none" }, req.csrf === "form" ? csrf : null);
  if (type) headers.set("content-type", type);
  if (csrf && req.csrf !== "form") headers.set("x-csrf-token", csrf);
  for (const [k, v] of req.headers) {
    if (k === "cookie" && headers.has("cookie")) headers.set("cookie", `${v}; ${headers.get("cookie")}`);
    else headers.set(k, v);
  }
  const url = `${BASE}${req.path}${req.query}`;
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>(
    (_r, reject) => (timer = setTimeout(() => reject(new Error("no answer within 15 s")), 15_000)),
  );
  const ctx = createExecutionContext();
  const request = new Request(url, { method: req.method, headers, body, redirect: "manual" });
  const res = await Promise.race([
    Promise.resolve(worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx)),
    hung,
  ]).finally(() => clearTimeout(timer));
  const type2 = res.headers.get("content-type") ?? "";
  const text = /gzip/.test(type2) ? (await res.body?.cancel(), "") : await res.text();
  await waitOnExecutionContext(ctx); // mail sent after the answer, so the next request sees its effects
  return {
    req,
    url,
    status: res.status,
    type: type2,
    text,
    location: res.headers.get("location"),
    ms: Date.now() - started,
  };
}

// ---- what every answer must be -----------------------------------------------------------------------

const ENVELOPE = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS]),
    message: z.string().min(1),
    requestId: z.string().min(1),
    details: z.unknown().optional(),
  }),
});

/** What is wrong with one answer (empty when nothing). */
export function problemsOf(s: Sent): string[] {
  const out: string[] = [];
  if (s.status >= 500) out.push(`server error ${s.status}`);
  const route = routeOf(s.req.method.toUpperCase(), new URL(s.url).pathname);
  const isJson = /^application\/json\b/i.test(s.type);
  if (isJson && s.req.method.toUpperCase() !== "HEAD") {
    let body: unknown;
    try {
      body = JSON.parse(s.text);
    } catch {
      out.push("JSON content type but the body is not JSON");
    }
    if (body !== undefined && s.status >= 400) {
      const r = ENVELOPE.safeParse(body);
      if (!r.success) out.push(`error body outside the envelope: ${s.text.slice(0, 200)}`);
      else if (ERROR_STATUS[r.data.error.code] !== s.status)
        out.push(`error code ${r.data.error.code} with status ${s.status}`);
    }
  }
  // A page route that was reached answers its errors with a page (a youth or staff member sees it).
  if (s.status >= 400 && route && !route.api && !/^text\/html\b/i.test(s.type))
    out.push(`page route answered ${s.status} with ${s.type || "no content type"}`);
  // Elsewhere (no route, or a middleware of a page area reached first): the JSON envelope or a page.
  if (s.status >= 400 && !route && !isJson && !/^text\/html\b/i.test(s.type) && s.req.method.toUpperCase() !== "HEAD")
    out.push(`unknown route answered ${s.status} with ${s.type || "no content type"}`);
  if (s.status >= 300 && s.status < 400) {
    if (!s.location) out.push(`redirect ${s.status} without a location`);
    else if (!/^\/(?!\/)/.test(s.location) && !s.location.startsWith(BASE))
      out.push(`redirect to another site: ${s.location}`);
  }
  return out;
}

export const describeReq = (s: Sent) =>
  `${s.req.principal} ${s.req.method} ${s.url.length > 200 ? s.url.slice(0, 200) + "…" : s.url} ` +
  `[csrf ${s.req.csrf}; headers ${JSON.stringify(s.req.headers).slice(0, 160)}; ` +
  `body ${JSON.stringify(s.req.body).slice(0, 240)}]`;

// ---- running an area ------------------------------------------------------------------------------------

/**
 * Overrides from the shell: VITE_FUZZ_SEED, VITE_FUZZ_RUNS, VITE_FUZZ_TRACE (Vite hands VITE_* variables to the workerd
 * tests).
 */
const FUZZ_ENV = (import.meta as unknown as { env: Record<string, string | undefined> }).env;

export type AreaResult = {
  runs: number;
  byStatus: Record<number, number>;
  ms: number;
  slowest: { ms: number; what: string }[];
};

/**
 * Sends `runs` requests drawn from `arb` with a fixed seed (FUZZ_SEED overrides it, FUZZ_RUNS the count).
 * Every problem is collected, so one run shows all of them; on failure the seed is in the message.
 */
export async function runArea(name: string, w: World, arb: fc.Arbitrary<Req>, opts: { seed: number; runs: number }) {
  const seed = Number(FUZZ_ENV.VITE_FUZZ_SEED ?? opts.seed);
  const runs = Number(FUZZ_ENV.VITE_FUZZ_RUNS ?? opts.runs);
  const problems: { kind: string; text: string }[] = [];
  const byStatus: Record<number, number> = {};
  const slowest: { ms: number; what: string }[] = [];
  const started = Date.now();
  let i = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (req) => {
      const n = i++;
      if (FUZZ_ENV.VITE_FUZZ_TRACE)
        console.log(
          `#${n} gen ${Date.now() - started}ms ` +
            `${req.principal} ${req.method} ${req.path.slice(0, 100)} ${req.body.kind}`,
        );
      let s: Sent;
      if (FUZZ_ENV.VITE_FUZZ_DRY) return;
      try {
        s = await send(w, req);
      } catch (e) {
        problems.push({
          kind: `threw ${(e as Error).message.slice(0, 60)}`,
          text: `#${n} request threw ${(e as Error).message}: ${JSON.stringify(req).slice(0, 300)}`,
        });
        return;
      }
      if (FUZZ_ENV.VITE_FUZZ_TRACE) console.log(`#${n} sent ${s.ms}ms → ${s.status}`);
      byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      slowest.push({ ms: s.ms, what: `${s.req.principal} ${s.req.method} ${s.req.path.slice(0, 80)} → ${s.status}` });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
      const route = routeOf(s.req.method.toUpperCase(), new URL(s.url).pathname)?.path ?? "(no route)";
      for (const p of problemsOf(s))
        problems.push({
          kind: `${p.slice(0, 40)} ${route}`,
          text: `#${n} ${p}\n    ${describeReq(s)}\n    answer: ${s.type} ${s.text.slice(0, 160).replace(/\s+/g, " ")}`,
        });
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
  const result: AreaResult = { runs: i, byStatus, ms: Date.now() - started, slowest };
  console.log(JSON.stringify({ fuzz: name, seed, ...result, rowsAfter: await rowCounts() }));
  if (problems.length) {
    // one example per kind of problem and route
    const uniq = [...new Map(problems.map((p) => [p.kind, p.text])).values()];
    throw new Error(
      `fuzz ${name}: ${problems.length} problems in ${i} requests (seed ${seed}; ` +
        `reproduce with VITE_FUZZ_SEED=${seed}):\n${uniq.slice(0, 30).join("\n")}`,
    );
  }
  return result;
}

// ---- invariants of the stored data -------------------------------------------------------------------------

const EMAIL_RE = /^[^\s@A-Z]+@[^\s@A-Z]+\.[^\s@A-Z]+$/;
const isRealDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Every rule the stored data must keep, whatever was sent; returns the violations. */
export async function invariantViolations(w: World): Promise<string[]> {
  const d1 = env.DB;
  const out: string[] = [];
  const q = async <T = Record<string, unknown>>(sql: string) => (await d1.prepare(sql).all<T>()).results;
  const none = async (what: string, sql: string) => {
    const rows = await q(sql);
    if (rows.length) out.push(`${what}: ${JSON.stringify(rows.slice(0, 5))}`);
  };
  await none(
    "answer value outside 0..10",
    "SELECT id, value FROM responses WHERE value IS NOT NULL AND " +
      "(typeof(value) NOT IN ('integer','real') OR value < 0 OR value > 10)",
  );
  await none(
    "answer neither value, n/a nor comment",
    "SELECT id FROM responses WHERE value IS NULL AND not_applicable = 0 AND comment IS NULL",
  );
  await none(
    "answer with both a value and n/a",
    "SELECT id FROM responses WHERE value IS NOT NULL AND not_applicable = 1",
  );
  await none("answer comment longer than 500", "SELECT id FROM responses WHERE length(comment) > 500");
  await none(
    "answer of another youth's occasion",
    "SELECT r.id FROM responses r JOIN occasions o ON o.id = r.occasion_id WHERE o.participant_id <> r.participant_id",
  );
  await none(
    "answer to an occasion that is not completed",
    "SELECT r.id, o.status FROM responses r JOIN occasions o ON o.id = r.occasion_id WHERE o.status <> 'completed'",
  );
  await none(
    "self answer to an instrument the occasion did not ask",
    "SELECT r.id FROM responses r JOIN occasions o ON o.id = r.occasion_id WHERE r.mode = 'self' AND NOT " +
      "EXISTS (SELECT 1 FROM json_each(o.instrument_version_ids) j WHERE j.value = r.instrument_version_id)",
  );
  await none(
    "answer mode unknown",
    "SELECT id, mode FROM responses WHERE mode NOT IN ('self','kiosk','phone','import')",
  );
  await none(
    "participant without a pilot",
    "SELECT id FROM participants WHERE pilot_id NOT IN (SELECT id FROM pilots)",
  );
  await none(
    "participant with a bad status or consent",
    "SELECT id FROM participants WHERE status NOT IN " +
      "('active','paused','left_care','withdrawn','completed') OR consent_by NOT IN ('self','guardian')",
  );
  await none(
    "contact of a withdrawn youth",
    "SELECT c.participant_id FROM participant_contacts c JOIN participants p ON p.id = c.participant_id " +
      "WHERE p.status = 'withdrawn' AND (c.email_enc IS NOT NULL OR c.mentor_email_enc IS NOT NULL)",
  );
  await none(
    "contact stored in the clear",
    "SELECT participant_id FROM participant_contacts WHERE email_enc LIKE '%@%' OR mentor_email_enc LIKE '%@%'",
  );
  await none(
    "rows for unknown participants",
    "SELECT 'occasions' t, id FROM occasions WHERE participant_id NOT IN (SELECT id FROM " +
      "participants) UNION ALL SELECT 'responses', id FROM responses WHERE participant_id NOT IN " +
      "(SELECT id FROM participants) UNION ALL SELECT 'staff_forms', id FROM staff_forms WHERE " +
      "participant_id NOT IN (SELECT id FROM participants) UNION ALL SELECT 'contacts', participant_id " +
      "FROM participant_contacts WHERE participant_id NOT IN (SELECT id FROM participants)",
  );
  await none(
    "rows for unknown pilots",
    "SELECT 'outbox' t, id FROM outbox WHERE pilot_id NOT IN (SELECT id FROM pilots) UNION ALL SELECT " +
      "'staff_roles', id FROM staff_roles WHERE pilot_id IS NOT NULL AND pilot_id NOT IN (SELECT id " +
      "FROM pilots) UNION ALL SELECT 'audit_log', id FROM audit_log WHERE pilot_id IS NOT NULL AND " +
      "pilot_id NOT IN (SELECT id FROM pilots) UNION ALL SELECT 'instruments', id FROM instruments WHERE " +
      "pilot_id IS NOT NULL AND pilot_id NOT IN (SELECT id FROM pilots) UNION ALL SELECT 'reminder_runs', " +
      "id FROM reminder_runs WHERE pilot_id IS NOT NULL AND pilot_id NOT IN (SELECT id FROM pilots)",
  );
  await none(
    "occasion with a bad window or status",
    "SELECT id FROM occasions WHERE opens_at >= closes_at OR status " +
      "NOT IN ('open','started','completed','missed','cancelled') " +
      "OR kind NOT IN ('frequent','wave') OR json_valid(instrument_version_ids) = 0",
  );
  await none(
    "occasion asking an unknown instrument version",
    "SELECT o.id FROM occasions o, json_each(o.instrument_version_ids) " +
      "j WHERE j.value NOT IN (SELECT id FROM instrument_versions)",
  );
  await none(
    "outbox row of another youth or pilot",
    "SELECT b.id FROM outbox b JOIN occasions o ON o.id = b.occasion_id JOIN participants " +
      "p ON p.id = o.participant_id WHERE b.participant_id <> p.id OR b.pilot_id <> p.pilot_id",
  );
  await none(
    "outbox row with a bad status or kind",
    "SELECT id FROM outbox WHERE status NOT IN ('queued','sending','sent','failed','cancelled') " +
      "OR kind NOT IN ('invitation','reminder','mentor') OR attempts < 0",
  );
  await none(
    "staff role unknown",
    "SELECT id, role FROM staff_roles WHERE role NOT IN " +
      "('researcher','coordinator','project_coordinator') OR user_id NOT IN (SELECT id FROM staff_users)",
  );
  await none(
    "pilot-scoped role without a pilot or project coordinator with one",
    "SELECT id FROM staff_roles WHERE (role = 'project_coordinator') <> (pilot_id IS NULL)",
  );
  await none(
    "API token with a bad role, scope or hash",
    "SELECT id, role, pilot_ids FROM api_tokens WHERE role NOT IN " +
      "('researcher','coordinator','project_coordinator','admin') " +
      "OR length(token_hash) <> 64 OR (pilot_ids IS NOT NULL AND json_valid(pilot_ids) = 0)",
  );
  await none(
    "API token scoped to an unknown pilot",
    "SELECT t.id FROM api_tokens t, json_each(t.pilot_ids) j WHERE " +
      "t.pilot_ids IS NOT NULL AND j.value NOT IN (SELECT id FROM pilots)",
  );
  await none(
    "audit row malformed",
    "SELECT id, actor_type, action FROM audit_log WHERE actor_type NOT IN ('staff','token','system','youth') " +
      "OR actor_id = '' OR action NOT GLOB '[a-z]*' OR (details IS NOT NULL AND json_valid(details) = 0)",
  );
  await none(
    "audit row from the future or the distant past",
    `SELECT id, at FROM audit_log WHERE at > ${Date.now() + 60_000} OR at < ${w.startedAt - 86_400_000}`,
  );
  await none(
    "session or link of an unknown user",
    "SELECT 'session' t, id FROM staff_sessions WHERE user_id NOT IN (SELECT id FROM staff_users) " +
      "UNION ALL SELECT 'magic', id FROM magic_links WHERE user_id NOT IN (SELECT id FROM staff_users)",
  );

  for (const p of await q<{
    id: number;
    code: string;
    pilot_start_date: string;
    consent_date: string;
    left_care_at: string | null;
  }>("SELECT id, code, pilot_start_date, consent_date, left_care_at FROM participants")) {
    if (!CODE_RE.test(p.code)) out.push(`participant ${p.id} with a code outside CODE_RE: ${JSON.stringify(p.code)}`);
    if (
      !isRealDate(p.pilot_start_date) ||
      !isRealDate(p.consent_date) ||
      (p.left_care_at !== null && !isRealDate(p.left_care_at))
    )
      out.push(`participant ${p.id} with a date that is not a date: ${JSON.stringify(p)}`);
  }
  for (const u of await q<{ id: number; email: string; name: string }>("SELECT id, email, name FROM staff_users")) {
    if (!EMAIL_RE.test(u.email) || u.email !== u.email.trim() || u.email.length > 254)
      out.push(`staff user ${u.id} with a malformed e-mail: ${JSON.stringify(u.email)}`);
    if (!u.name.trim()) out.push(`staff user ${u.id} without a name`);
  }
  for (const p of await getDb(d1).select().from(schema.pilots)) {
    if (!/^[a-z][a-z0-9-]{1,39}$/.test(p.key) && !/^p[a-z0-9]+$/.test(p.key))
      out.push(`pilot ${p.id} with a malformed key ${JSON.stringify(p.key)}`);
    if (!validZone(p.timezone)) out.push(`pilot ${p.key} with an unknown time zone ${JSON.stringify(p.timezone)}`);
    if (!p.name.trim() || !p.organisation.trim() || /[<>]/.test(p.name + p.organisation))
      out.push(`pilot ${p.key} with a bad name or organisation`);
    let eff: unknown;
    try {
      eff = effectiveSettings(p, env.MAIL_FROM_NAME);
    } catch (e) {
      out.push(`pilot ${p.key}: settings cannot be read: ${(e as Error).message}`);
      continue;
    }
    const r = settingsResponse.safeParse(eff);
    if (!r.success)
      out.push(
        `pilot ${p.key}: stored settings outside their description: ${JSON.stringify(r.error.issues.slice(0, 3))}`,
      );
  }
  for (const f of await getDb(d1).select().from(schema.staffForms)) {
    const r = (f.form === "risl" ? rislForm : backgroundForm).safeParse(f.data);
    if (!r.success)
      out.push(`staff form ${f.id} (${f.form}) stored invalid: ${JSON.stringify(r.error.issues.slice(0, 2))}`);
  }
  return out;
}

/** How much the run wrote (printed with each area, to show the handlers were really reached). */
export async function rowCounts(): Promise<Record<string, number>> {
  const tables = [
    "participants",
    "responses",
    "draft_answers",
    "staff_forms",
    "staff_users",
    "api_tokens",
    "pilots",
    "instrument_versions",
    "occasions",
    "outbox",
    "reminder_runs",
    "audit_log",
  ];
  const out: Record<string, number> = {};
  for (const t of tables)
    out[t] =
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${t}`)
        .first<number>("n")
        .catch(() => -1)) ?? 0;
  return out;
}

/** Row counts and a digest of tables (or of `SELECT`s, for the columns that must not change). */
export async function fingerprint(tables: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const rows = (await env.DB.prepare(
      t.startsWith("SELECT") ? t : `SELECT * FROM ${t} ORDER BY rowid`,
    ).raw()) as unknown[][];
    out[t] = `${rows.length}:${await sha256Hex(JSON.stringify(rows))}`;
  }
  return out;
}

export { sha256Hex };
