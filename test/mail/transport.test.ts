// The transports against real servers: SMTP (plain, AUTH, refusals, a connection lost after DATA),
// the HTTP mail API with idempotency keys, and the Cloudflare send_email binding as simulated locally.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cloudflareTransport, createTransport, httpTransport, smtpTransport } from "../../worker/mail/transport";
import type { Env } from "../../worker/env";
import { deliverOutbox } from "../../worker/reminders/outbox";
import { outboxRow, queueMessage, sinkFor, uniqueDomain } from "../support/mail";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

type AuthSink = {
  port: number;
  plainWirePort: number;
  tlsWirePort: number | null;
  messages: { user: string; to: string[]; raw: string; tls?: boolean }[];
  transcripts: { relay: string; client: string; server: string }[];
};
/** base64 of UTF-8, as AUTH PLAIN / LOGIN encode. */
const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
/** Every form in which the relay password could appear in a session transcript (latin1 of the bytes). */
const PASSWORD_ON_THE_WIRE = [
  "AUTH",
  "relay-pass",
  b64("\0relay-user\0relay-pass ü"),
  b64("relay-pass ü"),
  b64("relay-user"),
];

const mail = (to: string, id = crypto.randomUUID()) => ({
  to,
  subject: "Je korte vragenlijst staat klaar",
  text: "Hoi,\r\n",
  html: "<p>Hoi,</p>",
  messageId: `<${id}@example.org>`,
});

