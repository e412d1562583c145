// `npm run rotate-contacts` as a child process against a stand-in for the Worker's
// POST /api/v1/admin/contacts/rotate (the operation itself is tested in workerd: test/studies/keys.test.ts).
// The loop follows `next` to the end, repeats a call that failed with a 5xx, sends the token only in
// the Authorization header, reports counts and unreadable participants by code, and never an address.
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { runScript } from "./support";

type Batch = {
  keyId: string;
  scanned: number;
  rotated: number;
  unreadable: number;
  unreadableParticipants: { pilot: string; code: string }[];
  changedMeanwhile: number;
  next: number | null;
  remaining: number;
  keys: Record<string, number>;
};

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** Answers each call with the next scripted reply; records what was asked. */
async function standIn(replies: (Batch | number)[]) {
  const calls: { body: { after: number; limit: number }; auth: string | undefined }[] = [];
  server = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      calls.push({ body: JSON.parse(data), auth: req.headers.authorization });
      const reply = replies.shift();
      if (typeof reply === "number") {
        res
          .writeHead(reply, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { code: "internal", message: "Internal error" } }));
      } else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  const { port } = server!.address() as { port: number };
  return { calls, url: `http://127.0.0.1:${port}` };
}

const batch = (over: Partial<Batch>): Batch => ({
  keyId: "0a1b2c3d",
  scanned: 0,
  rotated: 0,
  unreadable: 0,
  unreadableParticipants: [],
  changedMeanwhile: 0,
  next: null,
  remaining: 0,
  keys: {},
  ...over,
});

describe("npm run rotate-contacts", () => {
  it("follows next until a pass ends, retries a 5xx, and says the previous keys can go", async () => {
    const { calls, url } = await standIn([
      batch({ scanned: 2, rotated: 3, next: 7, remaining: 2, keys: { "0a1b2c3d": 3, legacy: 2 } }),
      500,
      batch({ scanned: 1, rotated: 2, next: null, remaining: 0, keys: { "0a1b2c3d": 5 } }),
    ]);
    const r = await runScript("rotate-contacts.mjs", ["--url", url, "--batch", "2", "--env", "production"], {
      env: { OM_API_TOKEN: "tok_admin" },
    });
    expect(r.code, r.output).toBe(0);
    expect(calls.map((c) => c.body)).toEqual([
      { after: 0, limit: 2 },
      { after: 7, limit: 2 },
      { after: 7, limit: 2 },
    ]);
    expect(calls.every((c) => c.auth === "Bearer tok_admin")).toBe(true);
    expect(r.stdout).toContain("Done: 5 addresses re-encrypted to key k0a1b2c3d in 2 calls.");
    expect(r.stdout).toContain("npx wrangler secret delete CONTACT_KEYS_PREVIOUS --env production");
    expect(r.output).not.toContain("tok_admin");
  });

  it("lists unreadable participants by code and exits 3, keeping the previous keys", async () => {
    const { url } = await standIn([
      batch({
        scanned: 3,
        rotated: 4,
        unreadable: 1,
        unreadableParticipants: [{ pilot: "fier", code: "FIE-07" }],
        remaining: 1,
        keys: { "0a1b2c3d": 4, ffff0000: 1 },
      }),
    ]);
    const r = await runScript("rotate-contacts.mjs", ["--url", url], { env: { OM_API_TOKEN: "tok_admin" } });
    expect(r.code, r.output).toBe(3);
    expect(r.stdout).toContain("fier FIE-07");
    expect(r.stdout).toContain("Keep CONTACT_KEYS_PREVIOUS until then");
    expect(r.stdout).not.toContain("secret delete");
  });

  it("stops on a refused token and on a non-https remote origin", async () => {
    const { url } = await standIn([403]);
    const refused = await runScript("rotate-contacts.mjs", ["--url", url], { env: { OM_API_TOKEN: "tok_reader" } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/OM_API_TOKEN must be an admin's API token/);
    const clear = await runScript("rotate-contacts.mjs", ["--url", "http://vragenlijst.example.org"], {
      env: { OM_API_TOKEN: "tok_admin" },
    });
    expect(clear.code).toBe(2);
    expect(clear.stderr).toMatch(/not https/);
  });
});
