// Response schemas of the staff-wide API (worker/staff/api.ts, admin.ts). They describe
// the answers in /api/v1/openapi.json and are checked against every answer in the tests (VALIDATE_RESPONSES,
// worker/http/validate-responses.ts). Strict objects: a field the description does not name is a mismatch.
// Epoch milliseconds are integers; absent values are null, never a missing key (except where optional).
import { z } from "zod";
import { auditLog, INSTRUMENT_KINDS, STAFF_ROLES } from "../../schema/tables";

const epochMs = z.int();
const role = z.enum(STAFF_ROLES);

// ---- who am I, pilots, tokens, audit, instruments ------------------------------------------------------

export const meResponse = z.strictObject({
  type: z.enum(["staff", "token"]),
  id: z.string(),
  isAdmin: z.boolean(),
  email: z.string().nullable(),
  /** pilotId null: every pilot */
  roles: z.array(z.strictObject({ pilotId: z.int().nullable(), role })),
});

export const pilotsResponse = z.strictObject({
  pilots: z.array(
    z.strictObject({
      key: z.string(),
      name: z.string(),
      organisation: z.string(),
      timezone: z.string(),
      /** the principal's roles on the pilot; ["admin"] for admins */
      roles: z.array(z.enum([...STAFF_ROLES, "admin"])),
    }),
  ),
});

const tokenRole = z.enum([...STAFF_ROLES, "admin"]);
export const tokensResponse = z.strictObject({
  tokens: z.array(
    z.strictObject({
      id: z.int(),
      name: z.string(),
      role: tokenRole,
      /** pilot keys (null for a pilot that no longer exists); null: every pilot */
      pilots: z.array(z.string().nullable()).nullable(),
      createdAt: epochMs,
      revokedAt: epochMs.nullable(),
      lastUsedAt: epochMs.nullable(),
      /** refused from this instant on (401), like a revoked token */
      expiresAt: epochMs,
      expired: z.boolean(),
    }),
  ),
});

/** The secret is shown here once and never again. */
export const tokenCreatedResponse = z.strictObject({
  id: z.int(),
  name: z.string(),
  role: tokenRole,
  pilots: z.array(z.string()).nullable(),
  token: z.string(),
  expiresAt: epochMs,
});
export const tokenRevokedResponse = z.strictObject({ id: z.int(), revokedAt: epochMs });

export const auditResponse = z.strictObject({
  entries: z.array(
    z.strictObject({
      id: z.int(),
      at: epochMs,
      actorType: z.enum(auditLog.actorType.enumValues),
      actorId: z.string(),
      action: z.string(),
      pilotId: z.int().nullable(),
      target: z.string().nullable(),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  /** pass as `before` for older entries; null on the last page */
  next: z.int().nullable(),
});

export const instrumentsResponse = z.strictObject({
  instruments: z.array(
    z.strictObject({
      key: z.string(),
      name: z.string(),
      kind: z.enum(INSTRUMENT_KINDS),
      /** null: an instrument of every pilot; else the pilot of its own items */
      pilotId: z.int().nullable(),
      /** the current version holds demo texts or norms */
      demo: z.boolean(),
      versions: z.array(z.strictObject({ version: z.int().min(1), complete: z.boolean(), createdAt: epochMs })),
      current: z.int().min(1),
    }),
  ),
});

export const instrumentResponse = z.strictObject({
  key: z.string(),
  version: z.int().min(1),
  complete: z.boolean(),
  definition: z.record(z.string(), z.unknown()),
});

// ---- admin: pilots and staff -----------------------------------------------------------------------

export const pilotCreatedResponse = z.strictObject({
  key: z.string(),
  name: z.string(),
  organisation: z.string(),
  timezone: z.string(),
});
export const pilotResponse = z.strictObject({
  key: z.string(),
  name: z.string(),
  organisation: z.string(),
  timezone: z.string(),
  frequentInstruments: z.array(z.string()),
  waveInstruments: z.array(z.string()),
});

export const staffUserResponse = z.strictObject({
  id: z.int(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  disabledAt: epochMs.nullable(),
  /** pilot null: every pilot (project coordinator) */
  roles: z.array(z.strictObject({ pilot: z.string().nullable(), role })),
});
export const staffListResponse = z.strictObject({ staff: z.array(staffUserResponse) });
