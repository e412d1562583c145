// What actually arrived at a real SMTP server, read back with mailparser (on the sink's Node side) and
// checked as mail clients and spam filters judge messages. The messages go through the real delivery
// path: outbox rows claimed by deliverOutbox, rendered, and sent over SMTP.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverOutbox } from "../../worker/reminders/outbox";
import { smtpTransport } from "../../worker/mail/transport";
import type { Env } from "../../worker/env";
import { queueMessage, sinkFor, uniqueDomain } from "../support/mail";
import type { Received } from "../support/mail-types";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

const SENSITIVE = new RegExp(
  [
    "slachtoffer",
    "uitbuit",
    "loverboy",
    "mensenhandel",
    "exploit",
    "victim",
    "trafficking",
    "prostitut",
    "seks",
    "sex",
    "misbruik",
    "abuse",
    "politie",
    "police",
  ].join("|"),
  "i",
);
const DAY = 86_400_000;

let mails: Record<"invitation" | "reminder" | "mentor", Received>;
let messageIds: Map<string, string>;

beforeAll(async () => {
  const { pilot } = await makePilot({ settings: ALWAYS_SEND });
  const sink = sinkFor(uniqueDomain("wf"));
  const youth = await makeParticipant(pilot.id, {
    start: "2026-01-05",
    email: sink.address("youth"),
    mentor: sink.address("mentor"),
  });
  // The reminder goes to a second youth: one youth's due messages of one run are one mail (issue 14).
  const other = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("other") });
  const now = Date.now();
  const occasionOf = async (pid: number) =>
    (await env.DB.prepare(
      "INSERT INTO occasions (participant_id, kind, seq, due_date, opens_at, closes_at, status, " +
        "instrument_version_ids) VALUES (?, 'frequent', 1, '2026-01-05', ?, ?, 'open', '[]') RETURNING id",
    )
      .bind(pid, now - 5 * DAY, now + 5 * DAY)
      .first<number>("id"))!;
  const occ = await occasionOf(youth.id);
  const otherOcc = await occasionOf(other.id);
  const ids: number[] = [];
  for (const kind of ["invitation", "reminder", "mentor"]) {
    const [o, pid] = kind === "reminder" ? [otherOcc, other.id] : [occ, youth.id];
    ids.push(
      (await env.DB.prepare(
        "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, " +
          "status, next_attempt_at) VALUES (?, ?, ?, ?, ?, 1, 'queued', ?) RETURNING id",
      )
        .bind(`${o}:${kind}:1`, o, pid, pilot.id, kind, now)
        .first<number>("id"))!,
    );
  }
  const counts = await deliverOutbox(env, ids, () => Date.now());
  expect(counts.sent).toBe(3);
  const { messages } = await sink.messages();
  expect(messages).toHaveLength(3);
  const by = (to: string, subject: RegExp) => messages.find((m) => m.to[0] === to && subject.test(m.subject))!;
  mails = {
    invitation: by(sink.address("youth"), /^Je korte/),
    reminder: by(sink.address("other"), /^Herinnering/),
    mentor: by(sink.address("mentor"), /./),
  };
  const rows = await env.DB.prepare("SELECT kind, message_id FROM outbox WHERE occasion_id IN (?, ?)")
    .bind(occ, otherOcc)
    .all<{ kind: string; message_id: string }>();
  messageIds = new Map(rows.results.map((r) => [r.kind, r.message_id]));
});

const headerBlock = (raw: string) => raw.slice(0, raw.indexOf("\r\n\r\n"));
const headerValue = (raw: string, name: string) =>
  new RegExp(`^${name}: ([^\\r\\n]*(?:\\r\\n[ \\t][^\\r\\n]*)*)`, "im").exec(headerBlock(raw))?.[1];

