// Done when: quiet hours hold across both daylight-saving changes (through the whole job, not just the
// pure policy); withdrawn and paused youths receive nothing; end to end cron → invitation → no answer →
// reminder after N days → answer → no further reminders.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pauseToken } from "../../worker/survey/pause-token";
import { localDate } from "../../worker/schedule/schedule";
import { cronWith } from "../support/handlers";
import { form } from "../support/http";
import { sinkFor, uniqueDomain } from "../support/mail";
import { makeParticipant, makePilot } from "../support/study";

const H = 3_600_000;
const DAY = 24 * H;
const EVERY_DAY = { reminders: { quietHours: { start: "21:00", end: "08:00" }, quietWeekdays: [] } };

describe("quiet hours across the daylight-saving changes, through the scheduled job", () => {
  for (const c of [
    // 29 March 2026: clocks go forward at 02:00 → 08:00 local is 06:00Z (CEST). A job on a fixed +1 offset would wait
    // until 07:00Z.
    {
      name: "spring (29 March 2026)",
      day: "2026-03-29",
      quiet: [Date.UTC(2026, 2, 28, 20, 30), Date.UTC(2026, 2, 29, 0, 30), Date.UTC(2026, 2, 29, 5, 59)],
      first: Date.UTC(2026, 2, 29, 6, 0),
    },
    // 25 October 2026: clocks go back at 03:00 → 08:00 local is 07:00Z (CET). A job on a fixed +2 offset would send at
    // 06:00Z.
    {
      name: "autumn (25 October 2026)",
      day: "2026-10-25",
      quiet: [Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 6, 0), Date.UTC(2026, 9, 25, 6, 59)],
      first: Date.UTC(2026, 9, 25, 7, 0),
    },
  ]) {
    it(`${c.name}: nothing during the night, the invitation at 08:00 local`, async () => {
      const sink = sinkFor(uniqueDomain("dst"));
      const { pilot } = await makePilot({ settings: EVERY_DAY });
      await makeParticipant(pilot.id, { start: c.day, email: sink.address("youth") });
      for (const t of c.quiet) {
        await cronWith(env, t);
        expect((await sink.messages()).messages, new Date(t).toISOString()).toHaveLength(0);
      }
      await cronWith(env, c.first);
      const { messages } = await sink.messages();
      expect(messages).toHaveLength(1);
      expect(messages[0]!.subject).toBe("Je korte vragenlijst staat klaar");
      await cronWith(env, c.first + 15 * 60_000);
      expect((await sink.messages()).messages).toHaveLength(1);
    });
  }

  it("a Sunday is quiet all day by default; the invitation waits for Monday 08:00", async () => {
    const sink = sinkFor(uniqueDomain("sunday"));
    const { pilot } = await makePilot({ settings: {} }); // default policy: 21:00–08:00 and Sundays
    await makeParticipant(pilot.id, { start: "2026-10-25", email: sink.address("youth") });
    await cronWith(env, Date.UTC(2026, 9, 25, 11, 0)); // Sunday noon
    await cronWith(env, Date.UTC(2026, 9, 26, 6, 45)); // Monday 07:45 CET
    expect((await sink.messages()).messages).toHaveLength(0);
    await cronWith(env, Date.UTC(2026, 9, 26, 7, 0)); // Monday 08:00 CET
    expect((await sink.messages()).messages).toHaveLength(1);
  });
});

describe("who receives nothing", () => {
  it("withdrawn and paused youths receive nothing, also when their reminders fall due", async () => {
    const sink = sinkFor(uniqueDomain("quiet"));
    const { pilot } = await makePilot({
      settings: {
        reminders: {
          quietHours: { start: "00:00", end: "00:00" },
          quietWeekdays: [],
          firstReminderAfterDays: 2,
          minSpacingDays: 2,
        },
      },
    });
    const now = Date.now();
    const today = localDate(now, "Europe/Amsterdam");
    const withdrawn = await makeParticipant(pilot.id, {
      start: today,
      email: sink.address("withdrawn"),
      status: "withdrawn",
    });
    const paused = await makeParticipant(pilot.id, { start: today, email: sink.address("paused") });
    await makeParticipant(pilot.id, { start: today, email: sink.address("active") });
    // She presses the pause link from an earlier message.
    expect(
      (
        await exports.default.fetch(`http://questionnaire.localhost/p/${await pauseToken(env, paused.id)}`, {
          method: "POST",
        })
      ).status,
    ).toBe(200);

    for (let d = 0; d <= 8; d++) await cronWith(env, now + d * DAY);
    const { messages } = await sink.messages();
    const to = (addr: string) => messages.filter((m) => m.to[0] === addr);
    expect(to(sink.address("withdrawn"))).toHaveLength(0);
    expect(to(sink.address("paused"))).toHaveLength(0);
    expect(to(sink.address("active")).map((m) => m.subject)).toEqual([
      "Je korte vragenlijst staat klaar",
      "Herinnering: je korte vragenlijst",
      "Herinnering: je korte vragenlijst",
      "Herinnering: je korte vragenlijst",
    ]);
    // Nothing was even queued for the withdrawn youth; the paused youth's occasion closes before her pause ends.
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM outbox WHERE participant_id IN (?, ?)")
        .bind(withdrawn.id, paused.id)
        .first<number>("n"),
    ).toBe(0);
  });

  it("a youth withdrawn after her message was queued gets nothing: delivery cancels it", async () => {
    const sink = sinkFor(uniqueDomain("late"));
    const { pilot } = await makePilot({
      settings: { reminders: { quietHours: { start: "00:00", end: "00:00" }, quietWeekdays: [] } },
    });
    const youth = await makeParticipant(pilot.id, {
      start: localDate(Date.now(), "Europe/Amsterdam"),
      email: sink.address("y"),
    });
    const { collectDueOccasions, openDueOccasions } = await import("../../worker/studies/occasions");
    const { enqueueMessages, planMessages, deliverOutbox } = await import("../../worker/reminders/outbox");
    const now = Date.now();
    expect((await collectDueOccasions(env.DB, now, pilot.id)).length).toBe(1);
    await openDueOccasions(env.DB, now, pilot.id);
    await enqueueMessages(env.DB, await planMessages(env.DB, now, { pilotId: pilot.id }), now, null);
    await env.DB.prepare("UPDATE participants SET status = 'withdrawn' WHERE id = ?").bind(youth.id).run();
    const ids = (
      await env.DB.prepare("SELECT id FROM outbox WHERE participant_id = ?").bind(youth.id).all<{ id: number }>()
    ).results.map((r) => r.id);
    expect(await deliverOutbox(env, ids, () => now)).toMatchObject({ cancelled: 1, sent: 0 });
    expect((await sink.messages()).messages).toHaveLength(0);
  });
});

