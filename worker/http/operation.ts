// An operation is declared once: its declaration (method, path, access, body or query schema, response
// schema, body limit) is registered for the OpenAPI document (./openapi.ts) and the response check
// (./validate-responses.ts), AND is the middleware of its route: route() authenticates (401), holds the body
// to its limit (413), checks the declared access through pilotFor / requireAdmin (403) and parses the query
// and the JSON body (400), in that order, before the handler runs with what it needs. Staff pages are
// declared the same way with page(). See ./README.md.
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { AppError } from "../errors";
import { authenticate, formBody, pilotFor, READ_ROLES, requireAdmin, type StaffEnv, WRITE_ROLES } from "./auth";
import { BODY_LIMITS, enforceBodyLimit, enforceDeclaredLength } from "./body-limit";

/**
 * Who may call an operation: any signed-in staff, readers of the pilot, writers (researchers) of the pilot, or admins.
 */
export type Access = "any" | "read" | "write" | "admin" | "public";

/** Success codes an operation answers with: 201 for creates (and committed imports). */
export type SuccessStatus = 200 | 201;

export type Operation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Hono-style path, e.g. /api/v1/pilots/:pilot/participants */
  path: string;
  summary: string;
  /** Longer text for the OpenAPI description (behaviour a client must know, e.g. optimistic concurrency). */
  description?: string;
  /** Request headers the operation reads. */
  headerParams?: readonly { name: string; description: string; required?: boolean }[];
  /** Headers of the success answer. */
  responseHeaders?: Readonly<Record<string, string>>;
  access: Access;
  body?: z.ZodType;
  /** a text/csv body instead of JSON */
  csv?: boolean;
  query?: z.ZodObject;
  /** The JSON body of every 2xx answer; strict objects, so that an undescribed field is a mismatch too. */
  response?: z.ZodType;
  /** Success status codes (default 200); one schema describes all of them. */
  status?: SuccessStatus | readonly SuccessStatus[];
  /** A download that is not JSON: its content type. */
  produces?:
    | "text/csv"
    | "text/html"
    | "text/plain"
    | "application/gzip"
    | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  /** A raw (streamed) request body instead of JSON: the content types accepted. */
  upload?: readonly string[];
  /** Largest request body in bytes. Default: BODY_LIMITS.json with a JSON body, no limit without one. */
  limit?: number;
  /** The refusal of a body over the limit, where it is not the common one (the CSV imports answer bilingually). */
  tooLarge?: () => Error;
  /** The limit holds the declared Content-Length only: the handler counts the streamed body itself (uploads). */
  streamed?: boolean;
  /** An empty request body stands for `{}` (a button press that may carry options). */
  emptyBody?: boolean;
};

export const OPERATIONS: Operation[] = [];

export const API_BASE = "/api/v1";

export const successStatuses = (o: Operation): readonly SuccessStatus[] =>
  o.status === undefined ? [200] : typeof o.status === "number" ? [o.status] : o.status;

export const issuesOf = (e: z.ZodError) =>
  e.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code }));

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw new AppError("validation", "Invalid query", issuesOf(r.error));
  return r.data;
}

/** Parses a JSON body with the operation's schema; failures use the one error envelope. */
async function jsonBody<S extends z.ZodType>(c: Context, schema: S, emptyBody = false): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = emptyBody && !text.trim() ? {} : JSON.parse(text);
  } catch {
    throw new AppError("validation", "Body must be JSON");
  }
  return validated(schema, raw);
}

/** A request body checked against a schema (400 in the one envelope when it does not match). */
export function validated<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new AppError("validation", "Invalid request body", issuesOf(r.error));
  return r.data;
}

/** The pilot an operation with read or write access acts on. */
export type Pilot = Awaited<ReturnType<typeof pilotFor>>;
type Guarded = Pick<Operation, "access" | "limit" | "tooLarge" | "streamed">;

/** Authentication (401), the body limit (413), the access check (403): the same for operations and pages. */
async function guard(c: Context<StaffEnv>, g: Guarded): Promise<Pilot | undefined> {
  if (g.access !== "public") await authenticate(c);
  if (g.limit !== undefined) await (g.streamed ? enforceDeclaredLength : enforceBodyLimit)(c, g.limit, g.tooLarge);
  if (g.access === "admin") requireAdmin(c);
  if (g.access === "read" || g.access === "write") return pilotFor(c, g.access === "read" ? READ_ROLES : WRITE_ROLES);
  return undefined;
}

/** What a handler gets from its declaration: the pilot it may act on, the parsed query and body. */
export type Input<O extends Pick<Operation, "access">> = {
  pilot: O extends { access: "read" | "write" } ? Pilot : undefined;
  query: O extends { query: infer Q extends z.ZodType } ? z.infer<Q> : undefined;
  body: O extends { body: infer B extends z.ZodType } ? z.infer<B> : undefined;
};
type Handler<O extends Pick<Operation, "access">, X = object> = (
  c: Context<StaffEnv>,
  input: Input<O> & X,
) => Response | Promise<Response>;
/** A declared route: its method and path and the one Hono handler that enforces the declaration. */
export type Route = { method: Operation["method"]; path: string; run: (c: Context<StaffEnv>) => Promise<Response> };

/** Declares an API operation and makes its handler; mount the routes with mount(). */
export function route<const O extends Operation>(o: O, handler: Handler<O>): Route {
  if (!o.path.startsWith(`${API_BASE}/`)) throw new Error(`operation outside ${API_BASE}: ${o.path}`);
  OPERATIONS.push(o);
  const limit = o.limit ?? (o.body ? BODY_LIMITS.json : undefined);
  return {
    method: o.method,
    path: o.path.slice(API_BASE.length),
    run: async (c) => {
      const pilot = await guard(c, { ...o, limit });
      const query = o.query ? queryOf(c, o.query) : undefined;
      const body = o.body ? await jsonBody(c, o.body, o.emptyBody) : undefined;
      return handler(c, { pilot, query, body } as Input<O>);
    },
  };
}

/** The sub-app of declared routes: API operations (mounted at API_BASE) or pages (mounted at "/"). */
export function mount(...routes: Route[]) {
  const app = new Hono<StaffEnv>();
  for (const r of routes) app.on(r.method.toUpperCase(), r.path, r.run);
  return app;
}

/** A staff page (not in the OpenAPI document): who may see it, its body limit, and whether it reads a form. */
export type PageDeclaration = Guarded & {
  method: "get" | "post";
  path: string;
  /** Parse the posted form (within the limit; the CSRF check has read it already for a cookie session). */
  form?: boolean;
};

/** Declares a staff page: authentication, body limit and access from the declaration, the form parsed. */
export function page<const P extends PageDeclaration>(
  p: P,
  handler: Handler<P, { form: Record<string, string | File> }>,
): Route {
  return {
    method: p.method,
    path: p.path,
    run: async (c) => {
      const pilot = await guard(c, p);
      const form = p.form ? await formBody(c) : {};
      return handler(c, { pilot, query: undefined, body: undefined, form } as Input<P> & { form: typeof form });
    },
  };
}
