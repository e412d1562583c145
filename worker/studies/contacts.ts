import { eq } from "drizzle-orm";
import { getDb, schema } from "../db";
import type { Env } from "../env";
import { currentContactKeyId, decryptContact, encryptContact, openContact } from "../lib/contact-keys";

// The associated data binds each ciphertext to its participant and field, so a copied cell does not decrypt elsewhere.
export const contactAad = (participantId: number, field: "email" | "mentor") => `participant:${participantId}:${field}`;

export async function setContact(
  d1: D1Database,
  env: Env,
  participantId: number,
  email: string | null,
  mentorEmail: string | null,
  now: number,
) {
  const values = {
    participantId,
    emailEnc: email ? await encryptContact(env, email, contactAad(participantId, "email")) : null,
    mentorEmailEnc: mentorEmail ? await encryptContact(env, mentorEmail, contactAad(participantId, "mentor")) : null,
    updatedAt: now,
  };
  await getDb(d1)
    .insert(schema.participantContacts)
    .values(values)
    .onConflictDoUpdate({ target: schema.participantContacts.participantId, set: values });
}

/** Which addresses a participant has, without decrypting them (the API's participant view). */
export async function contactFlags(d1: D1Database, participantId: number) {
  const [row] = await getDb(d1)
    .select({ email: schema.participantContacts.emailEnc, mentor: schema.participantContacts.mentorEmailEnc })
    .from(schema.participantContacts)
    .where(eq(schema.participantContacts.participantId, participantId));
  return { hasEmail: !!row?.email, hasMentorEmail: !!row?.mentor };
}

/** Decrypts only to send. */
export async function getContact(
  d1: D1Database,
  env: Env,
  participantId: number,
): Promise<{ email: string | null; mentorEmail: string | null }> {
  const [row] = await getDb(d1)
    .select()
    .from(schema.participantContacts)
    .where(eq(schema.participantContacts.participantId, participantId));
  return {
    email: row?.emailEnc ? await decryptContact(env, row.emailEnc, contactAad(participantId, "email")) : null,
    mentorEmail: row?.mentorEmailEnc
      ? await decryptContact(env, row.mentorEmailEnc, contactAad(participantId, "mentor"))
      : null,
  };
}

/** Replaces one address without decrypting the other (contact data is decrypted only to send). */
export async function setContactField(
  d1: D1Database,
  env: Env,
  participantId: number,
  field: "email" | "mentor",
  value: string | null,
  now: number,
) {
  const enc = value ? await encryptContact(env, value, contactAad(participantId, field)) : null;
  const set = field === "email" ? { emailEnc: enc, updatedAt: now } : { mentorEmailEnc: enc, updatedAt: now };
  await getDb(d1)
    .insert(schema.participantContacts)
    .values({ participantId, emailEnc: null, mentorEmailEnc: null, ...set })
    .onConflictDoUpdate({ target: schema.participantContacts.participantId, set });
}

/**
 * Rows per call; each changed row is one UPDATE in one D1 batch (a Worker invocation may send at most 1,000 queries).
 */
export const ROTATION_BATCH = 250;
export const MAX_ROTATION_BATCH = 500;

export type RotationBatch = {
  /** the current key's id: every address re-encrypted here now carries it */
  keyId: string;
  /** participants looked at in this batch (each has one or two addresses not yet under the current key) */
  scanned: number;
  /** addresses re-encrypted to the current key in this batch */
  rotated: number;
  /** addresses in this batch that no configured key opens: left as they are */
  unreadable: number;
  /** whose addresses those are (pseudonymous codes), so a researcher can enter them again */
  unreadableParticipants: { pilot: string; code: string }[];
  /** rows changed by someone else while this batch ran: left alone (a new address is already under the current key) */
  changedMeanwhile: number;
  /** pass as `after` to continue; null when the batch reached the end */
  next: number | null;
  /** addresses in the whole database not under the current key after this batch (unreadable ones included) */
  remaining: number;
  /** stored addresses per key id after this batch ("legacy": written before key ids) */
  keys: Record<string, number>;
};

type RotRow = {
  participant_id: number;
  email_enc: string | null;
  mentor_email_enc: string | null;
  code: string;
  pilot: string;
};

/**
 * One bounded batch of the contact-key rotation: re-encrypts every address of the next `limit`
 * participants (after participant id `after`) that is not under the current key — legacy values and
 * values under a previous key — with the current key, in one D1 batch. Each row is written only if it
 * still holds what was read (an address changed meanwhile is already under the current key).
 * Idempotent: a second pass finds nothing to do. Never returns or logs an address.
 */