describe("end to end", () => {
  it("cron → invitation → no answer → reminder after 3 days → answer → no further reminders", async () => {
    const sink = sinkFor(uniqueDomain("e2e"));
    const { pilot, versions } = await makePilot({
      settings: {
        reminders: {
          quietHours: { start: "00:00", end: "00:00" },
          quietWeekdays: [],
          firstReminderAfterDays: 3,
          minSpacingDays: 3,
          maxReminders: 3,
        },
      },
    });
    const t0 = Date.now();
    await makeParticipant(pilot.id, { start: localDate(t0, "Europe/Amsterdam"), email: sink.address("youth") });
    const subjects = async () => (await sink.messages()).messages.map((m) => m.subject);

    await cronWith(env, t0);
    expect(await subjects()).toEqual(["Je korte vragenlijst staat klaar"]);
    const invitation = (await sink.messages()).messages[0]!;
    const link = /http:\/\/questionnaire\.localhost\/q\/[A-Za-z0-9_-]{43}/.exec(invitation.text)![0];

    // No answer: nothing on days 1 and 2, the first reminder on day 3, with the same link and the pause link.
    await cronWith(env, t0 + 1 * DAY);
    await cronWith(env, t0 + 2 * DAY);
    expect(await subjects()).toHaveLength(1);
    await cronWith(env, t0 + 3 * DAY);
    expect(await subjects()).toEqual(["Je korte vragenlijst staat klaar", "Herinnering: je korte vragenlijst"]);
    const reminder = (await sink.messages()).messages[1]!;
    expect(reminder.text).toContain(link);
    expect(reminder.text).toMatch(/http:\/\/questionnaire\.localhost\/p\/[A-Za-z0-9_-]{40,}/);

    // She answers through the form.
    const html = await (await exports.default.fetch(link)).text();
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/name="(v\.(\d+)\.[a-z_]+)"/g))
      if (Number(m[2]) === versions.get("welzijn")) fields[m[1]!] = "7";
    expect(Object.keys(fields).length).toBeGreaterThan(0);
    expect((await exports.default.fetch(link, form(fields))).status).toBe(303);

    // No further reminders, however long we wait within the window.
    for (const d of [4, 6, 7, 9]) await cronWith(env, t0 + d * DAY);
    expect(await subjects()).toHaveLength(2);
    const occ = await env.DB.prepare(
      "SELECT o.status FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE p.pilot_id = ?",
    )
      .bind(pilot.id)
      .first<string>("status");
    expect(occ).toBe("completed");
  });

  it("after the last reminder, one message to the mentor (when the pilot wants it), then nothing more", async () => {
    const sink = sinkFor(uniqueDomain("mentor"));
    const { pilot } = await makePilot({
      settings: {
        reminders: {
          quietHours: { start: "00:00", end: "00:00" },
          quietWeekdays: [],
          firstReminderAfterDays: 3,
          maxReminders: 1,
          mentorAfterLastReminder: true,
          mentorAfterDays: 2,
        },
      },
    });
    const t0 = Date.now();
    await makeParticipant(pilot.id, {
      start: localDate(t0, "Europe/Amsterdam"),
      email: sink.address("youth"),
      mentor: sink.address("mentor"),
    });
    for (let d = 0; d <= 9; d++) await cronWith(env, t0 + d * DAY);
    const got = (await sink.messages()).messages.map((m) => `${m.to[0]!.split("@")[0]}: ${m.subject}`);
    expect(got).toEqual([
      "youth: Je korte vragenlijst staat klaar",
      "youth: Herinnering: je korte vragenlijst",
      "mentor: Vragenlijst nog niet ingevuld",
    ]);
  });
});
