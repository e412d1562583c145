import { eq } from "drizzle-orm";
import { getDb, schema } from "../db";
import type { Env } from "../env";
import { hmacToken, sha256Hex } from "../lib/crypto";

/**
 * A personal link token is HMAC(LINK_SECRET, occasion + generation): 256 bits nobody can guess without
 * the secret, stored only as its SHA-256, and rebuildable for a reminder without keeping it anywhere.
 * Revoking a link and issuing a new one bumps the generation.
 *
 * Resolution needs no secret, only the hash, so after a LINK_SECRET change a link already mailed still
 * resolves until its occasion closes; a reminder rebuilt with the new secret adds a second row for the
 * same occasion (token_hash is the unique key, occasion_id is not), and either link opens it.
 */
export const linkToken = (env: Env, occasionId: number, generation = 1) =>
  hmacToken(env.LINK_SECRET, `occasion-link:${occasionId}:${generation}`);

/** The occasion's current link (its current generation), its hash stored if new. */
export async function ensureLink(d1: D1Database, env: Env, occasionId: number, expiresAt: number): Promise<string> {
  const db = getDb(d1);
  const [row] = await db
    .select({ generation: schema.occasions.linkGeneration })
    .from(schema.occasions)
    .where(eq(schema.occasions.id, occasionId));
  const token = await linkToken(env, occasionId, row?.generation ?? 1);
  await db
    .insert(schema.secureLinks)
    .values({ occasionId, tokenHash: await sha256Hex(token), expiresAt })
    .onConflictDoNothing();
  return `${env.PUBLIC_URL.replace(/\/$/, "")}/q/${token}`;
}
