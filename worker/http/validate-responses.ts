// Holds the API to its description. With the binding VALIDATE_RESPONSES=1 (set for the workerd tests)
// every 2xx answer of a registered operation is checked against the operation: a described status code,
// the described content type, and for JSON the response schema. A mismatch is logged and becomes a 500 in
// the one error envelope, so every test that calls the API fails where a description lies. Without the
// binding the middleware compares one string and steps aside.
import { createMiddleware } from "hono/factory";
import type { Env } from "../env";
import { AppError } from "../errors";
import { issuesOf, OPERATIONS, successStatuses, type Operation } from "./operation";

type Compiled = { method: string; re: RegExp; params: number; op: Operation };
let compiled: { count: number; list: Compiled[] } | null = null;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `/api/v1/pilots/:pilot/participants/:code` → a regex with one path segment per parameter (`:id{re}` keeps its
 * pattern).
 */
export function pathRegex(path: string): RegExp {
  const src = path
    .split("/")
    .map((seg) => {
      const m = /^:[A-Za-z0-9_]+(?:\{(.+)\})?$/.exec(seg);
      return m ? (m[1] ? `(?:${m[1]})` : "[^/]+") : escapeRe(seg);
    })
    .join("/");
  return new RegExp(`^${src}$`);
}

/**
 * The registered operation a request reaches. Hono's c.req.routePath names the middleware's own pattern
 * in a global middleware, so the operation paths are matched here; static segments win over parameters.
 * Compiled once, and again only when an operation is registered later.
 */
export function matchOperation(method: string, path: string): Operation | undefined {
  if (compiled?.count !== OPERATIONS.length) {
    const list = OPERATIONS.map((op) => ({
      method: op.method,
      re: pathRegex(op.path),
      params: (op.path.match(/\/:/g) ?? []).length,
      op,
    }));
    compiled = { count: OPERATIONS.length, list: list.sort((a, b) => a.params - b.params) };
  }
  const m = method.toLowerCase();
  return compiled.list.find((c) => c.method === m && c.re.test(path))?.op;
}

type Issue = { path: string; message: string; code: string };

/** What is wrong with a 2xx answer of an operation; empty when it matches its description. */
export async function responseIssues(op: Operation, res: Response): Promise<Issue[]> {
  const issues: Issue[] = [];
  if (!successStatuses(op).includes(res.status as 200 | 201))
    issues.push({ path: "", message: `Status ${res.status} is not described`, code: "undescribed_status" });
  const type = res.headers.get("content-type") ?? "";
  if (op.produces) {
    if (!type.toLowerCase().startsWith(op.produces))
      issues.push({
        path: "",
        message: `Content type ${type || "(none)"} instead of ${op.produces}`,
        code: "content_type",
      });
    return issues;
  }
  if (!op.response) return issues;
  if (!/^application\/json\b/i.test(type))
    return [
      ...issues,
      { path: "", message: `Content type ${type || "(none)"} instead of application/json`, code: "content_type" },
    ];
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    return [...issues, { path: "", message: "Body is not JSON", code: "invalid_json" }];
  }
  const r = op.response.safeParse(body);
  return r.success ? issues : [...issues, ...issuesOf(r.error)];
}

export const validateResponses = createMiddleware<{ Bindings: Env; Variables: { requestId: string } }>(
  async (c, next) => {
    if (c.env.VALIDATE_RESPONSES !== "1") return next();
    await next();
    if (c.res.status < 200 || c.res.status > 299) return;
    const op = matchOperation(c.req.method, c.req.path);
    if (!op) return;
    const issues = await responseIssues(op, c.res);
    if (!issues.length) return;
    const requestId = c.get("requestId");
    console.error(
      JSON.stringify({
        event: "response_mismatch",
        requestId,
        method: c.req.method,
        operation: op.path,
        status: c.res.status,
        issues,
      }),
    );
    throw new AppError(
      "internal",
      `The response does not match the API description of ${op.method.toUpperCase()} ${op.path}`,
      issues,
    );
  },
);