describe("SMTP", () => {
  it(
    "a refusal (451 after DATA) is retried with backoff; " + "the message goes out once when the server accepts",
    async () => {
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const sink = sinkFor(uniqueDomain("smtp451"));
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("y") });
      const { id } = await queueMessage(pilot.id, youth.id);
      await sink.mode({ refuseAll: true });
      const t0 = Date.now();
      expect(await deliverOutbox(env, [id], () => t0)).toMatchObject({ retried: 1, sent: 0 });
      let row = await outboxRow(id);
      expect(row).toMatchObject({ status: "queued", attempts: 1 });
      expect(row.last_error).toMatch(/^451/);
      expect(row.next_attempt_at).toBe(t0 + 60_000);
      // not due yet: nothing happens
      expect(await deliverOutbox(env, [id], () => t0 + 30_000)).toMatchObject({ skipped: 1 });
      expect(await deliverOutbox(env, [id], () => t0 + 60_000)).toMatchObject({ retried: 1 });
      expect((await outboxRow(id)).next_attempt_at).toBe(t0 + 60_000 + 120_000); // doubled
      await sink.mode({});
      expect(await deliverOutbox(env, [id], () => t0 + 180_000)).toMatchObject({ sent: 1 });
      row = await outboxRow(id);
      expect(row).toMatchObject({ status: "sent", attempts: 3, last_error: null });
      const got = await sink.messages();
      expect(got.messages).toHaveLength(1);
      expect(got.attempts).toBe(3);
    },
  );

  it("gives up after MAIL_MAX_ATTEMPTS and shows the reason", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("smtpmax"));
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("y") });
    const { id } = await queueMessage(pilot.id, youth.id);
    await sink.mode({ refuseAll: true });
    const e = { ...env, MAIL_MAX_ATTEMPTS: "3" } as Env;
    let t = Date.now();
    for (let i = 0; i < 3; i++) {
      await deliverOutbox(e, [id], () => t);
      t += 24 * 3_600_000;
    }
    expect(await outboxRow(id)).toMatchObject({ status: "failed", attempts: 3 });
    expect((await outboxRow(id)).last_error).toMatch(/^451/);
    expect(await deliverOutbox(e, [id], () => t)).toMatchObject({ skipped: 1 });
    expect((await sink.messages()).attempts).toBe(3);
  });

  it("a permanent refusal (550) fails at once", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("smtp550"));
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("y") });
    const { id } = await queueMessage(pilot.id, youth.id);
    await sink.mode({ refuseAll: true, permanent: true });
    expect(await deliverOutbox(env, [id], () => Date.now())).toMatchObject({ failed: 1 });
    expect(await outboxRow(id)).toMatchObject({ status: "failed", attempts: 1 });
    expect((await outboxRow(id)).last_error).toMatch(/^550/);
    expect((await outboxRow(id)).last_error).toContain("[address]"); // the relay echoed it; the outbox keeps no address
    expect((await outboxRow(id)).last_error).not.toContain(sink.domain);
  });

  it("a connection lost after DATA leaves the outcome unknown: marked failed, never resent by a run", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("smtpdrop"));
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("y") });
    const { id } = await queueMessage(pilot.id, youth.id);
    await sink.mode({ dropRate: 1 });
    expect(await deliverOutbox(env, [id], () => Date.now())).toMatchObject({ unknown: 1 });
    const row = await outboxRow(id);
    expect(row.status).toBe("failed");
    expect(row.last_error).toMatch(/^outcome_unknown/);
    await sink.mode({});
    expect(await deliverOutbox(env, [id], () => Date.now() + 86_400_000)).toMatchObject({ skipped: 1 });
    const got = await sink.messages();
    expect(got.attempts).toBe(1);
    expect(got.dropped).toBe(1);
  });

  // Issue 12, item 3: with credentials the session is encrypted before AUTH, or nothing happens at all.
  it(
    "with credentials, a relay without STARTTLS (or one whose STARTTLS was " +
      "stripped) gets no AUTH, no password and no message: a permanent failure",
    async () => {
      const sinkInfo = async () => (await (await fetch(`${env.TEST_SMTP_CONTROL}/auth-sink`)).json()) as AuthSink;
      const { plainWirePort } = await sinkInfo();
      const helo = `strip-${crypto.randomUUID().slice(0, 8)}.test`;
      const to = `auth@${uniqueDomain("strip")}`;
      const tx = smtpTransport({
        ...env,
        SMTP_PORT: String(plainWirePort),
        SMTP_USER: "relay-user",
        SMTP_PASS: "relay-pass ü",
        SMTP_HELO: helo,
      } as Env);
      const r = await tx.send(mail(to));
      await tx.close();
      expect(r).toMatchObject({ accepted: false, permanent: true });
      expect((r as { error: string }).error).toMatch(/^smtp_tls_required: the relay does not offer STARTTLS/);
      const after = await sinkInfo();
      expect(after.messages.filter((m) => m.to.includes(to))).toEqual([]);
      // What went over the wire: the greeting and EHLO, then QUIT — no AUTH, no password in any encoding, no envelope.
      const wire = after.transcripts.filter((t) => t.client.includes(`EHLO ${helo}`));
      expect(wire).toHaveLength(1);
      expect(wire[0]!.client).toMatch(new RegExp(`^EHLO ${helo.replace(/\./g, "\\.")}\r\n(QUIT\r\n)?$`));
      for (const secret of PASSWORD_ON_THE_WIRE) expect(wire[0]!.client).not.toContain(secret);

      // SMTP_STARTTLS=0 with credentials: refused before connecting at all (and at start-up outside dev mode).
      const helo2 = `off-${crypto.randomUUID().slice(0, 8)}.test`;
      const off = smtpTransport({
        ...env,
        SMTP_PORT: String(plainWirePort),
        SMTP_STARTTLS: "0",
        SMTP_USER: "relay-user",
        SMTP_PASS: "relay-pass ü",
        SMTP_HELO: helo2,
      } as Env);
      expect(await off.send(mail(to))).toMatchObject({
        accepted: false,
        permanent: true,
        error: expect.stringMatching(/^smtp_tls_required: .*SMTP_STARTTLS=0/),
      });
      await off.close();
      expect((await sinkInfo()).transcripts.filter((t) => t.client.includes(helo2))).toEqual([]);

      // Through the outbox: the row fails at once with the reason (no retries of a configuration error).
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const sink = sinkFor(uniqueDomain("stripbox"));
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("y") });
      const { id } = await queueMessage(pilot.id, youth.id);
      const e = { ...env, SMTP_PORT: String(plainWirePort), SMTP_USER: "relay-user", SMTP_PASS: "relay-pass ü" } as Env;
      expect(await deliverOutbox(e, [id], () => Date.now())).toMatchObject({ failed: 1, sent: 0 });
      expect(await outboxRow(id)).toMatchObject({ status: "failed", attempts: 1 });
      expect((await outboxRow(id)).last_error).toMatch(/^smtp_tls_required/);
      expect((await sinkInfo()).messages.filter((m) => m.to.includes(sink.address("y")))).toEqual([]);
    },
  );

  it("without credentials, plain SMTP to a local relay (the mail catcher) still works", async () => {
    const sink = sinkFor(uniqueDomain("plain"));
    const tx = smtpTransport({ ...env, SMTP_USER: undefined, SMTP_PASS: undefined } as Env);
    expect(await tx.send(mail(sink.address("y")))).toEqual({ accepted: true });
    await tx.close();
    expect((await sink.messages()).messages.map((m) => m.to)).toEqual([[sink.address("y")]]);
  });

  it.runIf(env.TEST_SMTP_TLS === "1")(
    "authenticates after STARTTLS (PLAIN) with SMTP_USER/SMTP_PASS; the " +
      "password is never in clear on the wire; a wrong password is permanent",
    async () => {
      const sinkInfo = async () => (await (await fetch(`${env.TEST_SMTP_CONTROL}/auth-sink`)).json()) as AuthSink;
      const { tlsWirePort } = await sinkInfo();
      const helo = `tls-${crypto.randomUUID().slice(0, 8)}.test`;
      const to = `auth@${uniqueDomain("auth")}`;
      const base = { ...env, SMTP_PORT: String(tlsWirePort), SMTP_USER: "relay-user", SMTP_HELO: helo } as Env;
      const ok = smtpTransport({ ...base, SMTP_PASS: "relay-pass ü" });
      expect(await ok.send(mail(to))).toEqual({ accepted: true });
      await ok.close();
      const after = await sinkInfo();
      expect(after.messages.filter((m) => m.to[0] === to)).toEqual([
        { user: "relay-user", to: [to], raw: expect.any(String), tls: true },
      ]);
      const wire = after.transcripts.filter((t) => t.client.startsWith(`EHLO ${helo}\r\n`));
      expect(wire).toHaveLength(1);
      expect(wire[0]!.client.startsWith(`EHLO ${helo}\r\nSTARTTLS\r\n`)).toBe(true);
      for (const secret of [...PASSWORD_ON_THE_WIRE, to, "MAIL FROM"]) expect(wire[0]!.client).not.toContain(secret);
      const bad = smtpTransport({ ...base, SMTP_PASS: "wrong" });
      const r = await bad.send(mail(to));
      await bad.close();
      expect(r).toMatchObject({ accepted: false, permanent: true });
      // Without credentials the relay refuses MAIL FROM (530): permanent as well.
      const none = smtpTransport({ ...env, SMTP_PORT: String(tlsWirePort) } as Env);
      expect(await none.send(mail(to))).toMatchObject({ accepted: false, permanent: true });
      await none.close();
    },
  );

  it("SMTP_SECURE=tls against a plain server fails cleanly instead of hanging", async () => {
    const tx = smtpTransport({ ...env, SMTP_SECURE: "tls" } as Env);
    const r = await tx.send(mail(`tls@${uniqueDomain("tls")}`));
    await tx.close();
    expect(r.accepted).toBe(false);
  });

  it("a refused connection is a temporary failure", async () => {
    const tx = smtpTransport({ ...env, SMTP_PORT: "1" } as Env);
    const r = await tx.send(mail(`x@${uniqueDomain("conn")}`));
    expect(r).toMatchObject({ accepted: false, permanent: false });
    expect((r as { unknown?: boolean }).unknown).toBeFalsy();
  });
});

