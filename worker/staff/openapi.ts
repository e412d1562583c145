// One registry of API operations: the same zod schemas validate requests and describe them in the
// OpenAPI document at /api/v1/openapi.json. Routes of other domains that are not registered still appear
// (from the Hono router), with their path parameters and bearer security but without body schemas.
import type { Context } from "hono";
import { z } from "zod/v4";
import { AppError } from "../errors";

/** Who may call an operation: any signed-in staff, readers of the pilot, writers (researchers) of the pilot, or admins. */
export type Access = "any" | "read" | "write" | "admin" | "public";

export type Operation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Hono-style path, e.g. /api/v1/pilots/:pilot/participants */
  path: string;
  summary: string;
  access: Access;
  body?: z.ZodType;
  /** a text/csv body instead of JSON */
  csv?: boolean;
  query?: z.ZodObject;
  response?: z.ZodType;
};

export const OPERATIONS: Operation[] = [];

export const API_BASE = "/api/v1";

/** Registers an operation and returns its path relative to API_BASE, for a sub-app mounted there. */
export function op(o: Operation): string {
  if (!o.path.startsWith(`${API_BASE}/`)) throw new Error(`operation outside ${API_BASE}: ${o.path}`);
  OPERATIONS.push(o);
  return o.path.slice(API_BASE.length);
}

const issuesOf = (e: z.ZodError) => e.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code }));

/** Parses a JSON body with the operation's schema; failures use the one error envelope. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new AppError("validation", "Body must be JSON");
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new AppError("validation", "Invalid request body", issuesOf(r.error));
  return r.data;
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw new AppError("validation", "Invalid query", issuesOf(r.error));
  return r.data;
}

const ERROR = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, requestId: { type: "string" }, details: {} } } },
};

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
const jsonSchema = (s: z.ZodType) => {
  const out = z.toJSONSchema(s, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
};

/** The OpenAPI 3.1 document for every /api/v1 route the app serves. */
export function buildOpenApi(routes: { method: string; path: string }[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const registered = new Map(OPERATIONS.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o]));
  const seen = new Set<string>();
  for (const r of routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/v1/") || r.path.includes("*")) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const o = registered.get(key);
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = o?.query
      ? Object.entries((jsonSchema(o.query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: "query", required: false, schema }))
      : [];
    const operation: Record<string, unknown> = {
      summary: o?.summary ?? `${r.method} ${r.path}`,
      ...(o ? { "x-access": o.access } : {}),
      parameters: [...params, ...query],
      ...(o?.access === "public" ? { security: [] } : {}),
      responses: {
        "200": { description: "OK", ...(o?.response ? { content: { "application/json": { schema: jsonSchema(o.response) } } } : {}) },
        default: { description: "Error", content: { "application/json": { schema: ERROR } } },
      },
    };
    if (o?.body) operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(o.body) } } };
    if (o?.csv) operation.requestBody = { required: true, content: { "text/csv": { schema: { type: "string" } } } };
    (paths[toOpenApiPath(r.path)] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Outcome monitor API", version: "1" },
    servers: [{ url: "/" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" }, session: { type: "apiKey", in: "cookie", name: "om_staff" } } },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
