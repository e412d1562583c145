import type { Context } from "hono";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { STAFF_CSS } from "../../web/components/staff-css";

let cssHash: Promise<string> | null = null;
const staffCssHash = () =>
  (cssHash ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(STAFF_CSS)).then((d) => {
    let s = "";
    for (const b of new Uint8Array(d)) s += String.fromCharCode(b);
    return `'sha256-${btoa(s)}'`;
  }));

/** Staff pages hold personal data: never cached, indexed, framed or referred; no script at all. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any page component, whatever its props
export async function renderStaffPage(c: Context, page: VNode<any>, status: 200 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 500 = 200) {
  c.header("Cache-Control", "no-store");
  // same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" on form posts, which
  // the CSRF origin check must refuse. Nothing is referred to other sites either way.
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("Content-Security-Policy", `default-src 'none'; style-src ${await staffCssHash()}; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`);
  return c.html(`<!doctype html>${renderToString(page)}`, status);
}
