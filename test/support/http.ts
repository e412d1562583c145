// Requests to the Worker under test, as a browser or API client would send them.
import { exports } from "cloudflare:workers";

/** The origin every test request goes to (PUBLIC_URL in vitest.config.ts). */
export const BASE = "http://questionnaire.localhost";

/** Who sends a request: the headers that authenticate it and, for a cookie session, its CSRF token. */
export type TestPrincipal = {
  label: string;
  userId: number | null;
  email: string | null;
  headers: Record<string, string>;
  csrf: string | null;
};

/** A request as a principal; unsafe methods by a cookie session carry the CSRF header unless told not to. */
export function call(
  p: TestPrincipal | null,
  method: string,
  path: string,
  body?: unknown,
  opts: { csrf?: boolean; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(p?.headers ?? {}), ...(opts.headers ?? {}) };
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    if (typeof body === "string") {
      payload = body;
      headers["content-type"] ??= "text/csv";
    } else if (body instanceof FormData) {
      payload = body; // fetch sets the multipart boundary
    } else if (body instanceof URLSearchParams) {
      payload = body;
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    } else {
      payload = JSON.stringify(body);
      headers["content-type"] ??= "application/json";
    }
  }
  if (p?.csrf && method !== "GET" && opts.csrf !== false) headers["x-csrf-token"] ??= p.csrf;
  return exports.default.fetch(`${BASE}${path}`, { method, headers, body: payload, redirect: "manual" });
}

/** The init of a form post (a youth's questionnaire page, a staff form). */
export const form = (fields: Record<string, string>) => {
  const body = new URLSearchParams(fields);
  return {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual" as const,
  };
};