describe("HTTP mail API", () => {
  it("sends the outbox key as Idempotency-Key, so a lost response is resent without a second copy", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("http"));
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("y") });
    const { id } = await queueMessage(pilot.id, youth.id);
    const e = { ...env, MAIL_TRANSPORT: "http", MAIL_API_URL: sink.apiUrl, MAIL_API_KEY: "api-key-123" } as Env;
    try {
      await sink.apiMode({ dropRate: 1 }); // the API takes it but the response is lost
      const t = Date.now();
      expect(await deliverOutbox(e, [id], () => t)).toMatchObject({ retried: 1 });
      expect(await outboxRow(id)).toMatchObject({ status: "queued" });
      await sink.apiMode({ failRate: 1 }); // then it answers 503
      expect(await deliverOutbox(e, [id], () => t + 60_000)).toMatchObject({ retried: 1 });
      await sink.apiMode({});
      expect(await deliverOutbox(e, [id], () => t + 240_000)).toMatchObject({ sent: 1 });
    } finally {
      await sink.apiMode({});
    }
    const row = await outboxRow(id);
    expect(row.status).toBe("sent");
    const { messages } = await sink.apiMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      key: row.key,
      to: [sink.address("y")],
      authorization: "Bearer api-key-123",
      messageId: row.message_id,
    });
    expect(messages[0]!.mime).toMatch(/Content-Type: multipart\/alternative/);
  });

  it("a stale in-flight claim is resent under the same key (idempotent), not marked failed", async () => {
    const { resolveStaleClaims, STALE_CLAIM_MS } = await import("../../worker/reminders/outbox");
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { id } = await queueMessage(pilot.id, youth.id);
    const t = Date.now();
    await env.DB.prepare(
      "UPDATE outbox SET status = 'sending', claim_id = 'dead', claimed_at = ?, send_started_at = ? WHERE id = ?",
    )
      .bind(t, t, id)
      .run();
    await resolveStaleClaims({ ...env, MAIL_TRANSPORT: "http" } as Env, t + STALE_CLAIM_MS + 1);
    expect(await outboxRow(id)).toMatchObject({ status: "queued", last_error: "outcome_unknown" });
    // With SMTP the same situation ends as failed: a resend could duplicate.
    await env.DB.prepare(
      "UPDATE outbox SET status = 'sending', claim_id = 'dead', claimed_at = ?, send_started_at = ? WHERE id = ?",
    )
      .bind(t, t, id)
      .run();
    await resolveStaleClaims(env, t + STALE_CLAIM_MS + 1);
    expect(await outboxRow(id)).toMatchObject({ status: "failed", last_error: "outcome_unknown" });
    // A claim that never started sending simply goes back to the queue.
    await env.DB.prepare(
      "UPDATE outbox SET status = 'sending', claim_id = 'dead', " +
        "claimed_at = ?, send_started_at = NULL, attempts = 1 WHERE id = ?",
    )
      .bind(t, id)
      .run();
    await resolveStaleClaims(env, t + STALE_CLAIM_MS + 1);
    expect(await outboxRow(id)).toMatchObject({ status: "queued", last_error: "claim_expired", attempts: 0 });
  });

  it(
    "marks the send as started before the transport is called, " +
      "so a Worker that dies mid-send is never requeued blindly",
    async () => {
      const { resolveStaleClaims, STALE_CLAIM_MS } = await import("../../worker/reminders/outbox");
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
      const { id } = await queueMessage(pilot.id, youth.id);
      let during: Record<string, unknown> | undefined;
      // The transport is not under test here: it records the row as the send begins, then the "Worker dies".
      const dying = {
        name: "smtp" as const,
        idempotent: false,
        close: async () => {},
        send: async () => {
          during = await outboxRow(id);
          throw new Error("isolate killed");
        },
      };
      const t = Date.now();
      // A transport that throws instead of answering is isolated to its row (issue 12): the outcome is unknown,
      // so with a non-idempotent transport the row fails as outcome_unknown at once, as the stale-claim
      // cleanup would have marked it had the Worker really died (the next test).
      expect(await deliverOutbox(env, [id], () => t, { transport: dying })).toMatchObject({ unknown: 1 });
      expect(during).toMatchObject({ status: "sending", send_started_at: t, attempts: 1 });
      expect(await outboxRow(id)).toMatchObject({
        status: "failed",
        last_error: "outcome_unknown: transport_error: isolate killed",
      });
      // A Worker that really dies mid-send leaves the row `sending` with its send marked as started.
      await env.DB.prepare(
        "UPDATE outbox SET status = 'sending', claim_id = 'dead', claimed_at = ?, send_started_at = ? WHERE id = ?",
      )
        .bind(t, t, id)
        .run();
      await resolveStaleClaims(env, t + STALE_CLAIM_MS + 1);
      expect(await outboxRow(id)).toMatchObject({ status: "failed", last_error: "outcome_unknown" });
    },
  );

  it("a 4xx answer is permanent; a missing base URL is a configuration error", async () => {
    const tx = httpTransport({ ...env, MAIL_API_URL: `${env.TEST_SMTP_CONTROL}/nowhere` } as Env);
    expect(await tx.send(mail("x@example.test"))).toMatchObject({ accepted: false, permanent: true });
    expect(() => httpTransport({ ...env, MAIL_API_URL: "" } as Env)).toThrow(/MAIL_API_URL/);
  });

  it(
    "outside dev mode the mail API must be https:// — the " +
      "transport itself refuses http://, and a delivery claims nothing",
    async () => {
      const production = {
        ...env,
        DEV_MODE: undefined,
        PUBLIC_URL: "https://vragenlijst.example.org",
        MAIL_TRANSPORT: "http",
        MAIL_API_KEY: "k".repeat(40),
      } as Env;
      expect(() => httpTransport({ ...production, MAIL_API_URL: "http://mail.example.org" })).toThrow(
        /https:\/\/ MAIL_API_URL outside dev mode/,
      );
      await expect(createTransport({ ...production, MAIL_API_URL: "http://127.0.0.1:9" })).rejects.toThrow(
        /https:\/\//,
      );
      expect(httpTransport({ ...production, MAIL_API_URL: "https://mail.example.org" }).name).toBe("http");
      // DEV_MODE=1 with a non-loopback PUBLIC_URL is not dev mode: still refused.
      expect(() => httpTransport({ ...production, DEV_MODE: "1", MAIL_API_URL: "http://mail.example.org" })).toThrow(
        /https/,
      );
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05" });
      const { id } = await queueMessage(pilot.id, youth.id);
      await expect(
        deliverOutbox({ ...production, MAIL_API_URL: "http://127.0.0.1:9" }, [id], () => Date.now()),
      ).rejects.toThrow(/https/);
      expect(await outboxRow(id)).toMatchObject({ status: "queued", attempts: 0 });
    },
  );
});

describe("Cloudflare Email (send_email binding)", () => {
  it("hands the binding a MIME message it accepts", async () => {
    const e = env as unknown as Env;
    expect(e.EMAIL).toBeDefined();
    const tx = cloudflareTransport(e);
    expect(await tx.send(mail("youth@example.test"))).toEqual({ accepted: true });
  });

  it("createTransport picks by MAIL_TRANSPORT and rejects unknown names", async () => {
    expect((await createTransport({ ...env, MAIL_TRANSPORT: "smtp" })).name).toBe("smtp");
    expect((await createTransport({ ...env, MAIL_TRANSPORT: "cloudflare" })).name).toBe("cloudflare");
    expect(
      (await createTransport({ ...env, MAIL_TRANSPORT: "http", MAIL_API_URL: "http://127.0.0.1:9" } as Env)).idempotent,
    ).toBe(true);
    await expect(createTransport({ ...env, MAIL_TRANSPORT: "pigeon" })).rejects.toThrow(/Unknown MAIL_TRANSPORT/);
  });
});
