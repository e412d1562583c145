// Builds small, independent studies inside the test D1 (tests share one database per file, so every
// fixture uses its own pilot key).
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getDb, schema } from "../../worker/db";
import { sha256Hex } from "../../worker/lib/crypto";
import { setContact } from "../../worker/studies/contacts";
import { ensureBuiltInInstruments } from "../../worker/studies/instruments";
import { ensureLink } from "../../worker/survey/links";
import { addFrequentHistory } from "../../worker/dev/fixtures";

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
  const versions = await ensureBuiltInInstruments(d);
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
      db(),
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
  const url = await ensureLink(db(), env, occ!.id, occ!.closesAt);
  return { occasion: occ!, url, token: url.split("/q/")[1]!, path: `/q/${url.split("/q/")[1]!}` };
}

export const frequentVersionIds = (versions: Map<string, number>, pilotItems = "fier") =>
  ["welzijn", "functioneren", "basisbehoeften", `pilot_${pilotItems}`].map((k) => versions.get(k)!);

export async function responsesOf(occasionId: number) {
  return db().select().from(schema.responses).where(eq(schema.responses.occasionId, occasionId));
}

export const tokenHash = sha256Hex;

/** The SMTP sink started by test/global-setup.ts. */
export const smtpSink = {
  async messages() {
    const r = await fetch(`${env.TEST_SMTP_CONTROL}/messages`);
    return (await r.json()) as {
      messages: {
        from: string;
        to: string[];
        subject: string;
        text: string;
        html: string;
        messageId: string;
        date: string;
        headers: Record<string, string>;
        raw: string;
      }[];
      attempts: number;
      refused: number;
    };
  },
  async clear() {
    await fetch(`${env.TEST_SMTP_CONTROL}/messages`, { method: "DELETE" });
  },
  async mode(m: { refuseRate?: number; dropRate?: number; refuseAll?: boolean }) {
    await fetch(`${env.TEST_SMTP_CONTROL}/mode`, { method: "POST", body: JSON.stringify(m) });
  },
};

export const form = (fields: Record<string, string>) => {
  const body = new URLSearchParams(fields);
  return {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual" as const,
  };
};

export { ALWAYS_SEND } from "../../worker/dev/fixtures";

/** Past frequent occasions answered with the same value on every history item, due every 14 days from `start`. */
export const addHistory = (participantId: number, versions: Map<string, number>, start: string, values: number[]) =>
  addFrequentHistory(db(), participantId, versions, start, values);
