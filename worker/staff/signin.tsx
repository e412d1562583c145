// Passwordless staff sign-in: an e-mailed single-use link (15 minutes, hash at rest) becomes a session
// cookie (hash at rest, 12 hours). The sign-in form answers the same whether or not the address exists.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { isLocalUrl, type Env } from "../env";
import { AppError } from "../errors";
import { BODY_LIMITS } from "../http/body-limit";
import { mount, page } from "../http/operation";
import { hmacHex, randomToken, sha256Hex } from "../lib/crypto";
import { createTransport, messageIdFor } from "../mail/transport";
import { ConfirmSignInPage, SignInPage, StaffMessagePage } from "../../web/pages/staff/SignIn";
import { t } from "../../core/i18n/messages";
import { SESSION_COOKIE, SESSION_TTL_MS, type StaffEnv } from "../http/auth";
import { renderStaffPage } from "../lib/render";
import { staffPageError } from "../http/page-error";
import {
  auditRefusedLinkOnce,
  auditSignIn,
  claimMagicLink,
  deleteSession,
  enabledStaffUser,
  insertMagicLink,
  insertSession,
  magicLinkIsOpen,
  pendingMagicLinks,
} from "./sign-in-queries";
import { MINUTE_MS } from "../../core/time";

export const MAGIC_LINK_TTL_MS = 15 * MINUTE_MS;
/** At most this many unused links per address in one TTL window; more requests are silently dropped. */
const MAX_PENDING_LINKS = 5;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());

/** Secure on https and on every non-loopback host; plain http works only for local development. */
const secureCookie = (url: string) => new URL(url).protocol === "https:" || !isLocalUrl(url);

/** Logs the failure without the address: logs must carry no personal data. */
function logMailFailure(reason: string) {
  console.error(JSON.stringify({ event: "staff_mail_failed", reason }));
}

export async function sendMagicLink(env: Env, to: string, token: string) {
  const link = `${env.PUBLIC_URL.replace(/\/$/, "")}/staff/auth/${token}`;
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const transport = await createTransport(env);
  try {
    const res = await transport.send({
      to,
      subject: t("staff.mail.subject", "nl"),
      text: [
        t("staff.mail.body", "nl"),
        "",
        link,
        "",
        t("staff.mail.ignore", "nl"),
        "",
        "---",
        "",
        t("staff.mail.body", "en"),
        "",
        link,
        "",
        t("staff.mail.ignore", "en"),
      ].join("\r\n"),
      html:
        `<!doctype html><html lang="nl"><head><meta ` +
        `charset="utf-8"><title>${esc(t("staff.mail.subject", "nl"))}</title>` +
        `</head><body><p>${esc(t("staff.mail.body", "nl"))}</p><p><a ` +
        `href="${esc(link)}">${esc(link)}</a></p><p>${esc(t("staff.mail.ignore", "nl"))}</p><hr><div ` +
        `lang="en"><p>${esc(t("staff.mail.body", "en"))}</p>` +
        `<p>${esc(t("staff.mail.ignore", "en"))}</p></div></body></html>`,
      messageId: await messageIdFor(env, `staff-sign-in:${await sha256Hex(token)}`),
    });
    if (!res.accepted) logMailFailure(res.permanent ? "refused" : "temporary");
  } finally {
    await transport.close();
  }
}

/** Creates a link for a known, enabled address; returns the token or null. Unknown addresses do nothing. */
export async function createMagicLink(env: Env, email: string, now: number): Promise<string | null> {
  const user = await enabledStaffUser(env.DB, { email });
  if (!user) return null;
  if ((await pendingMagicLinks(env.DB, user.id, now)) >= MAX_PENDING_LINKS) return null;
  const token = randomToken(32);
  await insertMagicLink(env.DB, user.id, await sha256Hex(token), now + MAGIC_LINK_TTL_MS, now);
  await auditSignIn(env.DB, user.id, "staff.sign_in_link_sent", now);
  return token;
}

/** Claims a link atomically: of two concurrent uses at most one gets the user id. */
export async function consumeMagicLink(env: Env, token: string, now: number): Promise<number | null> {
  if (!TOKEN_RE.test(token)) return null;
  return claimMagicLink(env.DB, await sha256Hex(token), now);
}

/** True while a link can still be used: known, unused and not expired. Changes nothing. */
async function linkIsOpen(env: Env, token: string, now: number): Promise<boolean> {
  return TOKEN_RE.test(token) && magicLinkIsOpen(env.DB, await sha256Hex(token), now);
}

const invalidLink = (c: Context) =>
  renderStaffPage(
    c,
    <StaffMessagePage
      id="link-invalid"
      title={t("staff.link.invalid.title", "nl")}
      body={t("staff.link.invalid.body", "nl")}
      linkHref="/staff/sign-in"
      linkText={t("staff.signIn.title", "nl")}
    />,
    410,
  );

