// Fan-out under `wrangler dev`: a cron run with more due mail than one invocation sends inline hands
// batches to the Queue; the local queue consumer delivers each invitation exactly once over SMTP.
import { describe, expect, it } from "vitest";
import { api, eventually, fireCron, mailbox } from "./support";

const YOUTHS = 120; // > INLINE_SEND_LIMIT (50), so the run must go through the Queue

describe("fan-out through the Queue", () => {
  it("delivers every invitation of a large run once, and a second cron adds none", async () => {
    const tag = `fan${Date.now()}`;
    const emails = Array.from({ length: YOUTHS }, (_, i) => `${tag}.${i}@example.test`);
    const created = await api("/api/v1/dev/fixtures/pilot", {
      method: "POST",
      body: JSON.stringify({ youths: emails.map((email) => ({ email, history: [] })) }),
    });
    expect(created.status).toBe(201);

    const ours = async () => (await mailbox().list()).filter((m) => m.to.some((t) => t.address.startsWith(`${tag}.`)));
    await fireCron();
    const arrived = await eventually(
      async () => {
        const list = await ours();
        return list.length >= YOUTHS ? list : undefined;
      },
      60_000,
      `${YOUTHS} invitations`,
    );
    const recipients = arrived.map((m) => m.to[0]!.address).sort();
    expect(recipients).toEqual([...emails].sort());

    await fireCron();
    await new Promise((r) => setTimeout(r, 3000)); // give a (wrong) second delivery time to show up
    expect((await ours()).length).toBe(YOUTHS);

    const audit = await api(`/api/v1/audit?action=reminder_run&limit=5`);
    expect(audit.status).toBe(200);
    const { entries } = (await audit.json()) as { entries: { details: { queuedBatches?: number } | null }[] };
    expect(entries.some((e) => (e.details?.queuedBatches ?? 0) >= Math.ceil(YOUTHS / 50))).toBe(true);
  });
});
