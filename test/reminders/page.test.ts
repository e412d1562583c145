// The researcher's reminder page in the workspace: the dry-run and send buttons, the outbox with retry,
// and pauses; session cookie with CSRF, researchers of the pilot only.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { localDate } from "../../worker/schedule/schedule";
import { pauseToken } from "../../worker/survey/pause-token";
import { call } from "../support/http";
import { sinkFor, uniqueDomain } from "../support/mail";
import { sessionFor, staffUser } from "../support/staff";
import { ALWAYS_SEND, makeParticipant, makePilot } from "../support/study";

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe("the reminders page", () => {
  it("dry run lists, send now sends, a failed message can be retried, pauses are shown; codes only", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const sink = sinkFor(uniqueDomain("page"));
    const today = localDate(Date.now(), "Europe/Amsterdam");
    const youth = await makeParticipant(pilot.id, { start: today, email: sink.address("y1") });
    const paused = await makeParticipant(pilot.id, { start: today, email: sink.address("y2") });
    await call(null, "POST", `/p/${await pauseToken(env, paused.id)}`);
    const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const base = `/staff/pilots/${pilot.key}/reminders`;

    const pageRes = await call(researcher, "GET", base);
    expect(pageRes.status).toBe(200);
    const html = await pageRes.text();
    expect(html).toContain('id="dry-run"');
    expect(html).toContain('id="real-run"');
    expect(html).toContain(`name="_csrf" value="${researcher.csrf}"`);
    expect(html).toContain(`data-code="${paused.code}"`); // the pause is listed

    const dry = await call(researcher, "POST", `${base}/run`, form({ dryRun: "1", _csrf: researcher.csrf! }));
    expect(dry.status).toBe(200);
    const dryHtml = await dry.text();
    expect(dryHtml).toContain("Proefdraai: er is niets verstuurd");
    expect(dryHtml).toMatch(new RegExp(`<tr data-code="${youth.code}" data-action="send">`));
    expect(dryHtml).toMatch(new RegExp(`<tr data-code="${paused.code}" data-action="skip">`));
    expect(dryHtml).toContain("gepauzeerd tot na het sluiten van de meting");
    expect((await sink.messages()).messages).toHaveLength(0);

    await sink.mode({ refuseAll: true, permanent: true });
    const real = await call(researcher, "POST", `${base}/run`, form({ dryRun: "0", _csrf: researcher.csrf! }));
    expect(real.status).toBe(200);
    const realHtml = await real.text();
    expect(realHtml).toContain('id="run-result"');
    const failedId = /<tr data-id="(\d+)" data-status="failed">/.exec(realHtml)?.[1];
    expect(failedId).toBeDefined();
    // the relay echoed the address; the outbox keeps none
    expect(realHtml).toMatch(/550 end of DATA: 550 5\.1\.1 &lt;\[address\]>/);
    expect(realHtml).not.toContain(sink.domain);

    await sink.mode({});
    const retried = await call(
      researcher,
      "POST",
      `${base}/outbox/${failedId}/retry`,
      form({ _csrf: researcher.csrf! }),
    );
    expect(retried.status).toBe(200);
    expect(await retried.text()).toMatch(/Nieuwe status: verstuurd/);
    expect((await sink.messages()).messages.map((m) => m.to[0])).toEqual([sink.address("y1")]);
  });

  it("refuses a bad dryRun value, a post without CSRF token, coordinators and other pilots", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const { pilot: other } = await makePilot({ settings: ALWAYS_SEND });
    const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const coordinator = await sessionFor((await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] })).id);
    const base = `/staff/pilots/${pilot.key}/reminders`;
    expect(
      (await call(researcher, "POST", `${base}/run`, form({ dryRun: "maybe", _csrf: researcher.csrf! }))).status,
    ).toBe(400);
    expect((await call(researcher, "POST", `${base}/run`, form({ dryRun: "1" }), { csrf: false })).status).toBe(403);
    expect((await call(coordinator, "GET", base)).status).toBe(403);
    expect((await call(researcher, "GET", `/staff/pilots/${other.key}/reminders`)).status).toBe(403);
    expect((await call(null, "GET", base)).status).toBe(401);
    expect(
      await env.DB.prepare("SELECT COUNT(*) AS n FROM reminder_runs WHERE pilot_id = ?")
        .bind(pilot.id)
        .first<number>("n"),
    ).toBe(0);
  });

  it("answers its refusals with a page, not JSON (found by the fuzz suite)", async () => {
    const { pilot } = await makePilot({ settings: ALWAYS_SEND });
    const researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const coordinator = await sessionFor((await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] })).id);
    const base = `/staff/pilots/${pilot.key}/reminders`;
    const refused = [
      await call(null, "GET", base),
      await call(coordinator, "GET", base),
      await call(researcher, "POST", `${base}/run`, form({ dryRun: "maybe", _csrf: researcher.csrf! })),
      await call(researcher, "POST", `${base}/outbox/999999/retry`, form({ _csrf: researcher.csrf! })),
      await call(researcher, "POST", `${base}/run`, form({ dryRun: "1", pad: "x".repeat(5000) })),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 403, 400, 404, 413]);
    for (const r of refused) expect(r.headers.get("content-type")).toMatch(/^text\/html/);
  });
});
