// One message per youth per run (issue 14, item 1): a youth with a wave and a frequent questionnaire open
// gets ONE mail that states their real length together; its link opens the shortest first, and its final
// submit continues to the next. The outbox keeps one row per occasion (exactly once per occasion), all
// rows of the combined mail marked sent with its one Message-ID.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ATMQ, GCIR } from "../../schema/instruments/definitions";
import { deliverOutbox, dueOutboxIds, enqueueMessages, planMessages } from "../../worker/reminders/outbox";
import { estimateMinutes } from "../../core/questionnaire-length";
import { form } from "../support/http";
import { sinkFor, uniqueDomain } from "../support/mail";
import { ALWAYS_SEND, frequentVersionIds, makeParticipant, makePilot, openOccasion } from "../support/study";

const DAY = 86_400_000;
const get = (path: string) => exports.default.fetch(`http://questionnaire.localhost${path}`, { redirect: "manual" });
const post = (path: string, fields: Record<string, string>) =>
  exports.default.fetch(`http://questionnaire.localhost${path}`, form(fields));

async function world(prefix: string) {
  const sink = sinkFor(uniqueDomain(prefix));
  const { pilot, versions } = await makePilot({ settings: ALWAYS_SEND });
  const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("youth") });
  const frequent = await openOccasion(youth.id, frequentVersionIds(versions));
  const now = Date.now();
  const wave = (await env.DB.prepare(
    "INSERT INTO occasions (participant_id, kind, wave, seq, due_date, opens_at, closes_at, status, " +
      "instrument_version_ids) VALUES (?, 'wave', 'T1', 1, '2026-01-05', ?, ?, 'open', ?) RETURNING id",
  )
    .bind(youth.id, now - 3_600_000, now + 20 * DAY, JSON.stringify([versions.get("gcir"), versions.get("atmq")]))
    .first<number>("id"))!;
  return { sink, pilot, versions, youth, frequent, wave };
}

async function run(pilotId: number, now = Date.now()) {
  await enqueueMessages(env.DB, await planMessages(env.DB, now, { pilotId }), now, null);
  return deliverOutbox(env, await dueOutboxIds(env.DB, now, 10_000, pilotId), () => now);
}

const rowsOf = async (participantId: number) =>
  (
    await env.DB.prepare(
      "SELECT occasion_id, kind, status, message_id FROM outbox WHERE participant_id = ? ORDER BY id",
    )
      .bind(participantId)
      .all<{ occasion_id: number; kind: string; status: string; message_id: string }>()
  ).results;

