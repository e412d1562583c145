// PUT /api/v1/pilots/{pilot}/settings (issue 12, item 6): optimistic concurrency with ETag / If-Match
// (a stale change is 409 and stores nothing), concurrent unversioned changes never lose one another, and
// sender names with quotes or control characters are refused beside the field.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { call } from "../support/http";
import { apiToken } from "../support/staff";
import { makePilot } from "../support/study";

const stored = async (id: number) =>
  (await getDb(env.DB).select().from(schema.pilots).where(eq(schema.pilots.id, id)))[0]!;

async function setup() {
  const { pilot } = await makePilot();
  const researcher = await apiToken("researcher", [pilot.id]);
  const path = `/api/v1/pilots/${pilot.key}/settings`;
  return { pilot, researcher, path };
}

describe("settings: optimistic concurrency", () => {
  it(
    "GET and PUT carry the version as ETag; If-Match with the " +
      "current one is stored, with an older one 409 and nothing stored",
    async () => {
      const { pilot, researcher, path } = await setup();
      const read = await call(researcher, "GET", path);
      const etag = read.headers.get("etag")!;
      expect(etag).toMatch(/^"[0-9a-f]{24}"$/);
      expect((await call(researcher, "GET", path)).headers.get("etag")).toBe(etag); // stable while nothing changes

      const first = await call(
        researcher,
        "PUT",
        path,
        { reminders: { maxReminders: 2 } },
        { headers: { "if-match": etag } },
      );
      expect(first.status).toBe(200);
      const next = first.headers.get("etag")!;
      expect(next).not.toBe(etag);
      expect((await call(researcher, "GET", path)).headers.get("etag")).toBe(next);

      const before = JSON.stringify((await stored(pilot.id)).settings);
      const stale = await call(
        researcher,
        "PUT",
        path,
        { reminders: { maxReminders: 5 } },
        { headers: { "if-match": etag } },
      );
      expect(stale.status).toBe(409);
      const body = (await stale.json()) as {
        error: { code: string; details: { path: string; currentVersion: string }[] };
      };
      expect(body.error.code).toBe("conflict");
      expect(body.error.details[0]).toMatchObject({ path: "version", currentVersion: next.slice(1, -1) });
      expect(JSON.stringify((await stored(pilot.id)).settings)).toBe(before);

      // weak tags and * are understood; a change based on the current version goes through
      expect(
        (
          await call(
            researcher,
            "PUT",
            path,
            { reminders: { maxReminders: 3 } },
            { headers: { "if-match": `W/${next}` } },
          )
        ).status,
      ).toBe(200);
      expect(
        (await call(researcher, "PUT", path, { reminders: { maxReminders: 4 } }, { headers: { "if-match": "*" } }))
          .status,
      ).toBe(200);
      expect(
        (await call(researcher, "PUT", path, { senderName: "Team" }, { headers: { "if-match": '"nope"' } })).status,
      ).toBe(409);
    },
  );

  it("of two concurrent changes based on the same version exactly one is stored; the other is 409", async () => {
    const { pilot, researcher, path } = await setup();
    const etag = (await call(researcher, "GET", path)).headers.get("etag")!;
    const [a, b] = await Promise.all([
      call(researcher, "PUT", path, { reminders: { maxReminders: 1 } }, { headers: { "if-match": etag } }),
      call(researcher, "PUT", path, { reminders: { minSpacingDays: 7 } }, { headers: { "if-match": etag } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const r = (await stored(pilot.id)).settings as { reminders: Record<string, unknown> };
    expect(a.status === 200 ? r.reminders.maxReminders : r.reminders.minSpacingDays).toBe(a.status === 200 ? 1 : 7);
    expect(a.status === 200 ? r.reminders.minSpacingDays : r.reminders.maxReminders).toBeUndefined();
  });

  it("without If-Match, concurrent changes of different fields are all kept (no lost update)", async () => {
    const { pilot, researcher, path } = await setup();
    const changes = [
      { reminders: { maxReminders: 1 } },
      { reminders: { minSpacingDays: 7 } },
      { senderName: "Vragenlijst" },
      { schedule: { frequentIntervalDays: 21 } },
      { quickExitUrl: "https://www.nu.nl/" },
    ];
    const all = await Promise.all(changes.map((c) => call(researcher, "PUT", path, c)));
    expect(all.map((r) => r.status)).toEqual(changes.map(() => 200));
    const s = (await stored(pilot.id)).settings as Record<string, Record<string, unknown> | string>;
    expect(s).toMatchObject({
      senderName: "Vragenlijst",
      quickExitUrl: "https://www.nu.nl/",
      reminders: { maxReminders: 1, minSpacingDays: 7 },
      schedule: { frequentIntervalDays: 21 },
    });
  });

  it("the OpenAPI description documents ETag and If-Match", async () => {
    const doc = (await (await call(null, "GET", "/api/v1/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            description?: string;
            parameters: { name: string; in: string }[];
            responses: Record<string, { headers?: Record<string, unknown> }>;
          }
        >
      >;
    };
    const put = doc.paths["/api/v1/pilots/{pilot}/settings"]!.put!;
    expect(put.description).toContain("If-Match");
    expect(put.description).toContain("409");
    expect(put.parameters).toContainEqual(expect.objectContaining({ name: "If-Match", in: "header" }));
    expect(put.responses["200"]!.headers).toHaveProperty("ETag");
    expect(doc.paths["/api/v1/pilots/{pilot}/settings"]!.get!.responses["200"]!.headers).toHaveProperty("ETag");
  });
});

describe("settings: sender name", () => {
  it.each([
    ["a double quote", 'Team "Vragenlijst"'],
    ["CR LF (header injection)", "Team\r\nBcc: someone@example.test"],
    ["a line feed", "Team\nVragenlijst"],
    ["a trailing line break", "Vragenlijst\r\n"],
    ["a tab", "Team\tVragenlijst"],
    ["a NUL", "Team\u0000Vragenlijst"],
    ["DEL", "Team\u007fVragenlijst"],
    ["a C1 control (NEL)", "Team\u0085Vragenlijst"],
    ["a line separator", "Team\u2028Vragenlijst"],
  ])("refuses %s, naming the field, and stores nothing", async (_what, senderName) => {
    const { pilot, researcher, path } = await setup();
    const before = JSON.stringify((await stored(pilot.id)).settings);
    const res = await call(researcher, "PUT", path, { senderName });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { path: string; message: string }[] } };
    expect(body.error.details).toContainEqual(
      expect.objectContaining({ path: "senderName", message: expect.stringMatching(/quotes or control characters/) }),
    );
    expect(JSON.stringify((await stored(pilot.id)).settings)).toBe(before);
  });

  it("accepts an ordinary neutral name with accents, apostrophe and hyphen", async () => {
    const { researcher, path } = await setup();
    const res = await call(researcher, "PUT", path, { senderName: "Vragenlijst – Café 't Hoekje" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { senderName: string }).senderName).toBe("Vragenlijst – Café 't Hoekje");
  });
});
