import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { schema } from "../db";
import type { Env } from "../env";
import { decryptText, encryptText } from "../lib/crypto";

// The associated data binds each ciphertext to its participant and field, so a copied cell does not decrypt elsewhere.
const aad = (participantId: number, field: "email" | "mentor") => `participant:${participantId}:${field}`;

export async function setContact(db: Db, env: Env, participantId: number, email: string | null, mentorEmail: string | null, now: number) {
  const values = {
    participantId,
    emailEnc: email ? await encryptText(env.CONTACT_KEY, email, aad(participantId, "email")) : null,
    mentorEmailEnc: mentorEmail ? await encryptText(env.CONTACT_KEY, mentorEmail, aad(participantId, "mentor")) : null,
    updatedAt: now,
  };
  await db.insert(schema.participantContacts).values(values).onConflictDoUpdate({ target: schema.participantContacts.participantId, set: values });
}

/** Decrypts only to send. */
export async function getContact(db: Db, env: Env, participantId: number): Promise<{ email: string | null; mentorEmail: string | null }> {
  const [row] = await db.select().from(schema.participantContacts).where(eq(schema.participantContacts.participantId, participantId));
  return {
    email: row?.emailEnc ? await decryptText(env.CONTACT_KEY, row.emailEnc, aad(participantId, "email")) : null,
    mentorEmail: row?.mentorEmailEnc ? await decryptText(env.CONTACT_KEY, row.mentorEmailEnc, aad(participantId, "mentor")) : null,
  };
}

/** Replaces one address without decrypting the other (contact data is decrypted only to send). */
export async function setContactField(db: Db, env: Env, participantId: number, field: "email" | "mentor", value: string | null, now: number) {
  const enc = value ? await encryptText(env.CONTACT_KEY, value, aad(participantId, field)) : null;
  const set = field === "email" ? { emailEnc: enc, updatedAt: now } : { mentorEmailEnc: enc, updatedAt: now };
  await db
    .insert(schema.participantContacts)
    .values({ participantId, emailEnc: null, mentorEmailEnc: null, ...set })
    .onConflictDoUpdate({ target: schema.participantContacts.participantId, set });
}