/** Refused magic-link posts are audited at most once per client per this window (a flood costs one row). */
export const REFUSED_LINK_AUDIT_WINDOW_MS = MINUTE_MS;

/**
 * Audits a refused magic-link post (unknown, expired or used link) unless the same client already has
 * such a row within the last minute. One conditional INSERT, so concurrent refusals add one row, not
 * many. The client is named by a keyed hash of its address (no IP address in the audit log); the row
 * counts nothing else, so it tells an admin "someone at this client tried links" once a minute at most.
 */
async function auditRefusedLink(c: Context<StaffEnv>, now: number) {
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const client = `client:${(await hmacHex(c.env.SESSION_SECRET, `sign-in-client:${ip}`)).slice(0, 16)}`;
  await auditRefusedLinkOnce(c.env.DB, client, now, now - REFUSED_LINK_AUDIT_WINDOW_MS);
}

export async function createSession(env: Env, userId: number, now: number): Promise<string> {
  const token = randomToken(32);
  await insertSession(env.DB, userId, await sha256Hex(token), now + SESSION_TTL_MS, now);
  return token;
}

function runInBackground(c: Context, p: Promise<unknown>) {
  const guarded = p.catch((e) => logMailFailure(e instanceof Error ? e.name : "error"));
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    return guarded; // no execution context (direct app.request in a test): just finish it
  }
  return undefined;
}

/** Requests for the sign-in form must not come from another site (login CSRF). */
function sameOrigin(c: Context) {
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) throw new AppError("forbidden", "Cross-origin request refused");
}

export const signInRoutes = mount(
  page({ method: "get", path: "/staff/sign-in", access: "public" }, (c) => renderStaffPage(c, <SignInPage />)),
  page({ method: "post", path: "/staff/sign-in", access: "public", limit: BODY_LIMITS.smallForm }, async (c) => {
    sameOrigin(c);
    const client = c.req.header("cf-connecting-ip") ?? "unknown";
    if (c.env.SIGNIN_LIMITER && !(await c.env.SIGNIN_LIMITER.limit({ key: `sign-in:${client}` })).success) {
      return renderStaffPage(c, <SignInPage error={t("staff.signIn.tooMany", "nl")} />, 429);
    }
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const parsed = emailSchema.safeParse(form.email);
    if (!parsed.success) return renderStaffPage(c, <SignInPage error={t("staff.signIn.invalidEmail", "nl")} />, 400);
    const now = Date.now();
    const token = await createMagicLink(c.env, parsed.data, now);
    // The mail goes out after the answer, so the response time does not tell whether the address exists.
    if (token) {
      const pending = runInBackground(c, sendMagicLink(c.env, parsed.data, token));
      if (pending) await pending;
    }
    return renderStaffPage(c, <SignInPage sent />);
  }),
  page({ method: "get", path: "/staff/auth/:token", access: "public" }, async (c) => {
    // Looking at a link changes nothing: only the POST from the confirm page uses it up.
    const valid = await linkIsOpen(c.env, c.req.param("token") ?? "", Date.now());
    if (!valid) return invalidLink(c);
    return renderStaffPage(c, <ConfirmSignInPage action={`/staff/auth/${c.req.param("token")}`} />);
  }),
  page({ method: "post", path: "/staff/auth/:token", access: "public", limit: BODY_LIMITS.tiny }, async (c) => {
    sameOrigin(c);
    const now = Date.now();
    const userId = await consumeMagicLink(c.env, c.req.param("token") ?? "", now);
    if (userId === null) {
      await auditRefusedLink(c, now);
      return invalidLink(c);
    }
    const user = await enabledStaffUser(c.env.DB, { id: userId });
    if (!user) {
      await auditSignIn(c.env.DB, userId, "staff.sign_in_failed", now, { reason: "disabled" });
      return invalidLink(c);
    }
    const session = await createSession(c.env, userId, now);
    setCookie(c, SESSION_COOKIE, session, {
      httpOnly: true,
      sameSite: "Lax",
      secure: secureCookie(c.req.url),
      path: "/",
      maxAge: SESSION_TTL_MS / 1000,
    });
    await auditSignIn(c.env.DB, userId, "staff.sign_in", now, { method: "magic_link" });
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer");
    return c.redirect("/staff", 303);
  }),
  page({ method: "post", path: "/staff/sign-out", access: "any" }, async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deleteSession(c.env.DB, await sha256Hex(token));
    const p = c.get("principal");
    await auditSignIn(c.env.DB, { type: p.type, id: p.id }, "staff.sign_out", Date.now());
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secureCookie(c.req.url) });
    return c.redirect("/staff/sign-in", 303);
  }),
  // Pages: a refused post (another origin, too large, not signed in) is answered with a page, not JSON.
).onError(staffPageError);
