import type { Context } from "hono";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { APP_CSS_CSP } from "../../web/generated/assets";
import { STAFF_CSS } from "../../web/components/staff-css";

/** Headers for every page a youth can see: nothing cached, indexed, referred or framed. */
export const YOUTH_HEADERS: Record<string, string> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  "Content-Security-Policy":
    `default-src 'none'; script-src 'self'; style-src ${APP_CSS_CSP}; img-src 'self' ` +
    `data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'`,
};

export function renderPage(c: Context, page: VNode, status: 200 | 400 | 404 | 409 | 413 | 500 = 200) {
  for (const [k, v] of Object.entries(YOUTH_HEADERS)) c.header(k, v);
  return c.html(`<!doctype html>${renderToString(page)}`, status);
}

const cssHashes = new Map<string, Promise<string>>();
/** CSP source for one inline stylesheet, so staff pages need neither 'unsafe-inline' nor a CSS route. */
const cssHash = (css: string) => {
  let h = cssHashes.get(css);
  if (!h) {
    h = crypto.subtle.digest("SHA-256", new TextEncoder().encode(css)).then((d) => {
      let s = "";
      for (const b of new Uint8Array(d)) s += String.fromCharCode(b);
      return `'sha256-${btoa(s)}'`;
    });
    cssHashes.set(css, h);
  }
  return h;
};

/**
 * Staff pages hold personal data: never cached, indexed or framed; no script at all; `css` is the one
 * inline stylesheet the page carries (the staff workspace's by default).
 */
export async function renderStaffPage(
  c: Context,
  // biome-ignore lint/suspicious/noExplicitAny: any page component, whatever its props
  page: VNode<any>,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 500 = 200,
  css = STAFF_CSS,
) {
  c.header("Cache-Control", "no-store");
  // same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" on form posts, which
  // the CSRF origin check must refuse. Nothing is referred to other sites either way.
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src ${await cssHash(css)}; img-src 'self' ` +
      `data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  );
  return c.html(`<!doctype html>${renderToString(page)}`, status);
}
