// An unsent draft ends with its occasion: when the scheduled job closes an occasion as missed, the
// draft's answers and comments are deleted (they never entered analysis and she can no longer send
// them); a draft of an occasion still open is kept, and a pilot's own run leaves other pilots' alone.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { closeExpired } from "../../worker/studies/occasions";
import { frequentVersionIds, makeParticipant, makePilot, openOccasion } from "../support/study";

async function draftFor(occasionId: number, participantId: number, versionId: number, comment: string) {
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO drafts (occasion_id, participant_id, page, stamps, updated_at) VALUES (?, ?, 1, '{}', ?)",
    ).bind(occasionId, participantId, Date.now()),
    env.DB.prepare(
      "INSERT INTO draft_answers (occasion_id, participant_id, instrument_version_id, item_key, " +
        "value, not_applicable, comment, saved_at) VALUES (?, ?, ?, 'persoonlijk', 4, 0, ?, ?)",
    ).bind(occasionId, participantId, versionId, comment, Date.now()),
  ]);
}
const count = async (table: string, occasionId: number) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE occasion_id = ?`)
    .bind(occasionId)
    .first<{ n: number }>())!.n;

describe("drafts when an occasion closes", () => {
  it(
    "deletes the unsent draft of a closed occasion, keeps an " +
      "open one's, and stays inside the pilot of a pilot's run",
    async () => {
      const now = Date.now();
      const a = await makePilot();
      const b = await makePilot();
      const ya = await makeParticipant(a.pilot.id, { start: "2026-01-05" });
      const yb = await makeParticipant(b.pilot.id, { start: "2026-01-05" });
      const yOpen = await makeParticipant(a.pilot.id, { start: "2026-01-05" });
      const ids = frequentVersionIds(a.versions);
      const closing = await openOccasion(ya.id, ids, { closesAt: now + 60_000 });
      const otherPilot = await openOccasion(yb.id, ids, { closesAt: now + 60_000 });
      const stillOpen = await openOccasion(yOpen.id, ids, { closesAt: now + 7 * 86_400_000 });
      for (const [o, y] of [
        [closing, ya],
        [otherPilot, yb],
        [stillOpen, yOpen],
      ] as const)
        await draftFor(o.occasion.id, y.id, ids[0]!, "iets persoonlijks");

      // A's own run after the close: A's draft goes, B's (same close time) and the open one stay.
      expect(await closeExpired(env.DB, now + 120_000, a.pilot.id)).toBe(1);
      expect([await count("drafts", closing.occasion.id), await count("draft_answers", closing.occasion.id)]).toEqual([
        0, 0,
      ]);
      expect([
        await count("drafts", otherPilot.occasion.id),
        await count("draft_answers", otherPilot.occasion.id),
      ]).toEqual([1, 1]);
      expect([
        await count("drafts", stillOpen.occasion.id),
        await count("draft_answers", stillOpen.occasion.id),
      ]).toEqual([1, 1]);
      // The cron (all pilots) closes B's too.
      expect(await closeExpired(env.DB, now + 120_000)).toBe(1);
      expect([
        await count("drafts", otherPilot.occasion.id),
        await count("draft_answers", otherPilot.occasion.id),
      ]).toEqual([0, 0]);
      expect([
        await count("drafts", stillOpen.occasion.id),
        await count("draft_answers", stillOpen.occasion.id),
      ]).toEqual([1, 1]);
      const status = await env.DB.prepare("SELECT status FROM occasions WHERE id = ?")
        .bind(closing.occasion.id)
        .first<{ status: string }>();
      expect(status!.status).toBe("missed");
    },
  );
});
