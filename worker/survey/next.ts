// One link for all her open questionnaires (issue 14, item 1): a mail carries the link of the shortest
// open occasion, and after its final submit she continues to her next open occasion, shortest first.
import type { Env } from "../env";
import { sha256Hex } from "../lib/crypto";
import { askedOf, definitionsFor } from "../studies/instruments";
import { estimateMinutes } from "../../core/questionnaire-length";
import { linkToken } from "./links";
import { openOccasion } from "../studies/occasion-sql";

type OpenRow = {
  id: number;
  closes_at: number;
  link_generation: number;
  instrument_version_ids: string;
  participant_status: string;
};

/** Her open occasions (opened, not closed, not answered) with their minutes, shortest first (then oldest). */
export async function openOccasionsOf(d1: D1Database, participantId: number, now: number, except?: number) {
  const { results } = await d1
    .prepare(
      `SELECT o.id, o.closes_at, o.link_generation, o.instrument_version_ids, p.status AS ` +
        `participant_status FROM occasions o JOIN participants p ON p.id = o.participant_id
     WHERE o.participant_id = ?1 AND ${openOccasion("?2")} AND o.id <> ?3`,
    )
    .bind(participantId, now, except ?? 0)
    .all<OpenRow>();
  const versions = (r: OpenRow) => JSON.parse(r.instrument_version_ids) as number[];
  const defs = await definitionsFor(d1, [...new Set(results.flatMap(versions))]);
  return results
    .map((r) => ({
      id: r.id,
      closesAt: r.closes_at,
      generation: r.link_generation,
      minutes: estimateMinutes(askedOf(defs, versions(r), r.participant_status).flatMap((a) => a.items)),
    }))
    .sort((a, b) => a.minutes - b.minutes || a.id - b.id);
}

/** The path of her next open questionnaire after `occasionId`, its link's hash stored; null when none is open. */
export async function nextQuestionnairePath(
  env: Env,
  participantId: number,
  occasionId: number,
  now: number,
): Promise<string | null> {
  const [next] = await openOccasionsOf(env.DB, participantId, now, occasionId);
  if (!next) return null;
  const token = await linkToken(env, next.id, next.generation);
  await env.DB.prepare(
    "INSERT INTO secure_links (occasion_id, token_hash, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
  )
    .bind(next.id, await sha256Hex(token), next.closesAt)
    .run();
  return `/q/${token}`;
}
