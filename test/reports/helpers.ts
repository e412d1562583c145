// Fixtures for the report tests: wave answers, staff forms and API tokens with a role, in the test D1.
import { env } from "cloudflare:workers";
import { getDb, schema } from "../../worker/db";
import { sha256Hex } from "../../worker/lib/crypto";
import { addDays, zonedTimeToUtc } from "../../worker/schedule/schedule";
import { db, uniqueKey } from "../support/fixtures";

/**
 * A completed wave occasion where every item of each instrument gets the value of `values[instrument]` (per item or one
 * for all).
 */
export async function addWave(
  participantId: number,
  versions: Map<string, number>,
  start: string,
  wave: "T1" | "T2" | "T3",
  values: Record<string, number | ((item: number) => number | null)>,
  opts: { status?: "completed" | "missed" } = {},
) {
  const offset = wave === "T1" ? 0 : wave === "T2" ? 182 : 365;
  const due = addDays(start, offset);
  const at = zonedTimeToUtc(due, 12, 0, "Europe/Amsterdam");
  const status = opts.status ?? "completed";
  const [occ] = await db()
    .insert(schema.occasions)
    .values({
      participantId,
      kind: "wave",
      wave,
      seq: Number(wave.slice(1)),
      dueDate: due,
      opensAt: at - 3_600_000,
      closesAt: at + 14 * 86_400_000,
      status,
      completedAt: status === "completed" ? at : null,
      instrumentVersionIds: Object.keys(values).map((k) => versions.get(k)!),
    })
    .returning();
  if (status !== "completed") return occ!;
  const counts: Record<string, number> = { gcir: 40, atmq: 11, tasc: 12 };
  const rows: (typeof schema.responses.$inferInsert)[] = [];
  for (const [inst, v] of Object.entries(values)) {
    for (let i = 1; i <= counts[inst]!; i++) {
      const value = typeof v === "function" ? v(i) : v;
      if (value === null) continue;
      rows.push({
        occasionId: occ!.id,
        participantId,
        instrumentVersionId: versions.get(inst)!,
        itemKey: `item${i}`,
        value,
        answeredAt: at,
        mode: "self",
      });
    }
  }
  for (let i = 0; i < rows.length; i += 10)
    await db()
      .insert(schema.responses)
      .values(rows.slice(i, i + 10));
  return occ!;
}

export async function addStaffForm(participantId: number, form: "background" | "risl", data: Record<string, unknown>) {
  await db().insert(schema.staffForms).values({ participantId, form, data, updatedAt: Date.now() });
}

/** A bearer token with one role on the given pilots (null = all pilots). */
export async function tokenFor(
  role: "researcher" | "coordinator" | "project_coordinator" | "admin",
  pilotIds: number[] | null,
) {
  const token = `tok_${uniqueKey("x")}_${crypto.randomUUID().replace(/-/g, "")}`;
  await getDb(env.DB)
    .insert(schema.apiTokens)
    .values({ name: `test ${role}`, tokenHash: await sha256Hex(token), role, pilotIds });
  return { authorization: `Bearer ${token}` };
}

export const admin = () => ({ authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` });

/** Parses our CSV (RFC 4180 quoting, CRLF rows, BOM) into rows of cells. */
export function parseCsv(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

export const asObjects = (rows: string[][]) =>
  rows.slice(1).map((r) => Object.fromEntries(rows[0]!.map((h, i) => [h, r[i]!])));
