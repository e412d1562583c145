// Issue 12, item 6: API tokens expire — 90 days by default, chosen at creation up to a year — shown in
// the admin screen's token list and the API's; an expired token is refused with 401 like a revoked one.
import { formatDateTime } from "../../core/format";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { randomToken, sha256Hex } from "../../worker/lib/crypto";
import { BASE, call, type TestPrincipal } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { makePilot } from "../support/study";

const DAY = 86_400_000;
const db = () => getDb(env.DB);
const bearer = (secret: string): TestPrincipal => ({
  label: "token",
  userId: null,
  email: null,
  csrf: null,
  headers: { authorization: `Bearer ${secret}` },
});
type Listed = { id: number; name: string; expiresAt: number; expired: boolean };

describe("API tokens expire", () => {
  it(
    "the API: 90 days by default, a chosen number of days up " +
      "to 365; listed with expiresAt; more than 365 or 0 refused",
    async () => {
      const admin = await apiToken("admin", null);
      const before = Date.now();
      const created = await call(admin, "POST", "/api/v1/tokens", { name: "default validity", role: "admin" });
      expect(created.status).toBe(201);
      const a = (await created.json()) as { id: number; token: string; expiresAt: number };
      expect(a.expiresAt).toBeGreaterThanOrEqual(before + 90 * DAY);
      expect(a.expiresAt).toBeLessThanOrEqual(Date.now() + 90 * DAY);
      const short = (await (
        await call(admin, "POST", "/api/v1/tokens", { name: "one week", role: "admin", expiresInDays: 7 })
      ).json()) as { id: number; expiresAt: number };
      expect(short.expiresAt).toBeLessThanOrEqual(Date.now() + 7 * DAY);
      expect(short.expiresAt).toBeGreaterThan(Date.now() + 6 * DAY);
      for (const expiresInDays of [0, 366, 1.5, "30"]) {
        const res = await call(admin, "POST", "/api/v1/tokens", { name: "bad", role: "admin", expiresInDays });
        expect(res.status, String(expiresInDays)).toBe(400);
        expect(JSON.stringify(await res.json())).toContain("expiresInDays");
      }
      const list = ((await (await call(admin, "GET", "/api/v1/tokens")).json()) as { tokens: Listed[] }).tokens;
      expect(list.find((t) => t.id === a.id)).toMatchObject({ expiresAt: a.expiresAt, expired: false });
      expect(list.find((t) => t.id === short.id)).toMatchObject({ expiresAt: short.expiresAt, expired: false });
      expect((await call(bearer(a.token), "GET", "/api/v1/me")).status).toBe(200);
    },
  );

  it("an expired token is refused with 401 like a revoked one, and listed as expired", async () => {
    const admin = await apiToken("admin", null);
    const a = (await (
      await call(admin, "POST", "/api/v1/tokens", { name: "soon expired", role: "admin", expiresInDays: 1 })
    ).json()) as { id: number; token: string };
    expect((await call(bearer(a.token), "GET", "/api/v1/me")).status).toBe(200);
    await db()
      .update(schema.apiTokens)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(schema.apiTokens.id, a.id));
    const res = await call(bearer(a.token), "GET", "/api/v1/me");
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "unauthorized",
      message: "Unknown, revoked or expired token",
    });
    const list = ((await (await call(admin, "GET", "/api/v1/tokens")).json()) as { tokens: Listed[] }).tokens;
    expect(list.find((t) => t.id === a.id)).toMatchObject({ expired: true });
  });

  it("a token made before expiry existed (no expires_at) expires 90 days after its creation", async () => {
    const fresh = `omt_${randomToken(32)}`;
    const old = `omt_${randomToken(32)}`;
    await env.DB.prepare(
      "INSERT INTO api_tokens (name, token_hash, role, created_at) VALUES " +
        "('legacy fresh', ?, 'admin', ?), ('legacy old', ?, 'admin', ?)",
    )
      .bind(await sha256Hex(fresh), Date.now() - 89 * DAY, await sha256Hex(old), Date.now() - 91 * DAY)
      .run();
    expect((await call(bearer(fresh), "GET", "/api/v1/me")).status).toBe(200);
    expect((await call(bearer(old), "GET", "/api/v1/me")).status).toBe(401);
  });

  it(
    "the admin screen: validity chosen in the form (default 90), the " +
      "expiry shown after creation and in the list; bad days beside the field",
    async () => {
      const { pilot } = await makePilot();
      const admin = await sessionFor((await staffUser({ admin: true })).id);
      const post = (fields: Record<string, string>) =>
        call(admin, "POST", "/staff/admin/tokens", new URLSearchParams(fields), { headers: { origin: BASE } });
      const page = await (await call(admin, "GET", "/staff/admin/tokens")).text();
      expect(page).toMatch(/<input id="expiresInDays" name="expiresInDays" type="number"[^>]*max="365" value="90"/);
      const res = await post({ name: "Export 30 dagen", role: "coordinator", pilots: pilot.key, expiresInDays: "30" });
      expect(res.status).toBe(200);
      const html = await res.text();
      const [row] = await db().select().from(schema.apiTokens).where(eq(schema.apiTokens.name, "Export 30 dagen"));
      expect(row!.expiresAt! - row!.createdAt).toBe(30 * DAY);
      const shown = `${formatDateTime(row!.expiresAt!, "Europe/Amsterdam", "nl")} (Europe/Amsterdam)`;
      expect(html).toContain(`<td id="token-expires">${shown}</td>`);
      let list = await (await call(admin, "GET", "/staff/admin/tokens")).text();
      expect(list).toContain('<th scope="col">Verloopt</th>');
      expect(list).toContain(`<td data-expires="${row!.expiresAt}">${shown}</td>`);
      // expired: said so in the list, and no revoke button any more
      await db()
        .update(schema.apiTokens)
        .set({ expiresAt: Date.now() - 1 })
        .where(eq(schema.apiTokens.id, row!.id));
      list = await (await call(admin, "GET", "/staff/admin/tokens")).text();
      const line = list.slice(
        list.indexOf(`data-token="${row!.id}"`),
        list.indexOf("</tr>", list.indexOf(`data-token="${row!.id}"`)),
      );
      expect(line).toContain("verlopen");
      expect(line).not.toContain(`id="revoke-${row!.id}"`);
      // the default when left empty
      expect((await post({ name: "Standaard", role: "admin", expiresInDays: "" })).status).toBe(200);
      const [dflt] = await db().select().from(schema.apiTokens).where(eq(schema.apiTokens.name, "Standaard"));
      expect(dflt!.expiresAt! - dflt!.createdAt).toBe(90 * DAY);
      for (const days of ["0", "366", "twee", "1.5"]) {
        const bad = await post({ name: `Te lang ${days}`, role: "admin", expiresInDays: days });
        expect(bad.status, days).toBe(400);
        const b = await bad.text();
        expect(b).toContain('id="expiresInDays-error"');
        expect(b).toContain("Vul een heel getal in van 1 tot en met 365.");
        expect(b).toContain('href="#expiresInDays"');
      }
    },
  );
});
