// Rotating the contact key over the API (admins): one bounded batch per call, so a database of any size
// is re-encrypted in calls that each stay far inside a Worker invocation's limits. The keys never leave
// the Worker; `npm run rotate-contacts` (scripts/rotate-contacts.mjs) calls this in a loop. The procedure:
// README "Sleutels en gegevens / Keys and data".
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { getDb } from "../db";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { actorOf, requireAdmin, requireStaff, type StaffEnv } from "../staff/auth";
import { API_BASE, jsonBody, op } from "../staff/openapi";
import { contactRotationResponse } from "../staff/responses";
import { MAX_ROTATION_BATCH, ROTATION_BATCH, rotateContactBatch } from "./contacts";

const rotateBody = z.strictObject({
  /** continue after this participant id (the previous answer's `next`); 0 or absent: from the start */
  after: z.int().min(0).optional(),
  /** participants per call (default 250) */
  limit: z.int().min(1).max(MAX_ROTATION_BATCH).optional(),
});
const limit = bodyLimit({
  maxSize: 1024,
  onError: () => {
    throw new AppError("payload_too_large", "Body larger than 1 KiB");
  },
});

export const contactRoutes = new Hono<StaffEnv>().use("/admin/contacts/*", requireStaff).post(
  op({
    method: "post",
    path: `${API_BASE}/admin/contacts/rotate`,
    summary: `Re-encrypt stored e-mail addresses under the current CONTACT_KEY, one batch per call (admins; default ${ROTATION_BATCH} participants): legacy values and values under CONTACT_KEYS_PREVIOUS; counts only, never an address (audited)`,
    access: "admin",
    body: rotateBody,
    response: contactRotationResponse,
  }),
  limit,
  async (c) => {
    requireAdmin(c);
    const body = await jsonBody(c, rotateBody);
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
);