describe("one message per youth per run", () => {
  it(
    "a wave and a frequent questionnaire: one mail with the real " +
      "length; both completed from its one link, shortest first",
    async () => {
      const w = await world("one");
      expect(await run(w.pilot.id)).toMatchObject({ sent: 2, failed: 0 });
      const { messages } = await w.sink.messages();
      expect(messages).toHaveLength(1);
      const rows = await rowsOf(w.youth.id);
      expect(rows.map((r) => [r.occasion_id, r.kind, r.status])).toEqual(
        expect.arrayContaining([
          [w.frequent.occasion.id, "invitation", "sent"],
          [w.wave, "invitation", "sent"],
        ]),
      );
      expect(rows).toHaveLength(2);
      expect(new Set(rows.map((r) => r.message_id)).size).toBe(1);
      expect(messages[0]!.messageId).toBe(rows[0]!.message_id);

      // The real length: 1 minute for the 13 sliders plus the wave's GCI-R and ATMQ items.
      const minutes = estimateMinutes([...GCIR.items, ...ATMQ.items]) + 1;
      expect(minutes).toBeGreaterThanOrEqual(6);
      const text = messages[0]!.text;
      expect(text).toContain("Er staan 2 korte vragenlijsten voor je klaar");
      expect(text).toContain(`Samen duurt het invullen ongeveer ${minutes} minuten.`);
      expect(text).toContain(`Together they take about ${minutes} minutes.`);
      expect(text).not.toMatch(/ongeveer een minuut/);

      // The link opens the shortest (the frequent questionnaire) …
      const path = /\/q\/[A-Za-z0-9_-]{43}/.exec(text)![0];
      expect(path).toBe(w.frequent.path);
      const fv = frequentVersionIds(w.versions)[0]!;
      const first = await post(path, { [`v.${fv}.persoonlijk`]: "7" });
      expect(first.status).toBe(303);
      // … and its final submit continues to the wave questionnaire, with a word of thanks.
      const thanks = first.headers.get("location")!;
      expect(thanks).toBe(`/q/done?lang=nl&from=${w.frequent.token}`);
      const onwards = await get(thanks);
      expect(onwards.status).toBe(303);
      const next = onwards.headers.get("location")!;
      expect(next).toMatch(/^\/q\/[A-Za-z0-9_-]{43}\?lang=nl&n=next$/);
      const page = await get(next);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("Er staat nog een vragenlijst voor je klaar");
      expect(html).toContain(`v.${w.versions.get("gcir")}.${GCIR.items[0]!.key}`);
      const done = await post(next.split("?")[0]!, { [`v.${w.versions.get("gcir")}.${GCIR.items[0]!.key}`]: "3" });
      expect(done.status).toBe(303);
      const last = done.headers.get("location")!;
      expect(last).toMatch(/^\/q\/done\?lang=nl&from=/);
      const end = await get(last);
      expect(end.status).toBe(200);
      expect(await end.text()).toContain("Dank je wel!");
      const statuses = await env.DB.prepare("SELECT id, status FROM occasions WHERE participant_id = ? ORDER BY id")
        .bind(w.youth.id)
        .all<{ id: number; status: string }>();
      expect(statuses.results.map((r) => r.status)).toEqual(["completed", "completed"]);
      const modes = await env.DB.prepare("SELECT DISTINCT mode FROM responses WHERE participant_id = ?")
        .bind(w.youth.id)
        .all<{ mode: string }>();
      expect(modes.results).toEqual([{ mode: "self" }]);
    },
  );

  it("a second run sends nothing more; a youth's rows in two queue batches still make one mail", async () => {
    const w = await world("once");
    const other = await makeParticipant(w.pilot.id, { start: "2026-01-05", email: w.sink.address("other") });
    await openOccasion(other.id, frequentVersionIds(w.versions));
    const now = Date.now();
    await enqueueMessages(env.DB, await planMessages(env.DB, now, { pilotId: w.pilot.id }), now, null);
    const ids = await dueOutboxIds(env.DB, now, 10_000, w.pilot.id);
    expect(ids).toHaveLength(3);
    const mine = (await rowsOf(w.youth.id)).length;
    expect(mine).toBe(2);
    // The queue splits her two rows over two batches: the first takes both, the second finds them taken.
    const [a, b] = await Promise.all([
      deliverOutbox(env, [ids[0]!], () => now),
      deliverOutbox(env, ids.slice(1), () => now),
    ]);
    expect(a.sent + b.sent).toBe(3);
    expect(await run(w.pilot.id, now + 60_000)).toMatchObject({ sent: 0 });
    const { messages } = await w.sink.messages();
    const per = new Map<string, number>();
    for (const m of messages) per.set(m.to[0]!, (per.get(m.to[0]!) ?? 0) + 1);
    expect(Object.fromEntries(per)).toEqual({ [w.sink.address("youth")]: 1, [w.sink.address("other")]: 1 });
    // The other youth's single questionnaire: the single wording, 1 minute.
    const single = messages.find((m) => m.to[0] === w.sink.address("other"))!;
    expect(single.text).toContain(
      "Er staat een korte vragenlijst voor je klaar. Het invullen duurt ongeveer 1 minuut.",
    );
  });

  it("an occasion answered between claim and send leaves the other row's mail naming one questionnaire", async () => {
    const w = await world("gone");
    const now = Date.now();
    await enqueueMessages(env.DB, await planMessages(env.DB, now, { pilotId: w.pilot.id }), now, null);
    const ids = await dueOutboxIds(env.DB, now, 10_000, w.pilot.id);
    // Completed after planning (the delivery gate cancels its row, the mail names only the wave).
    await env.DB.prepare("UPDATE occasions SET status = 'completed' WHERE id = ?").bind(w.frequent.occasion.id).run();
    expect(await deliverOutbox(env, ids, () => now)).toMatchObject({ sent: 1, cancelled: 1 });
    const { messages } = await w.sink.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain("Er staat een korte vragenlijst voor je klaar");
    expect(/\/q\/[A-Za-z0-9_-]{43}/.exec(messages[0]!.text)![0]).not.toBe(w.frequent.path);
  });
});