describe("mail as clients and filters judge it", () => {
  for (const kind of ["invitation", "reminder", "mentor"] as const) {
    describe(kind, () => {
      it("has a unique Message-ID in our domain (the one recorded in the outbox) and a current RFC 5322 Date", () => {
        const m = mails[kind];
        expect(m.messageId).toMatch(/^<[0-9a-f]{40}@example\.org>$/); // opaque: no occasion id, no kind
        expect(m.messageId).toBe(messageIds.get(kind));
        expect(new Set(Object.values(mails).map((x) => x.messageId)).size).toBe(3);
        expect(headerValue(m.raw, "Date")).toMatch(
          new RegExp(
            String.raw`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ` +
              String.raw`\d{4} \d{2}:\d{2}:\d{2} \+0000$`,
          ),
        );
        expect(Math.abs(Date.parse(m.date) - Date.now())).toBeLessThan(5 * 60_000);
        expect(headerValue(m.raw, "MIME-Version")).toBe("1.0");
      });

      it("is multipart/alternative with a plain-text part before the HTML part, both UTF-8", () => {
        const raw = mails[kind].raw;
        const alt = /Content-Type: multipart\/alternative; boundary="([^"]+)"/i.exec(raw);
        expect(alt).not.toBeNull();
        const parts = raw.split(`--${alt![1]}`).slice(1, -1);
        expect(parts).toHaveLength(2);
        expect(parts[0]).toMatch(/Content-Type: text\/plain; charset="?UTF-8"?/i);
        expect(parts[1]).toMatch(/Content-Type: text\/html; charset="?UTF-8"?/i);
        expect(mails[kind].text.length).toBeGreaterThan(50);
        expect(mails[kind].html).toContain("<html");
      });

      it("has 7-bit headers, no line over 998 octets and no bare LF", () => {
        const raw = mails[kind].raw;
        expect(headerBlock(raw)).toMatch(/^[\x20-\x7e\r\n\t]*$/);
        expect(raw.split("\r\n").every((l) => l.length <= 998)).toBe(true);
        expect(/[^\r]\n/.test(raw)).toBe(false);
      });

      it("comes from the envelope sender, with a neutral name", () => {
        const m = mails[kind];
        expect(m.from).toBe(env.MAIL_FROM);
        expect(headerValue(m.raw, "From")).toBe(`"${env.MAIL_FROM_NAME}" <${env.MAIL_FROM}>`);
        expect(headerValue(m.raw, "To")).toBe(m.to[0]);
        expect(headerValue(m.raw, "Reply-To")).toBeUndefined();
      });

      it("is Dutch first, carries the questionnaire link, and says nothing sensitive", () => {
        const m = mails[kind];
        for (const body of [m.text, m.html]) {
          const nl = body.search(kind === "mentor" ? /Een jongere die u begeleidt/ : /Hoi,/);
          const en = body.search(kind === "mentor" ? /A young person you support/ : /Hi,/);
          expect(nl).toBeGreaterThanOrEqual(0);
          expect(en).toBeGreaterThan(nl);
          expect(body).toMatch(/http:\/\/questionnaire\.localhost\/q\/[A-Za-z0-9_-]{43}/);
        }
        expect(m.html).toMatch(/<html lang="nl">/);
        for (const s of [m.subject, m.text, m.html, headerValue(m.raw, "From")!]) expect(s).not.toMatch(SENSITIVE);
      });

      it(kind === "mentor" ? "does not carry the youth's pause link" : "carries the pause link in both parts", () => {
        const m = mails[kind];
        const pause = /http:\/\/questionnaire\.localhost\/p\/[A-Za-z0-9_-]{59}\b/; // opaque: no participant id
        if (kind === "mentor") {
          expect(m.text + m.html).not.toMatch(pause);
        } else {
          expect(m.text).toMatch(pause);
          expect(m.html).toMatch(pause);
        }
      });

      it("has no spam-like constructs", () => {
        const m = mails[kind];
        expect(m.subject).not.toMatch(/[!$€]|^[^a-z]*$|\bgratis\b|\bfree\b|urgent|dringend/i);
        expect(m.text + m.html).not.toMatch(
          /klik hier|click here|<img|<script|<form|<iframe|display:\s*none|bit\.ly|tinyurl|unsubscribe|\bwin\b|prize/i,
        );
        // Every anchor whose text looks like an address points exactly there (no mismatched links).
        for (const a of m.html.matchAll(/<a href="([^"]+)">([^<]*)<\/a>/g))
          if (/^https?:/.test(a[2]!)) expect(a[2]).toBe(a[1]);
        // Text and HTML say the same: every link of the HTML is in the plain text too.
        for (const a of m.html.matchAll(/href="([^"]+)"/g)) expect(m.text).toContain(a[1]!);
        expect(m.html.length).toBeLessThan(8_000);
      });
    });
  }

  it("encodes non-ASCII sender names and subjects as UTF-8 encoded words that decode back exactly", async () => {
    const sink = sinkFor(uniqueDomain("utf8"));
    const tx = smtpTransport({ ...env, MAIL_FROM_NAME: "Onderzoek Jeugd – één" } as Env);
    const subject = "Één korte vraag — ça va? 😊";
    const r = await tx.send({
      to: sink.address("x"),
      subject,
      text: "Hé, één twee\r\n",
      html: "<p>Hé, één twee</p>",
      messageId: "<utf8.test@example.org>",
    });
    await tx.close();
    expect(r).toEqual({ accepted: true });
    const [m] = (await sink.messages()).messages;
    expect(headerBlock(m!.raw)).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    expect(headerValue(m!.raw, "Subject")).toMatch(/=\?UTF-8\?[QB]\?/i);
    expect(m!.subject).toBe(subject);
    expect(m!.headers.from).toContain("Onderzoek Jeugd – één");
    expect(m!.text.trim()).toBe("Hé, één twee");
  });
});

