// Builds small, independent studies inside the test D1 (tests share one database per file, so every
// fixture uses its own pilot key): pilots, youths, occasions with links, answers and staff forms.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getDb, schema } from "../../worker/db";
import { setContact } from "../../worker/studies/contacts";
import { ensureBuiltInInstruments } from "../../worker/studies/instruments";
import { ensureLink } from "../../worker/survey/links";
import { addFrequentHistory } from "../../worker/dev/fixtures";
import { addDays, zonedTimeToUtc } from "../../worker/schedule/schedule";
import { INTERVAL_SEQ_BASE } from "../../core/waves";

export const db = () => getDb(env.DB);
let counter = 0;
export const uniqueKey = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function makePilot(
  opts: { key?: string; pilotItemsOf?: string; settings?: Record<string, unknown> } = {},
) {
  const d = db();
  let [study] = await d.select().from(schema.studies).where(eq(schema.studies.key, "test"));
  study ??= (await d.insert(schema.studies).values({ key: "test", name: "Test study" }).returning())[0]!;
  const key = opts.key ?? uniqueKey("p");
  const [pilot] = await d
    .insert(schema.pilots)
    .values({
      studyId: study.id,
      key,
      name: `Pilot ${key}`,
      organisation: "Test",
      settings: {
        frequentInstruments: ["welzijn", "functioneren", "basisbehoeften", `pilot_${opts.pilotItemsOf ?? "fier"}`],
        waveInstruments: [],
        ...opts.settings,
      },
    })
    .returning();
  const versions = await ensureBuiltInInstruments(env.DB);
  return { pilot: pilot!, versions };
}

export async function makeParticipant(
  pilotId: number,
  opts: {
    code?: string;
    start: string;
    email?: string | null;
    mentor?: string | null;
    status?: (typeof schema.PARTICIPANT_STATUSES)[number];
  },
) {
  const [p] = await db()
    .insert(schema.participants)
    .values({
      pilotId,
      code: opts.code ?? uniqueKey("Y-"),
      pilotStartDate: opts.start,
      status: opts.status ?? "active",
      consentBy: "self",
      consentDate: opts.start,
    })
    .returning();
  if (opts.email !== null)
    await setContact(
      env.DB,
      env,
      p!.id,
      opts.email ?? `${p!.code.toLowerCase()}@example.test`,
      opts.mentor ?? null,
      Date.now(),
    );
  return p!;
}

/** An open frequent occasion with a fresh link; returns the link's token. */
export async function openOccasion(
  participantId: number,
  versionIds: number[],
  opts: { opensAt?: number; closesAt?: number; seq?: number } = {},
) {
  const now = Date.now();
  const [occ] = await db()
    .insert(schema.occasions)
    .values({
      participantId,
      kind: "frequent",
      seq: opts.seq ?? 1,
      dueDate: new Date(now).toISOString().slice(0, 10),
      opensAt: opts.opensAt ?? now - 3_600_000,
      closesAt: opts.closesAt ?? now + 7 * 86_400_000,
      status: "open",
      instrumentVersionIds: versionIds,
    })
    .returning();
  const url = await ensureLink(env.DB, env, occ!.id, occ!.closesAt);
  return { occasion: occ!, url, token: url.split("/q/")[1]!, path: `/q/${url.split("/q/")[1]!}` };
}

export const frequentVersionIds = (versions: Map<string, number>, pilotItems = "fier") =>
  ["welzijn", "functioneren", "basisbehoeften", `pilot_${pilotItems}`].map((k) => versions.get(k)!);

export async function responsesOf(occasionId: number) {
  return db().select().from(schema.responses).where(eq(schema.responses.occasionId, occasionId));
}

export { ALWAYS_SEND } from "../../worker/dev/fixtures";

/** Past frequent occasions answered with the same value on every history item, due every 14 days from `start`. */
export const addHistory = (participantId: number, versions: Map<string, number>, start: string, values: number[]) =>
  addFrequentHistory(env.DB, participantId, versions, start, values);

/**
 * A completed wave occasion where every item of each instrument gets the value of `values[instrument]` (per item or one
 * for all). `{ week }` is an interval measurement (schedule.waveSchedules): no T label, seq 100 + week.
 */
export async function addWave(
  participantId: number,
  versions: Map<string, number>,
  start: string,
  wave: "T1" | "T2" | "T3" | { week: number },
  values: Record<string, number | ((item: number) => number | null)>,
  opts: { status?: "completed" | "missed" } = {},
) {
  const offset = typeof wave === "object" ? wave.week * 7 : wave === "T1" ? 0 : wave === "T2" ? 182 : 365;
  const due = addDays(start, offset);
  const at = zonedTimeToUtc(due, 12, 0, "Europe/Amsterdam");
  const status = opts.status ?? "completed";
  const [occ] = await db()
    .insert(schema.occasions)
    .values({
      participantId,
      kind: "wave",
      wave: typeof wave === "object" ? null : wave,
      seq: typeof wave === "object" ? INTERVAL_SEQ_BASE + wave.week : Number(wave.slice(1)),
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

/** Many youths of one pilot at once, with e-mail addresses `<code>@<domain>` stored encrypted as usual. */
export async function bulkParticipants(
  pilotId: number,
  n: number,
  opts: { domain: string; start: string; prefix: string; status?: string },
) {
  const rows = Array.from({ length: n }, (_, i) => [`${opts.prefix}-${String(i).padStart(5, "0")}`, opts.start]);
  const ids: { id: number; code: string }[] = [];
  for (let i = 0; i < rows.length; i += 2_000) {
    const { results } = await env.DB.prepare(
      `INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, consent_date)
       SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), ` +
        `?2, 'self', json_extract(value, '$[1]') FROM json_each(?3) RETURNING id, code`,
    )
      .bind(pilotId, opts.status ?? "active", JSON.stringify(rows.slice(i, i + 2_000)))
      .all<{ id: number; code: string }>();
    ids.push(...results);
  }
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids
        .slice(i, i + 50)
        .map((p) => setContact(env.DB, env, p.id, `${p.code.toLowerCase()}@${opts.domain}`, null, now)),
    );
  }
  return ids;
}
