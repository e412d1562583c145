// The one definition of an open occasion (worker/studies/occasion-sql.ts), run against real D1: which of a
// youth's occasions are open, opened, not closed and expired at an instant, by status, window and her status.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { schema } from "../../worker/db";
import { expired, isUnanswered, notClosed, openOccasion, opened, unanswered } from "../../worker/studies/occasion-sql";
import { db, frequentVersionIds, makeParticipant, makePilot } from "../support/study";

const NOW = Date.UTC(2026, 5, 1, 12);
const H = 3_600_000;

async function occasionsOf(participantStatus: (typeof schema.PARTICIPANT_STATUSES)[number]) {
  const { pilot, versions } = await makePilot();
  const p = await makeParticipant(pilot.id, { start: "2026-01-01", status: participantStatus, email: null });
  const rows: { seq: number; status: (typeof schema.OCCASION_STATUSES)[number]; opensAt: number; closesAt: number }[] =
    [
      { seq: 1, status: "open", opensAt: NOW - H, closesAt: NOW + H }, // open
      { seq: 2, status: "started", opensAt: NOW, closesAt: NOW + 1 }, // open: opens_at <= now < closes_at
      { seq: 3, status: "open", opensAt: NOW + 1, closesAt: NOW + H }, // not yet opened
      { seq: 4, status: "open", opensAt: NOW - H, closesAt: NOW }, // expired: closes_at <= now
      { seq: 5, status: "completed", opensAt: NOW - H, closesAt: NOW + H },
      { seq: 6, status: "missed", opensAt: NOW - 2 * H, closesAt: NOW - H },
      { seq: 7, status: "cancelled", opensAt: NOW - H, closesAt: NOW + H },
    ];
  await db()
    .insert(schema.occasions)
    .values(
      rows.map((r) => ({
        participantId: p.id,
        kind: "frequent" as const,
        dueDate: "2026-06-01",
        instrumentVersionIds: frequentVersionIds(versions),
        ...r,
      })),
    );
  return async (where: string) => {
    const { results } = await env.DB.prepare(
      `SELECT o.seq FROM occasions o JOIN participants p ON p.id = o.participant_id
       WHERE o.participant_id = ?2 AND ${where} ORDER BY o.seq`,
    )
      .bind(NOW, p.id)
      .all<{ seq: number }>();
    return results.map((r) => r.seq);
  };
}

describe("open occasion", () => {
  it("is unanswered, opened and not closed at now, for a youth who can answer", async () => {
    const seqs = await occasionsOf("active");
    expect(await seqs(openOccasion("?1"))).toEqual([1, 2]);
    expect(await seqs(unanswered())).toEqual([1, 2, 3, 4]);
    expect(await seqs(opened("?1"))).toEqual([1, 2, 4]);
    expect(await seqs(notClosed("?1"))).toEqual([1, 2, 3]);
    expect(await seqs(expired("?1"))).toEqual([4]);
  });

  it("counts a youth who left care but not one who paused, withdrew or completed", async () => {
    expect(await (await occasionsOf("left_care"))(openOccasion("?1"))).toEqual([1, 2]);
    for (const status of ["paused", "withdrawn", "completed"] as const)
      expect(await (await occasionsOf(status))(openOccasion("?1"))).toEqual([]);
  });

  it("works on unqualified columns and has a JS twin", async () => {
    const seqs = await occasionsOf("active");
    expect(await seqs(`o.id IN (SELECT id FROM occasions WHERE ${expired("?1", "")})`)).toEqual([4]);
    expect(["open", "started", "completed", "missed", "cancelled"].filter(isUnanswered)).toEqual(["open", "started"]);
  });
});
