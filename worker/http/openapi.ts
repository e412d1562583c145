// The OpenAPI document at /api/v1/openapi.json, built from the operation registry (./operation.ts): the
// same zod schemas that validate requests describe them, and describe the JSON every operation answers
// (held true by ./validate-responses.ts when VALIDATE_RESPONSES=1). Routes that are not registered still
// appear (from the Hono router), with their path parameters and bearer security but without body schemas.
import { z } from "zod";
import { API_BASE, OPERATIONS, type Operation, type SuccessStatus, successStatuses } from "./operation";

const ERROR = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, requestId: { type: "string" }, details: {} },
    },
  },
};

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
/**
 * Keeps the document's published shapes across zod 4 minor versions (the JSON Schema meaning is the same
 * either way): a nullable field stays `anyOf: [{type: T}, {type: "null"}]` rather than `type: [T, "null"]`,
 * a discriminated union stays `anyOf` rather than `oneOf`, and a partial record's key names stay
 * `anyOf: [keys, {not: {}}]` as zod 4.0 wrote them.
 */
const stableShapes = (node: unknown, names = false): unknown => {
  if (Array.isArray(node)) return node.map((n) => stableShapes(n));
  if (node === null || typeof node !== "object") return node;
  // In a `properties` map the keys are field names, not keywords.
  if (names) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, stableShapes(v)]));
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => {
      if (k === "type" && Array.isArray(v)) return ["anyOf", v.map((t) => ({ type: t }))];
      return [k === "oneOf" ? "anyOf" : k, stableShapes(v, k === "properties")];
    }),
  );
};
const partialRecordKeys = (ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }) => {
  const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; partial?: boolean } } })._zod?.def;
  if (def?.type === "record" && def.partial && ctx.jsonSchema.propertyNames) {
    ctx.jsonSchema.propertyNames = { anyOf: [ctx.jsonSchema.propertyNames, { not: {} }] };
  }
};
const jsonSchema = (s: z.ZodType, io: "input" | "output" = "input") => {
  const out = z.toJSONSchema(s, { unrepresentable: "any", io, override: partialRecordKeys }) as Record<string, unknown>;
  delete out.$schema;
  return stableShapes(out) as Record<string, unknown>;
};

const DESCRIPTIONS: Record<SuccessStatus, string> = { 200: "OK", 201: "Created" };

function successResponses(o: Operation | undefined): Record<string, unknown> {
  if (!o) return { "200": { description: "OK" } };
  const content = o.produces
    ? {
        [o.produces]: {
          schema: o.produces.startsWith("application/") ? { type: "string", format: "binary" } : { type: "string" },
        },
      }
    : o.response
      ? { "application/json": { schema: jsonSchema(o.response, "output") } }
      : undefined;
  const headers = o.responseHeaders
    ? Object.fromEntries(
        Object.entries(o.responseHeaders).map(([name, description]) => [
          name,
          { description, schema: { type: "string" } },
        ]),
      )
    : undefined;
  return Object.fromEntries(
    successStatuses(o).map((s) => [
      String(s),
      { description: DESCRIPTIONS[s], ...(headers ? { headers } : {}), ...(content ? { content } : {}) },
    ]),
  );
}

/** The OpenAPI 3.1 document for every /api/v1 route the app serves; the dev routes only in dev mode. */
export function buildOpenApi(routes: { method: string; path: string }[], { dev = false }: { dev?: boolean } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  const registered = new Map(OPERATIONS.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o]));
  const seen = new Set<string>();
  for (const r of routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/v1/") || r.path.includes("*")) continue;
    if (!dev && r.path.startsWith(`${API_BASE}/dev/`)) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const o = registered.get(key);
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const query = o?.query
      ? Object.entries((jsonSchema(o.query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: "query",
          required: false,
          schema,
        }))
      : [];
    const operation: Record<string, unknown> = {
      summary: o?.summary ?? `${r.method} ${r.path}`,
      ...(o?.description ? { description: o.description } : {}),
      ...(o ? { "x-access": o.access } : {}),
      parameters: [
        ...params,
        ...query,
        ...(o?.headerParams ?? []).map((h) => ({
          name: h.name,
          in: "header",
          required: h.required ?? false,
          description: h.description,
          schema: { type: "string" },
        })),
      ],
      ...(o?.access === "public" ? { security: [] } : {}),
      responses: {
        ...successResponses(o),
        default: { description: "Error", content: { "application/json": { schema: ERROR } } },
      },
    };
    if (o?.body)
      operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(o.body) } } };
    if (o?.csv) operation.requestBody = { required: true, content: { "text/csv": { schema: { type: "string" } } } };
    if (o?.upload)
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(o.upload.map((t) => [t, { schema: { type: "string", format: "binary" } }])),
      };
    (paths[toOpenApiPath(r.path)] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Outcome monitor API", version: "1" },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        session: { type: "apiKey", in: "cookie", name: "om_staff" },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
