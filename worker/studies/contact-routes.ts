import { z } from "zod";
import { audit } from "../lib/audit";
import { actorOf } from "../http/auth";
import { BODY_LIMITS } from "../http/body-limit";
import { API_BASE, mount, route } from "../http/operation";
import { MAX_ROTATION_BATCH, ROTATION_BATCH, rotateContactBatch } from "./contacts";

export const contactRotationResponse = z.strictObject({
  /** the current key's id (derived from CONTACT_KEY): every address re-encrypted here now carries it */
  keyId: z.string(),
  /** participants looked at in this batch */
  scanned: z.int(),
  /** addresses re-encrypted to the current key in this batch */
  rotated: z.int(),
  /** addresses in this batch that no configured key opens (left as they are) */
  unreadable: z.int(),
  /** whose they are, by pilot and pseudonymous code: a researcher enters them again */
  unreadableParticipants: z.array(z.strictObject({ pilot: z.string(), code: z.string() })),
  /** rows whose addresses changed while this batch ran (already under the current key) */
  changedMeanwhile: z.int(),
  /** pass as `after` to continue; null: this pass reached the end */
  next: z.int().nullable(),
  /** addresses in the whole database not yet under the current key (unreadable ones included) */
  remaining: z.int(),
  /** stored addresses per key id; "legacy": written before key ids */
  keys: z.record(z.string(), z.int()),
});

const rotateBody = z.strictObject({
  /** continue after this participant id (the previous answer's `next`); 0 or absent: from the start */
  after: z.int().min(0).optional(),
  /** participants per call (default 250) */
  limit: z.int().min(1).max(MAX_ROTATION_BATCH).optional(),
});
export const contactRoutes = mount(
  route(
    {
      method: "post",
      path: `${API_BASE}/admin/contacts/rotate`,
      summary:
        `Re-encrypt stored e-mail addresses under the current CONTACT_KEY, one batch ` +
        `per call (admins; default ${ROTATION_BATCH} participants): legacy values and ` +
        `values under CONTACT_KEYS_PREVIOUS; counts only, never an address (audited)`,
      access: "admin",
      body: rotateBody,
      limit: BODY_LIMITS.tiny,
      response: contactRotationResponse,
    },
    async (c, { body }) => {
      const now = Date.now();
      const batch = await rotateContactBatch(c.env, { after: body.after, limit: body.limit, now });
      await audit(c.env.DB, actorOf(c), "contacts.rotated", now, {
        details: {
          keyId: batch.keyId,
          after: body.after ?? 0,
          scanned: batch.scanned,
          rotated: batch.rotated,
          unreadable: batch.unreadable,
          remaining: batch.remaining,
        },
      });
      return c.json(batch);
    },
  ),
);
