import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../worker/db";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { cronWith } from "../support/handlers";
import { form } from "../support/http";
import { smtpSink } from "../support/mail";
import { ALWAYS_SEND, addHistory, db, makeParticipant, makePilot } from "../support/study";

describe("the whole loop inside workerd, with a real SMTP server", () => {
  beforeAll(() => smtpSink.clear());

  it("cron → invitation over SMTP → answers stored → cron recomputes → CSV shows the trend", async () => {
    const { pilot, versions } = await makePilot({ settings: ALWAYS_SEND });
    const now = Date.now();
    const start = addDays(localDate(now, "Europe/Amsterdam"), -70); // today is frequent occasion 6
    const youth = await makeParticipant(pilot.id, { start, email: "loop.youth@example.test" });
    await addHistory(youth.id, versions, start, [4, 5, 5, 6, 7]);

    await cronWith(env, now);
    const { messages } = await smtpSink.messages();
    const mail = messages.find((m) => m.to.includes("loop.youth@example.test"));
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe("Je korte vragenlijst staat klaar");
    expect(mail!.messageId).toMatch(/^<.+@example\.org>$/);
    expect(mail!.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail!.text + mail!.html).not.toMatch(/slachtoffer|uitbuiting|loverboy|mensenhandel/i);
    const link = /http:\/\/questionnaire\.localhost\/q\/[A-Za-z0-9_-]{43}/.exec(mail!.text)![0];

    const page = await exports.default.fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/name="(v\.(\d+)\.[a-z_]+)"/g)) {
      const [, name, vid] = m;
      if ([versions.get("welzijn"), versions.get("functioneren"), versions.get("basisbehoeften")].includes(Number(vid)))
        fields[name!] = "8";
    }
    delete fields[`v.${versions.get("welzijn")}.partner`];
    const submitted = await exports.default.fetch(link, form(fields));
    expect(submitted.status).toBe(303);

    await cronWith(env, Date.now());
    const [stored] = await db()
      .select()
      .from(schema.indicatorResults)
      .where(eq(schema.indicatorResults.participantId, youth.id))
      .then((rows) => rows.filter((r) => r.indicator === "welzijn"));
    // welzijn per occasion: 4,5,5,6,7,8 on days 0,14,…,70 — worked out by hand in test/jobs/README.md
    expect(stored!.n).toBe(6);
    expect(stored!.mean).toBeCloseTo(35 / 6, 12);
    expect(stored!.slopePerMeasurement).toBeCloseTo(0.8, 12);
    expect(stored!.slopePerDay).toBeCloseTo(0.8 / 14, 12);
    expect(stored!.kendallS).toBe(14);
    expect(stored!.varianceS).toBeCloseTo(492 / 18, 12);
    expect(stored!.trend).toBe("up");
    expect(stored!.band).toBe("middle");

    const csv = await exports.default.fetch(
      `http://questionnaire.localhost/api/v1/pilots/${pilot.key}/summary/indicators.csv`,
      { headers: { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}` } },
    );
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, so Excel reads UTF-8
    const lines = new TextDecoder().decode(bytes).trim().split("\r\n");
    expect(lines[0]).toBe(
      "participant_code,indicator,n,mean,min,max,slope_per_measurement,slope_per_day,kendall_s,mk_p,trend,band",
    );
    const row = lines.find((l) => l.startsWith(`${youth.code},welzijn,`))!.split(",");
    expect(Number(row[2])).toBe(6);
    expect(Number(row[6])).toBeCloseTo(0.8, 12);
    expect(Number(row[9])).toBeGreaterThan(0.01);
    expect(Number(row[9])).toBeLessThan(0.05);
    expect(row[10]).toBe("up");
  });

  it("a second cron run sends nothing twice", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const now = Date.now();
    const youth = await makeParticipant(pilot.id, {
      start: localDate(now, "Europe/Amsterdam"),
      email: "twice@example.test",
    });
    await cronWith(env, now);
    await cronWith(env, now + 60_000);
    const { messages } = await smtpSink.messages();
    expect(messages.filter((m) => m.to.includes("twice@example.test"))).toHaveLength(1);
    void youth;
  });
});
