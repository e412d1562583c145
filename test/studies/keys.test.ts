// Key ids and rotation (issue 12 item 2): contact ciphertexts name their key, previous keys keep
// decrypting while the rotation re-encrypts in batches, and a LINK_SECRET change keeps mailed links
// working until they close. Runs inside workerd against the real D1 and the SMTP sink; a "switched"
// deployment is the test env with other secrets, passed to the real Worker entry points.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import type { Env } from "../../worker/env";
import { ContactDecryptError, contactKeyId, decryptContact, sha256, storedKeyId } from "../../worker/lib/contact-keys";
import { encryptText } from "../../worker/lib/crypto";
import { deliverOutbox } from "../../worker/reminders/outbox";
import { contactAad, getContact, setContact } from "../../worker/studies/contacts";
import { form } from "../support/http";
import { outboxRow, queueMessage, sinkFor, uniqueDomain } from "../support/mail";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const newSecret = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))).replace(/[+/=]/g, "x");
const withEnv = (over: Partial<Record<keyof Env, unknown>>): Env => ({ ...env, ...over }) as Env;
const ORIGIN = "http://questionnaire.localhost";

async function call(e: Env, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(new Request(`${ORIGIN}${path}`, init) as never, e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const rotate = (e: Env, body: Record<string, unknown> = {}) =>
  call(e, "/api/v1/admin/contacts/rotate", {
    method: "POST",
    headers: { authorization: `Bearer ${env.DEV_ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
type Rotation = {
  keyId: string;
  scanned: number;
  rotated: number;
  unreadable: number;
  unreadableParticipants: { pilot: string; code: string }[];
  changedMeanwhile: number;
  next: number | null;
  remaining: number;
  keys: Record<string, number>;
};

const stored = (participantId: number) =>
  env.DB.prepare("SELECT email_enc, mentor_email_enc FROM participant_contacts WHERE participant_id = ?")
    .bind(participantId)
    .first<{ email_enc: string | null; mentor_email_enc: string | null }>();
const setStored = (participantId: number, email: string | null, mentor: string | null = null) =>
  env.DB.prepare("UPDATE participant_contacts SET email_enc = ?, mentor_email_enc = ? WHERE participant_id = ?")
    .bind(email, mentor, participantId)
    .run();

describe("contact ciphertexts name their key", () => {
  it(
    "the key id is the first 4 bytes of SHA-256 over a label " +
      "and the key (the synchronous SHA-256 agrees with WebCrypto)",
    async () => {
      for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1_000]) {
        const m = crypto.getRandomValues(new Uint8Array(n));
        expect([...sha256(m)]).toEqual([...new Uint8Array(await crypto.subtle.digest("SHA-256", m))]);
      }
      const key = newKey();
      const raw = Uint8Array.from(atob(key), (c) => c.charCodeAt(0));
      const label = new TextEncoder().encode("outcome-monitor contact key id v1:");
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array([...label, ...raw])));
      expect(contactKeyId(key)).toBe([...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(""));
      expect(contactKeyId("not a key")).toBeNull();
    },
  );

  it("new ciphertexts carry the current key id; they round-trip", async () => {
    const { pilot } = await makePilot();
    const p = await makeParticipant(pilot.id, {
      start: "2026-01-05",
      email: "youth.one@example.test",
      mentor: "mentor.one@example.test",
    });
    const row = (await stored(p.id))!;
    const id = contactKeyId(env.CONTACT_KEY)!;
    expect(row.email_enc).toMatch(new RegExp(`^k${id}\\.[A-Za-z0-9+/]+={0,2}$`));
    expect(row.mentor_email_enc).toMatch(new RegExp(`^k${id}\\.`));
    expect(storedKeyId(row.email_enc!)).toBe(id);
    expect(JSON.stringify(row)).not.toContain("youth.one");
    expect(await getContact(env.DB, env, p.id)).toEqual({
      email: "youth.one@example.test",
      mentorEmail: "mentor.one@example.test",
    });
  });

  it(
    "legacy ciphertexts (no key id: no dot, as base64 never " +
      "has one) still decrypt, with the current or a previous key",
    async () => {
      const { pilot } = await makePilot();
      const p = await makeParticipant(pilot.id, { start: "2026-01-05", email: null });
      await setContact(env.DB, env, p.id, "x@example.test", null, Date.now());
      const legacy = await encryptText(env.CONTACT_KEY, "legacy.youth@example.test", contactAad(p.id, "email"));
      expect(legacy).not.toContain(".");
      expect(storedKeyId(legacy)).toBeNull();
      await setStored(p.id, legacy);
      expect((await getContact(env.DB, env, p.id)).email).toBe("legacy.youth@example.test");
      // after a key change, a legacy value written with the old key opens with the old key as previous
      const switched = withEnv({ CONTACT_KEY: newKey(), CONTACT_KEYS_PREVIOUS: env.CONTACT_KEY });
      expect((await getContact(env.DB, switched, p.id)).email).toBe("legacy.youth@example.test");
    },
  );

  it(
    "a wrong key, an unknown or tampered key id, a tampered or " +
      "moved ciphertext: a clear error naming no address or key",
    async () => {
      const { pilot } = await makePilot();
      const a = await makeParticipant(pilot.id, { start: "2026-01-05", email: "secret.youth@example.test" });
      const b = await makeParticipant(pilot.id, { start: "2026-01-05", email: "other.youth@example.test" });
      const enc = (await stored(a.id))!.email_enc!;
      const aad = contactAad(a.id, "email");
      const other = newKey();
      const both = withEnv({ CONTACT_KEYS_PREVIOUS: other });
      const refusal = async (e: Env, value: string, reason: ContactDecryptError["reason"], atId = a.id) => {
        const err = await decryptContact(e, value, contactAad(atId, "email")).then(
          () => null,
          (x: unknown) => x,
        );
        expect(err).toBeInstanceOf(ContactDecryptError);
        expect((err as ContactDecryptError).reason).toBe(reason);
        const msg = (err as Error).message;
        for (const s of ["secret.youth", env.CONTACT_KEY, other, ...(value.length > 30 ? [value.slice(10, 30)] : [])])
          expect(msg).not.toContain(s);
        return msg;
      };
      // the only key is another one: the id it names is not configured
      expect(await refusal(withEnv({ CONTACT_KEY: other }), enc, "unknown_key")).toMatch(
        new RegExp(`key k${contactKeyId(env.CONTACT_KEY)}, which is not configured`),
      );
      // a legacy value under a key that is not configured
      const legacy = await encryptText(other, "secret.youth@example.test", aad);
      expect(await refusal(env, legacy, "wrong_key")).toMatch(/does not decrypt with any configured key/);
      // the key id changed to another configured key's id
      const retagged = enc.replace(/^k[0-9a-f]{8}\./, `k${contactKeyId(other)}.`);
      expect(await refusal(both, retagged, "wrong_key")).toMatch(/altered, or copied from another row/);
      // the key id changed to an id no key has
      await refusal(env, enc.replace(/^k[0-9a-f]{8}\./, "k00000000."), "unknown_key");
      // one character of the ciphertext changed
      const flipped = `${enc.slice(0, 20)}${enc[20] === "A" ? "B" : "A"}${enc.slice(21)}`;
      await refusal(env, flipped, "wrong_key");
      // copied into another participant's row: the associated data binds it to its own row
      await refusal(env, enc, "wrong_key", b.id);
      // not a ciphertext at all
      await refusal(env, "k123.abc", "malformed");
      await refusal(env, "kabcdef01.!!", "malformed");
      // the genuine value still opens
      expect(await decryptContact(both, enc, aad)).toBe("secret.youth@example.test");
    },
  );
});

describe("switching CONTACT_KEY", () => {
  it(
    "with the old key as previous, mail still goes out; " + "without it the address is refused with a clear reason",
    async () => {
      const sink = sinkFor(uniqueDomain("keyswitch"));
      const { pilot } = await makePilot({ settings: ALWAYS_SEND });
      const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("switch.youth") });
      const legacyYouth = await makeParticipant(pilot.id, { start: "2026-01-05", email: null });
      await setContact(env.DB, env, legacyYouth.id, "x@example.test", null, Date.now());
      await setStored(
        legacyYouth.id,
        await encryptText(env.CONTACT_KEY, sink.address("legacy.youth"), contactAad(legacyYouth.id, "email")),
      );
      const switched = withEnv({ CONTACT_KEY: newKey(), CONTACT_KEYS_PREVIOUS: env.CONTACT_KEY });

      const now = Date.now();
      const m1 = await queueMessage(pilot.id, youth.id, { now });
      const m2 = await queueMessage(pilot.id, legacyYouth.id, { now });
      expect(await deliverOutbox(switched, [m1.id, m2.id], () => now)).toMatchObject({ sent: 2 });
      const to = (await sink.messages()).messages.flatMap((m) => m.to).sort();
      expect(to).toEqual([sink.address("legacy.youth"), sink.address("switch.youth")]);

      // New addresses are written with the new key at once.
      await setContact(env.DB, switched, youth.id, sink.address("switch.youth"), null, Date.now());
      expect(storedKeyId((await stored(youth.id))!.email_enc!)).toBe(contactKeyId(switched.CONTACT_KEY));
      // Without the previous key the old ciphertexts are refused (by key id), never mis-decrypted.
      const forgotten = withEnv({ CONTACT_KEY: switched.CONTACT_KEY });
      await expect(getContact(env.DB, forgotten, legacyYouth.id)).rejects.toBeInstanceOf(ContactDecryptError);
      expect((await getContact(env.DB, forgotten, youth.id)).email).toBe(sink.address("switch.youth"));
    },
  );
});

describe("the rotation command (POST /api/v1/admin/contacts/rotate)", () => {
  it(
    "re-encrypts every address in batches, resumes after an " +
      "interruption, is idempotent, and counts what no key opens",
    async () => {
      // This file's database holds only what this file wrote: start from no contact rows at all.
      await env.DB.prepare("DELETE FROM participant_contacts").run();
      const k1 = env.CONTACT_KEY; // the deployment's original key (legacy values were written with it)
      const k2 = newKey();
      const k3 = newKey();
      const lost = newKey();
      const { pilot } = await makePilot();
      const youths = [];
      for (let i = 0; i < 13; i++) youths.push(await makeParticipant(pilot.id, { start: "2026-01-05", email: null }));
      const addr = (i: number) => `rot.${i}@example.test`;
      const mentor = (i: number) => `rot.mentor.${i}@example.test`;
      // 0-4 legacy (k1), 5-8 under k2 with a mentor too, 9-10 already under k3, 11 under a key nobody has, 12 no
      // contact at all
      for (const [i, y] of youths.entries()) {
        if (i <= 4) await setContact(env.DB, env, y.id, addr(i), null, 1);
        if (i <= 4) await setStored(y.id, await encryptText(k1, addr(i), contactAad(y.id, "email")));
        if (i >= 5 && i <= 8) await setContact(env.DB, withEnv({ CONTACT_KEY: k2 }), y.id, addr(i), mentor(i), 1);
        if (i >= 9 && i <= 10) await setContact(env.DB, withEnv({ CONTACT_KEY: k3 }), y.id, addr(i), null, 1);
        if (i === 11) await setContact(env.DB, withEnv({ CONTACT_KEY: lost }), y.id, addr(i), null, 1);
      }
      const id = (k: string) => contactKeyId(k)!;
      const e = withEnv({ CONTACT_KEY: k3, CONTACT_KEYS_PREVIOUS: `${k1}, ${k2}` });
      const audits = async () =>
        (await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'contacts.rotated'").first<number>(
          "n",
        ))!;
      const auditsBefore = await audits();

      // The first batch, then the run "dies": the next run starts from the beginning and only finishes the rest.
      const first = (await (await rotate(e, { limit: 4 })).json()) as Rotation;
      expect(first).toMatchObject({ keyId: id(k3), scanned: 4, rotated: 4, unreadable: 0, next: youths[3]!.id });
      expect(first.remaining).toBe(5 - 4 + 4 * 2 + 1);
      const passes: Rotation[] = [];
      let after: number | null = 0;
      while (after !== null) {
        const res = await rotate(e, { after, limit: 4 });
        expect(res.status).toBe(200);
        const r = (await res.json()) as Rotation;
        passes.push(r);
        after = r.next;
      }
      // 6 rows still to do: youth 4 (legacy), 5-8 (k2, two addresses each), 11 (unreadable): a full batch of 4, then
      // the last 2
      expect(passes.map((p) => [p.scanned, p.rotated])).toEqual([
        [4, 1 + 2 * 3],
        [2, 2],
      ]);
      expect(passes.reduce((n, p) => n + p.unreadable, 0)).toBe(1);
      expect(passes.flatMap((p) => p.unreadableParticipants)).toEqual([{ pilot: pilot.key, code: youths[11]!.code }]);
      const last = passes.at(-1)!;
      expect(last.remaining).toBe(1); // the one address no key opens
      expect(last.keys).toEqual({ [id(k3)]: 5 + 4 * 2 + 2, [id(lost)]: 1 });
      expect(JSON.stringify(passes)).not.toMatch(/@example\.test/);
      expect(await audits()).toBe(auditsBefore + 1 + passes.length);

      // Everything now opens with the new key alone (the previous keys can go), bound to its own row as before.
      const only = withEnv({ CONTACT_KEY: k3 });
      for (const [i, y] of youths.entries()) {
        if (i === 11) continue;
        const c = await getContact(env.DB, only, y.id);
        expect(c).toEqual(
          i === 12
            ? { email: null, mentorEmail: null }
            : { email: addr(i), mentorEmail: i >= 5 && i <= 8 ? mentor(i) : null },
        );
        if (i !== 12) expect(storedKeyId((await stored(y.id))!.email_enc!)).toBe(id(k3));
      }

      // A second pass changes nothing.
      const again = (await (await rotate(e, {})).json()) as Rotation;
      expect(again).toMatchObject({ rotated: 0, unreadable: 1, remaining: 1, next: null });

      // The unreadable one is refused, not crashed on, by the rotation and by a read.
      await expect(getContact(env.DB, e, youths[11]!.id)).rejects.toMatchObject({ reason: "unknown_key" });
    },
  );

  it("admins only; a bad body is a validation error", async () => {
    expect((await rotate(withEnv({}), { limit: 0 })).status).toBe(400);
    expect((await rotate(withEnv({}), { after: -1 })).status).toBe(400);
    expect((await rotate(withEnv({}), { extra: 1 })).status).toBe(400);
    const anonymous = await call(env as Env, "/api/v1/admin/contacts/rotate", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("switching LINK_SECRET", () => {
  const linkOf = (text: string) => /\/q\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;
  const pauseOf = (text: string) => /\/p\/([^\s"<>?]+)/.exec(text)![1]!;

  async function mailedOccasion(prefix: string) {
    const sink = sinkFor(uniqueDomain(prefix));
    const { pilot, versions } = await makePilot({ settings: ALWAYS_SEND });
    const youth = await makeParticipant(pilot.id, { start: "2026-01-05", email: sink.address("link.youth") });
    const now = Date.now();
    const ids = ["welzijn", "functioneren", "basisbehoeften", "pilot_fier"].map((k) => versions.get(k)!);
    const { id: invitation, occasionId } = await queueMessage(pilot.id, youth.id, { now });
    await env.DB.prepare("UPDATE occasions SET instrument_version_ids = ? WHERE id = ?")
      .bind(JSON.stringify(ids), occasionId)
      .run();
    expect(await deliverOutbox(env, [invitation], () => now)).toMatchObject({ sent: 1 });
    const mail = (await sink.messages()).messages[0]!;
    return { sink, pilot, youth, occasionId, ids, oldLink: linkOf(mail.text), oldPause: pauseOf(mail.text), now };
  }

  /** A reminder for the same occasion, delivered by a deployment with `e`'s secrets. */
  async function remind(e: Env, o: Awaited<ReturnType<typeof mailedOccasion>>) {
    const id = (await env.DB.prepare(
      "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, " +
        "next_attempt_at) VALUES (?, ?, ?, ?, 'reminder', 1, 'queued', ?) RETURNING id",
    )
      .bind(`${o.occasionId}:reminder:1`, o.occasionId, o.youth.id, o.pilot.id, o.now)
      .first<number>("id"))!;
    expect(await deliverOutbox(e, [id], () => o.now)).toMatchObject({ sent: 1 });
    expect((await outboxRow(id)).status).toBe("sent");
    const mails = (await o.sink.messages()).messages;
    return { link: linkOf(mails.at(-1)!.text), pause: pauseOf(mails.at(-1)!.text) };
  }

  it(
    "with the old secret as previous: the mailed link and the reminder's " +
      "rebuilt link both open, either answers once; both pause links work",
    async () => {
      const o = await mailedOccasion("linkrot");
      const e = withEnv({ LINK_SECRET: newSecret(), LINK_SECRET_PREVIOUS: env.LINK_SECRET });
      const reminder = await remind(e, o);
      expect(reminder.link).not.toBe(o.oldLink);
      expect(reminder.pause).not.toBe(o.oldPause);
      // one secure_links row per token made, both bound to the occasion and closing with it
      const rows = (
        await env.DB.prepare("SELECT expires_at FROM secure_links WHERE occasion_id = ?")
          .bind(o.occasionId)
          .all<{ expires_at: number }>()
      ).results;
      expect(rows).toHaveLength(2);

      expect((await call(e, `/q/${o.oldLink}`)).status).toBe(200);
      expect((await call(e, `/q/${reminder.link}`)).status).toBe(200);
      for (const p of [o.oldPause, reminder.pause]) {
        const page = await call(e, `/p/${p}`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("Twee weken geen herinneringen");
      }
      // The already-mailed link is answered; then neither link takes a second answer.
      const w = o.ids[0]!;
      const answered = await call(e, `/q/${o.oldLink}`, form({ [`v.${w}.persoonlijk`]: "6" }));
      expect(answered.status).toBe(303);
      expect((await call(e, `/q/${reminder.link}`)).status).toBe(409);
      expect((await call(e, `/q/${o.oldLink}`)).status).toBe(409);
      // The pause link made with the previous secret pauses.
      expect((await call(e, `/p/${o.oldPause}`, { method: "POST" })).status).toBe(200);
      expect(
        await env.DB.prepare("SELECT reminders_paused_until AS u FROM participants WHERE id = ?")
          .bind(o.youth.id)
          .first<number>("u"),
      ).toBeGreaterThan(o.now);
    },
  );

  it(
    "without a previous secret: an already-mailed questionnaire link " +
      "still opens (only its hash is stored), its pause link does not",
    async () => {
      const o = await mailedOccasion("linknoprev");
      const e = withEnv({ LINK_SECRET: newSecret(), LINK_SECRET_PREVIOUS: undefined });
      expect((await call(e, `/q/${o.oldLink}`)).status).toBe(200);
      const pause = await call(e, `/p/${o.oldPause}`);
      expect(pause.status).toBe(404);
      // and a reminder sent now carries links made with the new secret, which work
      const reminder = await remind(e, o);
      expect((await call(e, `/q/${reminder.link}`)).status).toBe(200);
      expect((await call(e, `/p/${reminder.pause}`)).status).toBe(200);
    },
  );
});
