import { z } from "zod";
import { getDb } from "../db";
import { audit } from "../lib/audit";
import { actorOf } from "../http/auth";
import { BODY_LIMITS } from "../http/body-limit";
import { API_BASE, mount, route } from "../http/operation";
import { contactRotationResponse } from "../staff/responses";
import { MAX_ROTATION_BATCH, ROTATION_BATCH, rotateContactBatch } from "./contacts";

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
      summary: `Re-encrypt stored e-mail addresses under the current CONTACT_KEY, one batch per call (admins; default ${ROTATION_BATCH} participants): legacy values and values under CONTACT_KEYS_PREVIOUS; counts only, never an address (audited)`,
      access: "admin",
      body: rotateBody,
      limit: BODY_LIMITS.tiny,
      response: contactRotationResponse,
    },
    async (c, { body }) => {
      const now = Date.now();
      const batch = await rotateContactBatch(c.env, { after: body.after, limit: body.limit, now });
      await audit(getDb(c.env.DB), actorOf(c), "contacts.rotated", now, {
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