describe("the pilot's sender name", () => {
  it("is used as the display name (UTF-8 encoded), with the same envelope and address", async () => {
    const { pilot } = await makePilot({ settings: { ...ALWAYS_SEND, senderName: "Onderzoeksteam Zoë" } });
    const sink = sinkFor(uniqueDomain("sender"));
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("y") });
    const { id } = await queueMessage(pilot.id, youth.id);
    expect(await deliverOutbox(env, [id], () => Date.now())).toMatchObject({ sent: 1 });
    const [m] = (await sink.messages()).messages;
    expect(m!.from).toBe(env.MAIL_FROM);
    expect(headerValue(m!.raw, "From")).toMatch(/^"=\?UTF-8\?Q\?[^"]+\?=" <vragenlijst@example\.org>$/);
    expect(m!.headers.from).toContain("Onderzoeksteam Zoë");
  });
});

describe("a standard spam filter's local checks", () => {
  it("scores every message well below 5 (spamassassin -L -t)", async (ctx) => {
    const probe = (await (
      await fetch(`${env.TEST_SMTP_CONTROL}/spamassassin`, { method: "POST", body: mails.invitation.raw })
    ).json()) as { available: boolean };
    if (!probe.available) {
      console.warn("SKIPPED: spamassassin is not installed on this machine (as root: apt-get install -y spamassassin)");
      ctx.skip("spamassassin is not installed (apt-get install -y spamassassin)");
      return;
    }
    for (const kind of ["invitation", "reminder", "mentor"] as const) {
      const r = (await (
        await fetch(`${env.TEST_SMTP_CONTROL}/spamassassin`, { method: "POST", body: mails[kind].raw })
      ).json()) as { score: number; spam: string; tests: string[]; report: string };
      console.log(`spamassassin ${kind}: score ${r.score} tests ${r.tests.join(",")}`);
      expect(r.score, r.report).not.toBeNull();
      expect(r.score, r.report).toBeLessThan(2.5);
      expect(r.spam).toBe("No");
    }
    // The checker is live: a crude message without Date/Message-ID, shouting about money, scores far higher.
    const crude = [
      "From: WINNER <x@example.org>",
      "To: y@example.org",
      "Subject: FREE MONEY!!! CLICK HERE NOW!!!",
      "Content-Type: text/html",
      "",
      "<html><body><font color=red size=7>YOU WON $1,000,000 CASH!!! CLICK HERE</font> <a " +
        "href=http://bit.ly/x>http://paypal.com</a> 100% FREE, NO RISK, ACT NOW</body></html>",
      "",
    ].join("\r\n");
    const control = (await (
      await fetch(`${env.TEST_SMTP_CONTROL}/spamassassin`, { method: "POST", body: crude })
    ).json()) as { score: number };
    console.log(`spamassassin crude control: score ${control.score}`);
    expect(control.score).toBeGreaterThan(3);
  }, 180_000);
});
