// Start-up guards (worker/env.ts configProblems, worker/index.ts): outside dev mode the Worker refuses to
// serve, send or run jobs with an unsafe configuration — a 503 page and one clear log line, never a stack
// trace — and DEV_MODE is honoured only with a loopback PUBLIC_URL. Each case calls the real Worker
// entry points in workerd with the test env changed in one place.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { configProblems, isDev, type Env } from "../../worker/env";
import { contactKeyId, previousKeyEntries } from "../../worker/lib/contact-keys";

/** A production-shaped env: DEV_MODE off, https PUBLIC_URL, the SMTP sink as relay. */
const production = (over: Partial<Record<keyof Env, unknown>> = {}): Env =>
  ({
    ...env,
    DEV_MODE: undefined,
    DEV_ADMIN_TOKEN: undefined,
    PUBLIC_URL: "https://vragenlijst.example.org",
    ...over,
  }) as Env;

async function get(e: Env, path: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(`https://vragenlijst.example.org${path}`, { headers }) as never, e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const randomKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const COLLIDING = [
  "urunf/5RJh6nM07aMLaDGBa0/eZY7FLUYGiwdAbyZEU=",
  "MEvlLq9fYqWMxbvrAjfuSuDzFN0dnN/6qF7GJRSF0hg=",
] as const;

const BAD: [string, Partial<Record<keyof Env, unknown>>, RegExp][] = [
  ["PUBLIC_URL over http", { PUBLIC_URL: "http://vragenlijst.example.org" }, /PUBLIC_URL must be an https/],
  ["PUBLIC_URL not a URL", { PUBLIC_URL: "vragenlijst.example.org" }, /PUBLIC_URL must be an https/],
  ["PUBLIC_URL empty", { PUBLIC_URL: "" }, /PUBLIC_URL must be an https/],
  ["PUBLIC_URL with a path", { PUBLIC_URL: "https://example.org/vragen" }, /without a path/],
  ["LINK_SECRET missing", { LINK_SECRET: undefined }, /LINK_SECRET is missing/],
  ["SESSION_SECRET too short", { SESSION_SECRET: "short-secret-123" }, /SESSION_SECRET is shorter than 32/],
  ["CONTACT_KEY missing", { CONTACT_KEY: "" }, /CONTACT_KEY is missing/],
  [
    "CONTACT_KEY not 32 bytes",
    { CONTACT_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(48)))) },
    /CONTACT_KEY must be 32 random bytes/,
  ],
  [
    "a previous contact key not 32 bytes",
    { CONTACT_KEYS_PREVIOUS: `${randomKey()}, ${btoa("sixteen byte key")}` },
    /CONTACT_KEYS_PREVIOUS: entry 2 of 2 is not 32 random bytes/,
  ],
  [
    "a previous contact key not base64",
    { CONTACT_KEYS_PREVIOUS: "this-is-not-base64-but-long-enough-to-look-like-a-key!" },
    /CONTACT_KEYS_PREVIOUS: entry 1 of 1 is not 32 random bytes/,
  ],
  // Two different keys whose derived ids collide (found by search; the id is 32 bits): decryption by id would be
  // ambiguous.
  [
    "two contact keys with the same key id",
    { CONTACT_KEY: COLLIDING[0], CONTACT_KEYS_PREVIOUS: COLLIDING[1] },
    /different keys with the same key id k13025a21/,
  ],
  [
    "LINK_SECRET_PREVIOUS too short",
    { LINK_SECRET_PREVIOUS: "short-old-secret" },
    /LINK_SECRET_PREVIOUS is shorter than 32/,
  ],
  ["no mail transport", { MAIL_TRANSPORT: undefined }, /no mail transport configured/],
  ["unknown mail transport", { MAIL_TRANSPORT: "sendmail" }, /no mail transport configured/],
  ["smtp without host", { SMTP_HOST: "" }, /needs SMTP_HOST/],
  ["smtp with a bad port", { SMTP_PORT: "smtp" }, /needs SMTP_PORT/],
  // Issue 12, item 3: a relay login never travels in plain text.
  [
    "smtp login with STARTTLS switched off",
    { SMTP_STARTTLS: "0", SMTP_USER: "relay-user", SMTP_PASS: "relay-pass-not-logged" },
    /SMTP_USER is set but SMTP_STARTTLS=0/,
  ],
  ["cloudflare without binding", { MAIL_TRANSPORT: "cloudflare", EMAIL: undefined }, /send_email binding EMAIL/],
  [
    "http API over http",
    { MAIL_TRANSPORT: "http", MAIL_API_URL: "http://mail.example.org", MAIL_API_KEY: "k".repeat(40) },
    /https:\/\/ MAIL_API_URL/,
  ],
  ["http API without key", { MAIL_TRANSPORT: "http", MAIL_API_URL: "https://mail.example.org" }, /secret MAIL_API_KEY/],
  ["MAIL_FROM not an address", { MAIL_FROM: "vragenlijst" }, /MAIL_FROM must be an e-mail address/],
  ["no queue", { MAIL_QUEUE: undefined }, /MAIL_QUEUE is missing/],
];

