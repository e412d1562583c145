// The security headers of every response the Worker gives — HTML pages, JSON, CSV downloads, error
// envelopes, the 404/413/500 answers and the start-up guard's 503 page — set in one place: the first
// middleware of createApp (securityHeaders) and unavailableResponse both call withSecurityHeaders.
// A route may set a stricter or page-specific value first (the pages' CSP, the staff pages'
// Referrer-Policy, the islands script's long cache); whatever it leaves out gets the default below.
import { createMiddleware } from "hono/factory";

/** Strict-Transport-Security on every https answer: two years, subdomains included. */
export const HSTS = "max-age=63072000; includeSubDomains";

/**
 * Defaults for every response. The CSP here is for answers that are not pages (JSON, CSV, errors):
 * nothing may load, run or frame; pages carry their own policy (worker/lib/render.ts).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox",
};

/** Adds the defaults a response lacks (and HSTS on https); returns a response whose headers may be changed. */
export function withSecurityHeaders(res: Response, requestUrl: string): Response {
  let out = res;
  try {
    apply(out.headers, requestUrl);
  } catch {
    // Immutable headers (a response passed through from fetch): copy it once.
    out = new Response(res.body, res);
    apply(out.headers, requestUrl);
  }
  return out;
}

function apply(headers: Headers, requestUrl: string) {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!headers.has(k)) headers.set(k, v);
  if (new URL(requestUrl).protocol === "https:") headers.set("Strict-Transport-Security", HSTS);
}

/** The app's first middleware: runs after everything else, error handlers and not-found included. */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  const res = withSecurityHeaders(c.res, c.req.url);
  if (res !== c.res) c.res = res;
});
