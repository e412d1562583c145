// Issue 12, item 6: body limits are enforced while the body is read, chunked bodies included — the
// staff CSRF check (which parses a form before any route), POST …/recompute (which read the whole body
// before checking its size), the sign-in forms, the settings form and the API's JSON bodies — with one
// error (payload_too_large): the JSON envelope for the API, the error page for staff pages.
import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { BODY_LIMITS } from "../../worker/http/body-limit";
import { BASE } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { makePilot } from "../support/study";

/** A chunked body (no Content-Length) of `chunks` × `size` bytes; `pulled()` tells how many chunks were read. */
function chunked(chunks: number, size: number, byte = "a") {
  let n = 0;
  const piece = new TextEncoder().encode(byte.repeat(size));
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (n >= chunks) return ctl.close();
      n++;
      ctl.enqueue(piece);
    },
  });
  return { body, pulled: () => n };
}
const send = (path: string, body: BodyInit, headers: Record<string, string>, method = "POST") =>
  exports.default.fetch(`${BASE}${path}`, { method, body, headers, redirect: "manual", duplex: "half" } as RequestInit);

describe("body limits while reading", () => {
  it(
    "POST …/recompute: a chunked body over the limit is " + "413 before it is read whole, and nothing is recomputed",
    async () => {
      const { pilot } = await makePilot();
      const admin = await apiToken("admin", null);
      const big = chunked(4096, 1024, " "); // 4 MiB of JSON whitespace
      const res = await send(`/api/v1/pilots/${pilot.key}/recompute`, big.body, {
        ...admin.headers,
        "content-type": "application/json",
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
      expect(big.pulled()).toBeLessThan(4096);
      const audited = await getDb(env.DB)
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.pilotId, pilot.id), eq(schema.auditLog.action, "analysis.recompute")));
      expect(audited).toHaveLength(0);
      // a small chunked body is read and obeyed
      const ok = await send(`/api/v1/pilots/${pilot.key}/recompute`, chunked(1, 2, " ").body, {
        ...admin.headers,
        "content-type": "application/json",
      });
      expect(ok.status).toBe(200);
      const declared = await send(`/api/v1/pilots/${pilot.key}/recompute`, " ".repeat(BODY_LIMITS.tiny + 1), {
        ...admin.headers,
        "content-type": "application/json",
      });
      expect(declared.status).toBe(413);
    },
  );

  it(
    "the staff CSRF check: a chunked form over the limit " + "is 413 (a page), a chunked form within it goes through",
    async () => {
      const { pilot } = await makePilot();
      const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
      const s = await sessionFor(user.id);
      const headers = { ...s.headers, origin: BASE, "content-type": "application/x-www-form-urlencoded" };
      const big = chunked(3 * 1024, 1024); // 3 MiB, over the 2 MiB + 16 KiB of any cookie form
      const res = await send(`/staff/pilots/${pilot.key}/settings`, big.body, headers);
      expect(res.status).toBe(413);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(big.pulled()).toBeLessThan(3 * 1024);
      // over the settings form's own limit (8 KiB) but within the CSRF check's: the route's limit refuses it
      const mid = new TextEncoder().encode(`_csrf=${s.csrf}&senderName=${"x".repeat(20_000)}`);
      const over = await send(
        `/staff/pilots/${pilot.key}/settings`,
        new ReadableStream({ start: (ctl) => (ctl.enqueue(mid), ctl.close()) }),
        headers,
      );
      expect(over.status).toBe(413);
      // a proper chunked form (the CSRF token in the body) is read once and stored
      const page = await exports.default.fetch(`${BASE}/staff/pilots/${pilot.key}/settings`, { headers: s.headers });
      const fields = new URLSearchParams(
        [...(await page.text()).matchAll(/<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)]
          .filter(([tag]) => !/type="checkbox"/.test(tag))
          .map(([, k, v]) => [k!, v!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")]),
      );
      fields.set("maxReminders", "2");
      fields.set("_csrf", s.csrf!);
      const saved = await send(
        `/staff/pilots/${pilot.key}/settings`,
        new ReadableStream({ start: (ctl) => (ctl.enqueue(new TextEncoder().encode(fields.toString())), ctl.close()) }),
        headers,
      );
      expect(saved.status).toBe(303);
      expect(
        (
          (await getDb(env.DB).select().from(schema.pilots).where(eq(schema.pilots.id, pilot.id)))[0]!.settings as {
            reminders: { maxReminders: number };
          }
        ).reminders.maxReminders,
      ).toBe(2);
    },
  );

  it("sign-in forms: a chunked body over the limit is 413 with the page", async () => {
    const signIn = await send("/staff/sign-in", chunked(64, 1024).body, {
      origin: BASE,
      "content-type": "application/x-www-form-urlencoded",
      "cf-connecting-ip": "198.51.100.201",
    });
    expect(signIn.status).toBe(413);
    expect(signIn.headers.get("content-type")).toMatch(/^text\/html/);
    const confirm = await send(`/staff/auth/${"A".repeat(43)}`, chunked(64, 1024).body, {
      origin: BASE,
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(confirm.status).toBe(413);
  });

  it("the API's JSON bodies: chunked over 64 KiB is 413 in the envelope", async () => {
    const { pilot } = await makePilot();
    const admin = await apiToken("admin", null);
    const res = await send(
      `/api/v1/pilots/${pilot.key}/settings`,
      chunked(200, 1024, " ").body,
      { ...admin.headers, "content-type": "application/json" },
      "PUT",
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "payload_too_large",
      message: "Body larger than 64 KiB",
    });
  });
});
