import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../worker/app";
import { getDb, schema } from "../../worker/db";
import { randomToken, sha256Hex } from "../../worker/lib/crypto";
import { SESSION_COOKIE } from "../../worker/http/auth";
import { createMagicLink, REFUSED_LINK_AUDIT_WINDOW_MS } from "../../worker/staff/signin";
import { BASE, call } from "../support/http";
import { mailCount, mailTo } from "../support/mail";
import { linkIn, sessionFor, staffUser } from "../support/staff";
import { makePilot, uniqueKey } from "../support/study";

const db = () => getDb(env.DB);
let clients = 0;
/** Each call comes from its own client address, so only the rate-limit test meets the limiter. */
const signIn = (email: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}/staff/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ email }),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "cf-connecting-ip": `198.51.100.${++clients}`,
      ...headers,
    },
    redirect: "manual",
  });
/** What the confirm page's button sends: a same-origin form POST to the mailed link. */
const open = (url: string) =>
  exports.default.fetch(url, { method: "POST", redirect: "manual", headers: { origin: new URL(url).origin } });
const cookieOf = (res: Response) => /om_staff=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? null;

afterEach(() => vi.restoreAllMocks());

describe("passwordless staff sign-in", () => {
  it("answers the same for known and unknown addresses and mails a link only to the known one", async () => {
    const { pilot } = await makePilot();
    const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
    const unknown = `${uniqueKey("nobody")}@example.test`;
    const a = await signIn(unknown);
    const b = await signIn(user.email.toUpperCase());
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(await a.text()).toBe(await b.text());
    const [mail] = await mailTo(user.email);
    expect(mail!.subject).toBe("Je aanmeldlink");
    expect(await mailCount(unknown)).toBe(0);
    const link = linkIn(mail!.text);
    expect(link).toMatch(/^http:\/\/questionnaire\.localhost\/staff\/auth\//);
    // only the hash is at rest
    const token = link!.split("/staff/auth/")[1]!;
    const rows = await db().select().from(schema.magicLinks).where(eq(schema.magicLinks.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(await sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expiresAt - rows[0]!.createdAt).toBe(15 * 60_000);
  });

  it("turns the link into an HttpOnly, SameSite=Lax, Secure session cookie, once, and audits the sign-in", async () => {
    const { pilot } = await makePilot();
    const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
    await signIn(user.email);
    // Served over https as in production (the tests' PUBLIC_URL is a loopback http address).
    const link = linkIn((await mailTo(user.email))[0]!.text)!.replace(/^http:/, "https:");
    const res = await open(link);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff");
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Secure/i);
    const session = cookieOf(res)!;
    const [row] = await db()
      .select()
      .from(schema.staffSessions)
      .where(eq(schema.staffSessions.tokenHash, await sha256Hex(session)));
    expect(row!.userId).toBe(user.id);
    expect(row!.expiresAt).toBeGreaterThan(Date.now());
    const home = await exports.default.fetch(`${BASE.replace(/^http:/, "https:")}/staff`, {
      headers: { cookie: `${SESSION_COOKIE}=${session}` },
    });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain(user.email);
    expect(html).toContain(`data-pilot="${pilot.key}"`);
    expect(home.headers.get("cache-control")).toBe("no-store");

    const again = await open(link);
    expect(again.status).toBe(410);
    expect(again.headers.get("set-cookie")).toBeNull();
    const audits = await db()
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.actorId, `staff:${user.id}`));
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(["staff.sign_in_link_sent", "staff.sign_in"]));
  });

  it("opening the link (a person, or a mail scanner) only shows a confirm button; the link stays usable", async () => {
    const user = await staffUser();
    const token = (await createMagicLink(env, user.email, Date.now()))!;
    for (const method of ["GET", "HEAD", "GET"]) {
      const res = await exports.default.fetch(`${BASE}/staff/auth/${token}`, { method, redirect: "manual" });
      expect(res.status).toBe(200);
      expect(res.headers.get("set-cookie")).toBeNull();
      if (method === "GET")
        expect(await res.text()).toContain(`<form method="post" action="/staff/auth/${token}" id="auth-confirm-form">`);
    }
    expect(await db().select().from(schema.staffSessions).where(eq(schema.staffSessions.userId, user.id))).toHaveLength(
      0,
    );
    expect((await open(`${BASE}/staff/auth/${token}`)).status).toBe(303);
    // once used, the link no longer offers the button
    expect((await exports.default.fetch(`${BASE}/staff/auth/${token}`, { redirect: "manual" })).status).toBe(410);
  });

  it("refuses the confirm post from another site (login CSRF) and keeps the link unused", async () => {
    const user = await staffUser();
    const token = (await createMagicLink(env, user.email, Date.now()))!;
    const res = await exports.default.fetch(`${BASE}/staff/auth/${token}`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await open(`${BASE}/staff/auth/${token}`)).status).toBe(303);
  });

  it("omits Secure on localhost so local development works over http", async () => {
    const user = await staffUser();
    const token = (await createMagicLink(env, user.email, Date.now()))!;
    const res = await open(`http://127.0.0.1:8787/staff/auth/${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).not.toMatch(/Secure/i);
  });

  it("refuses expired, malformed and forged links", async () => {
    const user = await staffUser();
    const token = (await createMagicLink(env, user.email, Date.now()))!;
    await db()
      .update(schema.magicLinks)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(schema.magicLinks.tokenHash, await sha256Hex(token)));
    expect((await open(`${BASE}/staff/auth/${token}`)).status).toBe(410);
    expect((await open(`${BASE}/staff/auth/short`)).status).toBe(410);
    expect((await open(`${BASE}/staff/auth/${"A".repeat(43)}`)).status).toBe(410);
    expect((await open(`${BASE}/staff/auth/${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).status).toBe(410);
    expect(await db().select().from(schema.staffSessions).where(eq(schema.staffSessions.userId, user.id))).toHaveLength(
      0,
    );
  });

  it("audits refused link posts at most once per client per minute, and answers each with the 410 page", async () => {
    const failed = async () =>
      (await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, "staff.sign_in_failed"))).filter(
        (r) => r.target?.startsWith("client:"),
      );
    const before = (await failed()).length;
    const from = (ip: string) => ({
      method: "POST",
      redirect: "manual" as const,
      headers: { origin: BASE, "cf-connecting-ip": ip },
    });
    const forged = () => `${BASE}/staff/auth/${randomToken(32)}`;
    // a flood from one client, sequential and concurrent: one row
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await exports.default.fetch(forged(), from("192.0.2.10")));
    answers.push(
      ...(await Promise.all(Array.from({ length: 10 }, () => exports.default.fetch(forged(), from("192.0.2.10"))))),
    );
    for (const r of answers) {
      expect(r.status).toBe(410);
      expect(await r.text()).toContain('id="link-invalid"');
    }
    const rows = (await failed()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.target).not.toContain("192.0.2.10"); // no IP address in the audit log
    // another client gets its own row
    expect((await exports.default.fetch(forged(), from("192.0.2.11"))).status).toBe(410);
    expect((await failed()).slice(before)).toHaveLength(2);
    // a minute later the first client is audited again (once)
    await env.DB.prepare("UPDATE audit_log SET at = at - ? WHERE action = 'staff.sign_in_failed' AND target = ?")
      .bind(REFUSED_LINK_AUDIT_WINDOW_MS + 1, rows[0]!.target)
      .run();
    for (let i = 0; i < 3; i++) expect((await exports.default.fetch(forged(), from("192.0.2.10"))).status).toBe(410);
    expect((await failed()).slice(before)).toHaveLength(3);
  });

  it("lets exactly one of two concurrent uses of a link sign in", async () => {
    const user = await staffUser();
    const token = (await createMagicLink(env, user.email, Date.now()))!;
    const results = await Promise.all([
      open(`${BASE}/staff/auth/${token}`),
      open(`${BASE}/staff/auth/${token}`),
      open(`${BASE}/staff/auth/${token}`),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 410, 410]);
    expect(await db().select().from(schema.staffSessions).where(eq(schema.staffSessions.userId, user.id))).toHaveLength(
      1,
    );
  });

  it("does not sign in a disabled user and drops her existing session", async () => {
    const user = await staffUser();
    const token = (await createMagicLink(env, user.email, Date.now()))!;
    const s = await sessionFor(user.id);
    await db().update(schema.staffUsers).set({ disabledAt: Date.now() }).where(eq(schema.staffUsers.id, user.id));
    expect((await open(`${BASE}/staff/auth/${token}`)).status).toBe(410);
    expect((await call(s, "GET", "/api/v1/me")).status).toBe(401);
    expect(await createMagicLink(env, user.email, Date.now())).toBeNull();
  });

  it("rejects a malformed address, an oversized form and a cross-site form post", async () => {
    expect((await signIn("not-an-address")).status).toBe(400);
    expect((await signIn(`${"a".repeat(300)}@example.test`)).status).toBe(400);
    const big = await exports.default.fetch(`${BASE}/staff/sign-in`, {
      method: "POST",
      body: `email=${"x".repeat(10_000)}`,
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.250" },
    });
    expect(big.status).toBe(413);
    expect((await signIn("someone@example.test", { origin: "https://evil.example" })).status).toBe(403);
  });

  it("answers refused posts of the sign-in pages with a page, not JSON (found by the fuzz suite)", async () => {
    const refused = [
      await signIn("someone@example.test", { origin: "https://evil.example" }),
      await exports.default.fetch(`${BASE}/staff/sign-in`, {
        method: "POST",
        body: `email=${"x".repeat(10_000)}`,
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.251" },
      }),
      await exports.default.fetch(`${BASE}/staff/auth/${"A".repeat(43)}`, {
        method: "POST",
        headers: { origin: "https://evil.example" },
        redirect: "manual",
      }),
      await exports.default.fetch(`${BASE}/staff/auth/${"A".repeat(43)}`, {
        method: "POST",
        body: "x".repeat(2000),
        headers: { origin: BASE },
        redirect: "manual",
      }),
      await call(null, "POST", "/staff/sign-out", new URLSearchParams({})),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 413, 403, 413, 401]);
    for (const r of refused) {
      expect(r.headers.get("content-type")).toMatch(/^text\/html/);
      expect(r.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("limits sign-in requests per client address: the 11th within a minute gets 429 and no mail", async () => {
    const user = await staffUser();
    // The local limiter counts in fixed wall-clock minutes (miniflare: floor(now / 60 s)), so twelve requests
    // that straddle a minute's end would start a fresh count: begin early in a minute.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 20_000) await new Promise((r) => setTimeout(r, left + 100));
    const from = { "cf-connecting-ip": "203.0.113.77" };
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await signIn(`${uniqueKey("someone")}@example.test`, from)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
    const refused = await signIn(user.email, from);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain("Te veel aanvragen");
    expect(await mailCount(user.email)).toBe(0);
    // another address is not affected
    expect((await signIn(user.email, { "cf-connecting-ip": "203.0.113.78" })).status).toBe(200);
  });

  it("limits pending links per address", async () => {
    const user = await staffUser();
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await createMagicLink(env, user.email, Date.now()));
    expect(made.filter(Boolean)).toHaveLength(5);
  });

  it("signs out: CSRF-protected, the session row is deleted and the cookie stops working", async () => {
    const user = await staffUser();
    const s = await sessionFor(user.id);
    const noCsrf = await call(s, "POST", "/staff/sign-out", new URLSearchParams({}), { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect((await call(s, "GET", "/api/v1/me")).status).toBe(200);
    const out = await call(s, "POST", "/staff/sign-out", new URLSearchParams({ _csrf: s.csrf! }), { csrf: false });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/om_staff=;/);
    expect((await call(s, "GET", "/api/v1/me")).status).toBe(401);
    expect(await db().select().from(schema.staffSessions).where(eq(schema.staffSessions.userId, user.id))).toHaveLength(
      0,
    );
  });

  it("refuses an expired or tampered session cookie", async () => {
    const user = await staffUser();
    const s = await sessionFor(user.id);
    const token = s.headers.cookie!.split("=")[1]!;
    const tampered = { ...s, headers: { cookie: `${SESSION_COOKIE}=${token.slice(0, -2)}xy` } };
    expect((await call(tampered, "GET", "/api/v1/me")).status).toBe(401);
    await db()
      .update(schema.staffSessions)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(schema.staffSessions.tokenHash, await sha256Hex(token)));
    expect((await call(s, "GET", "/api/v1/me")).status).toBe(401);
    const page = await call(s, "GET", "/staff");
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('href="/staff/sign-in"');
  });

  it("logs no address while sending the sign-in mail, even when delivery fails", async () => {
    const user = await staffUser();
    const lines: string[] = [];
    for (const m of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
    const bad = { ...env, SMTP_PORT: "1" }; // nothing listens there: the send fails
    const res = await createApp().fetch(
      new Request(`${BASE}/staff/sign-in`, {
        method: "POST",
        body: new URLSearchParams({ email: user.email }),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      bad,
    );
    expect(res.status).toBe(200);
    await signIn(user.email);
    await mailTo(user.email);
    expect(lines.join("\n")).not.toContain(user.email);
    expect(lines.join("\n")).not.toContain(user.email.split("@")[0]);
  });
});

describe("dev credentials", () => {
  it("the dev admin token works only with DEV_MODE=1", async () => {
    const headers = { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` };
    expect((await exports.default.fetch(`${BASE}/api/v1/me`, { headers })).status).toBe(200);
    const prod = await createApp().fetch(new Request(`${BASE}/api/v1/me`, { headers }), {
      ...env,
      DEV_MODE: undefined,
    });
    expect(prod.status).toBe(401);
  });
});
