import type { Context } from "hono";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { APP_CSS_CSP } from "../../web/generated/assets";

/** Headers for every page a youth can see: nothing cached, indexed, referred or framed. */
export const YOUTH_HEADERS: Record<string, string> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  "Content-Security-Policy": `default-src 'none'; script-src 'self'; style-src ${APP_CSS_CSP}; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'`,
};

export function renderPage(c: Context, page: VNode, status: 200 | 400 | 404 | 409 | 413 = 200) {
  for (const [k, v] of Object.entries(YOUTH_HEADERS)) c.header(k, v);
  return c.html(`<!doctype html>${renderToString(page)}`, status);
}