export async function rotateContactBatch(
  env: Env,
  opts: { after?: number; limit?: number; now: number },
): Promise<RotationBatch> {
  const d1 = env.DB;
  const keyId = currentContactKeyId(env);
  const prefix = `k${keyId}.`;
  const limit = Math.min(Math.max(1, opts.limit ?? ROTATION_BATCH), MAX_ROTATION_BATCH);
  const { results } = await d1
    .prepare(
      `SELECT c.participant_id, c.email_enc, c.mentor_email_enc, p.code, pl.key AS pilot
       FROM participant_contacts c JOIN participants p ON p.id = c.participant_id JOIN pilots pl ON pl.id = p.pilot_id
       WHERE c.participant_id > ?1
         AND ((c.email_enc IS NOT NULL AND substr(c.email_enc, 1, ?2) != ?3) ` +
        `OR (c.mentor_email_enc IS NOT NULL AND substr(c.mentor_email_enc, 1, ?2) != ?3))
       ORDER BY c.participant_id LIMIT ?4`,
    )
    .bind(opts.after ?? 0, prefix.length, prefix, limit)
    .all<RotRow>();

  let rotated = 0;
  let unreadable = 0;
  const unreadableParticipants: RotationBatch["unreadableParticipants"] = [];
  const updates: { stmt: D1PreparedStatement; fields: number }[] = [];
  for (const r of results) {
    const reencrypt = async (stored: string | null, field: "email" | "mentor") => {
      if (stored === null || stored.startsWith(prefix)) return { value: stored, changed: false, ok: true };
      try {
        const { plaintext } = await openContact(env, stored, contactAad(r.participant_id, field));
        return {
          value: await encryptContact(env, plaintext, contactAad(r.participant_id, field)),
          changed: true,
          ok: true,
        };
      } catch {
        return { value: stored, changed: false, ok: false };
      }
    };
    const email = await reencrypt(r.email_enc, "email");
    const mentor = await reencrypt(r.mentor_email_enc, "mentor");
    const bad = Number(!email.ok) + Number(!mentor.ok);
    if (bad) {
      unreadable += bad;
      unreadableParticipants.push({ pilot: r.pilot, code: r.code });
    }
    const fields = Number(email.changed) + Number(mentor.changed);
    if (!fields) continue;
    updates.push({
      fields,
      stmt: d1
        .prepare(
          "UPDATE participant_contacts SET email_enc = ?1, mentor_email_enc = ?2 " +
            "WHERE participant_id = ?3 AND email_enc IS ?4 AND mentor_email_enc IS ?5",
        )
        .bind(email.value, mentor.value, r.participant_id, r.email_enc, r.mentor_email_enc),
    });
  }
  let changedMeanwhile = 0;
  if (updates.length) {
    const res = await d1.batch(updates.map((u) => u.stmt));
    res.forEach((x, i) => {
      if (x.meta.changes) rotated += updates[i]!.fields;
      else changedMeanwhile++;
    });
  }
  const keys = await contactKeyCounts(d1);
  const remaining = Object.entries(keys).reduce((n, [k, v]) => (k === keyId ? n : n + v), 0);
  const last = results[results.length - 1];
  return {
    keyId,
    scanned: results.length,
    rotated,
    unreadable,
    unreadableParticipants,
    changedMeanwhile,
    next: results.length === limit && last ? last.participant_id : null,
    remaining,
    keys,
  };
}

/** Stored addresses per key id ("legacy": written before key ids); reads only the prefixes. */
export async function contactKeyCounts(d1: D1Database): Promise<Record<string, number>> {
  // `k` + 8 hex digits + `.`; legacy base64 has no dot at all (worker/lib/contact-keys.ts).
  const keyOf = (col: string) =>
    `CASE WHEN instr(${col}, '.') = 10 AND substr(${col}, 1, 1) = 'k' THEN substr(${col}, 2, 8) ELSE 'legacy' END`;
  const { results } = await d1
    .prepare(
      `SELECT k, COUNT(*) AS n FROM (
         SELECT ${keyOf("email_enc")} AS k FROM participant_contacts WHERE email_enc IS NOT NULL
         UNION ALL SELECT ${keyOf("mentor_email_enc")} AS k FROM participant_contacts WHERE mentor_email_enc IS NOT NULL
       ) GROUP BY k ORDER BY k`,
    )
    .all<{ k: string; n: number }>();
  return Object.fromEntries(results.map((r) => [r.k, r.n]));
}
