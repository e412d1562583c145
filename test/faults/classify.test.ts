// Which errors the Worker answers with 503 + Retry-After (worker/errors.ts isTransientError): D1's passing
// failures, also when drizzle wraps them; never a real constraint violation or an SQL error from the real D1,
// which stay what they are (a conflict, or a bug that must show as 500).
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db";
import { AppError, isTransientError } from "../../worker/errors";
import { faultyEnv } from "../support/fault-injector";
import { makePilot } from "../support/study";

const caught = async (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("no error"),
    (e: unknown) => e,
  );

describe("transient D1 errors", () => {
  it("D1's passing failures are transient, in the message or as a cause", () => {
    for (const m of [
      "D1_ERROR: Network connection lost.",
      "D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.",
      "D1 DB is overloaded. Requests queued for too long.",
      "D1_ERROR: Cannot resolve D1 DB due to transient issue on remote node.",
      "D1_ERROR: D1 DB reset because its code was updated.",
    ]) {
      expect(isTransientError(new Error(m)), m).toBe(true);
      expect(isTransientError(new Error("Failed query: select 1", { cause: new Error(m) })), m).toBe(true);
    }
    expect(isTransientError(new AppError("conflict", "taken"))).toBe(false);
    expect(isTransientError("D1_ERROR: Network connection lost.")).toBe(false); // not an Error: nothing to trust
  });

  it(
    "drizzle's wrapping of an injected fault is transient; " + "the real D1's constraint and SQL errors are not",
    async () => {
      const { pilot } = await makePilot();
      const { env: e } = faultyEnv(env, new Map([[1, "before"]]));
      expect(isTransientError(await caught(getDb(e.DB).run(sql`SELECT 1`)))).toBe(true);
      const unique = await caught(
        env.DB.prepare("INSERT INTO pilots (study_id, key, name, organisation) VALUES (?, ?, 'x', 'x')")
          .bind(pilot.studyId, pilot.key)
          .run(),
      );
      expect(String(unique)).toMatch(/UNIQUE constraint failed/);
      expect(isTransientError(unique)).toBe(false);
      expect(isTransientError(await caught(env.DB.prepare("SELECT nope FROM nowhere").all()))).toBe(false);
      expect(isTransientError(await caught(getDb(env.DB).run(sql`SELECT nope FROM nowhere`)))).toBe(false);
    },
  );
});