describe("start-up guards", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a complete production configuration serves", async () => {
    expect(configProblems(production())).toEqual([]);
    // A relay login with STARTTLS (the default) or implicit TLS is fine; so is plain SMTP without a login.
    expect(configProblems(production({ SMTP_USER: "relay-user", SMTP_PASS: "p" }))).toEqual([]);
    expect(
      configProblems(production({ SMTP_USER: "relay-user", SMTP_PASS: "p", SMTP_SECURE: "tls", SMTP_STARTTLS: "0" })),
    ).toEqual([]);
    expect(configProblems(production({ SMTP_STARTTLS: "0" }))).toEqual([]);
    const res = await get(production(), "/healthz");
    expect(res.status).toBe(200);
  });

  for (const [name, over, reason] of BAD) {
    it(`refuses to serve: ${name}`, async () => {
      const e = production(over);
      expect(configProblems(e).join("\n")).toMatch(reason);
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      const page = await get(e, "/staff/sign-in");
      expect(page.status).toBe(503);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect(page.headers.get("cache-control")).toBe("no-store");
      const html = await page.text();
      expect(html).toContain("Even niet beschikbaar");
      // No stack trace and no configuration detail for the visitor; the reason goes to the log, once.
      expect(html).not.toMatch(/PUBLIC_URL|secret|SMTP|Error|at /);
      const api = await get(e, "/api/v1/openapi.json");
      expect(api.status).toBe(503);
      expect(await api.json()).toEqual({ error: { code: "unavailable", message: "Service unavailable" } });
      const lines = logged.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("config_refused"));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!).problems.join("\n")).toMatch(reason);
      // Secrets never reach the log.
      for (const k of ["LINK_SECRET", "CONTACT_KEY", "SESSION_SECRET", "LINK_SECRET_PREVIOUS", "SMTP_PASS"] as const)
        if (e[k]) expect(lines[0]).not.toContain(e[k]);
      for (const k of previousKeyEntries(e.CONTACT_KEYS_PREVIOUS)) expect(lines[0]).not.toContain(k);
    });
  }

  it(
    "key rotation settings that serve: previous contact keys (the " +
      "current one among them, one listed twice) and a previous LINK_SECRET",
    () => {
      const old = randomKey();
      const e = production({
        CONTACT_KEYS_PREVIOUS: `${old},${env.CONTACT_KEY}\n${old}`,
        LINK_SECRET_PREVIOUS: "an-old-link-secret-of-at-least-32-characters",
      });
      expect(configProblems(e)).toEqual([]);
      // the key ids of the colliding pair really are equal, and differ from an ordinary key's
      expect(contactKeyId(COLLIDING[0])).toBe(contactKeyId(COLLIDING[1]));
      expect(contactKeyId(COLLIDING[0])).not.toBe(contactKeyId(old));
    },
  );

  it("a refusing Worker runs no scheduled job and keeps queued mail for later", async () => {
    const e = production({ PUBLIC_URL: "http://vragenlijst.example.org" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log").first<{ n: number }>();
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }), e, ctx);
    await waitOnExecutionContext(ctx);
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
    const retried: unknown[] = [];
    const batch = { messages: [], queue: "q", retryAll: (o: unknown) => retried.push(o), ackAll: () => {} };
    await worker.queue!(batch as never, e, createExecutionContext());
    expect(retried).toEqual([{ delaySeconds: 300 }]);
  });

  it("DEV_MODE is honoured only with a loopback PUBLIC_URL", async () => {
    expect(isDev(production({ DEV_MODE: "1", PUBLIC_URL: "http://127.0.0.1:8787" }))).toBe(true);
    expect(isDev(production({ DEV_MODE: "1", PUBLIC_URL: "http://localhost:8787" }))).toBe(true);
    expect(isDev(production({ DEV_MODE: "1", PUBLIC_URL: "http://questionnaire.localhost" }))).toBe(true);
    expect(isDev(production({ DEV_MODE: "1", PUBLIC_URL: "https://vragenlijst.example.org" }))).toBe(false);
    expect(isDev(production({ DEV_MODE: "1", PUBLIC_URL: "https://localhost.example.org" }))).toBe(false);
    expect(isDev(production({ DEV_MODE: "1", PUBLIC_URL: "https://127.0.0.1.nip.io" }))).toBe(false);
    // A .dev.vars copied into production: DEV_MODE and the dev admin token are there, but do nothing.
    const copied = production({ DEV_MODE: "1", DEV_ADMIN_TOKEN: env.DEV_ADMIN_TOKEN });
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    const seed = await worker.fetch!(
      new Request("https://vragenlijst.example.org/api/v1/dev/seed", {
        method: "POST",
        headers: { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` },
      }) as never,
      copied,
      createExecutionContext(),
    );
    expect(seed.status).toBe(404); // the dev routes do not exist outside dev mode
    expect(warned.mock.calls.some((c) => String(c[0]).includes("dev_mode_ignored"))).toBe(true);
    const me = await get(copied, "/api/v1/me", { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` });
    expect(me.status).toBe(401);
  });

  it("the dev routes are listed in the API description only in dev mode", async () => {
    const prodDoc = (await (await get(production(), "/api/v1/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(prodDoc.paths).filter((p) => p.includes("/dev/"))).toEqual([]);
    expect(Object.keys(prodDoc.paths).length).toBeGreaterThan(30);
    const devDoc = (await (await get(env as Env, "/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(devDoc.paths)).toContain("/api/v1/dev/seed");
  });

  it("in dev mode only the secrets are required (http loopback, any transport)", () => {
    const dev = { ...env, PUBLIC_URL: "http://127.0.0.1:8787", MAIL_TRANSPORT: "smtp" } as Env;
    expect(configProblems(dev)).toEqual([]);
    expect(configProblems({ ...dev, LINK_SECRET: "x" } as Env)).toEqual([
      "secret LINK_SECRET is shorter than 32 characters",
    ]);
  });
});
