// The signals API and workspace pages (issue 15): researchers of the pilot only (a coordinator, the project
// coordinator and a researcher of another pilot get 403), the evidence in the list, acknowledging audited,
// refusals store nothing (empty or long note, another pilot's signal, twice), the routes in the OpenAPI
// document, the mark beside the youth and the highlighted evidence points on her page.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../worker/db";
import { addFrequentHistory } from "../../worker/dev/fixtures";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { evaluateSignals } from "../../worker/signals/store";
import { call, type TestPrincipal } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { db, makeParticipant, makePilot } from "../support/study";

type SignalJson = {
  id: number;
  participantCode: string;
  rule: string;
  indicator: string;
  status: string;
  evidence: Record<string, unknown>;
  note: string | null;
  acknowledgedBy: string | null;
};
type World = {
  a: { key: string; id: number; code: string };
  b: { key: string; id: number };
  bSignal: number;
  p: Record<string, TestPrincipal>;
};
let w: World;

async function pilotWithFallingYouth() {
  const { pilot, versions } = await makePilot();
  const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -14 * 6);
  const y = await makeParticipant(pilot.id, { start, email: null });
  await addFrequentHistory(env.DB, y.id, versions, start, [8, 7, 6, 5, 4, 3]);
  await evaluateSignals(env.DB, [y.id], Date.now());
  return { pilot, y };
}
const list = async (p: TestPrincipal, key: string, q = "") =>
  (await (await call(p, "GET", `/api/v1/pilots/${key}/signals${q}`)).json()) as { signals: SignalJson[] };
const stored = async (id: number) => (await db().select().from(schema.signals).where(eq(schema.signals.id, id)))[0]!;

beforeAll(async () => {
  const a = await pilotWithFallingYouth();
  const b = await pilotWithFallingYouth();
  const [bSignal] = await db().select().from(schema.signals).where(eq(schema.signals.pilotId, b.pilot.id));
  const researcher = await staffUser({ roles: [{ role: "researcher", pilotId: a.pilot.id }] });
  const coordinator = await staffUser({ roles: [{ role: "coordinator", pilotId: a.pilot.id }] });
  const otherResearcher = await staffUser({ roles: [{ role: "researcher", pilotId: b.pilot.id }] });
  const pc = await staffUser({ roles: [{ role: "project_coordinator", pilotId: null }] });
  w = {
    a: { key: a.pilot.key, id: a.pilot.id, code: a.y.code },
    b: { key: b.pilot.key, id: b.pilot.id },
    bSignal: bSignal!.id,
    p: {
      researcher: await sessionFor(researcher.id),
      coordinator: await sessionFor(coordinator.id),
      otherResearcher: await sessionFor(otherResearcher.id),
      projectCoordinator: await sessionFor(pc.id),
      coordinatorToken: await apiToken("coordinator", [a.pilot.id]),
      researcherToken: await apiToken("researcher", [a.pilot.id]),
    },
  };
});

describe("signals API", () => {
  it("lists the pilot's open signals with their evidence for its researchers", async () => {
    const res = await call(w.p.researcher!, "GET", `/api/v1/pilots/${w.a.key}/signals`);
    expect(res.status).toBe(200);
    const { signals } = (await res.json()) as { signals: SignalJson[] };
    expect(signals.length).toBeGreaterThanOrEqual(3);
    expect(signals.every((s) => s.participantCode === w.a.code && s.status === "open")).toBe(true);
    const low = signals.find((s) => s.rule === "low_twice" && s.indicator === "welzijn")!;
    expect((low.evidence.values as { value: number }[]).map((v) => v.value)).toEqual([4, 3]);
    expect((await list(w.p.researcherToken!, w.a.key)).signals).toHaveLength(signals.length);
  });

  it(
    "a coordinator, the project coordinator and a researcher " + "of another pilot get 403 on every signals route",
    async () => {
      const id = (await list(w.p.researcher!, w.a.key)).signals[0]!.id;
      for (const name of ["coordinator", "coordinatorToken", "projectCoordinator", "otherResearcher"]) {
        const p = w.p[name]!;
        expect((await call(p, "GET", `/api/v1/pilots/${w.a.key}/signals`)).status, name).toBe(403);
        expect(
          (await call(p, "POST", `/api/v1/pilots/${w.a.key}/signals/${id}/acknowledge`, { note: "gezien" })).status,
          name,
        ).toBe(403);
        expect((await call(p, "GET", `/staff/pilots/${w.a.key}/signals`)).status, name).toBe(403);
      }
      expect((await stored(id)).status).toBe("open");
      expect((await call(null, "GET", `/api/v1/pilots/${w.a.key}/signals`)).status).toBe(401);
    },
  );

  it("acknowledges with a short note, audited without the note; twice is a conflict", async () => {
    const target = (await list(w.p.researcher!, w.a.key)).signals.find((s) => s.rule === "trend_down")!;
    const res = await call(w.p.researcher!, "POST", `/api/v1/pilots/${w.a.key}/signals/${target.id}/acknowledge`, {
      note: "  Besproken in teamoverleg  ",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: target.id, status: "acknowledged", note: "Besproken in teamoverleg" });
    expect(await stored(target.id)).toMatchObject({
      status: "acknowledged",
      acknowledgeNote: "Besproken in teamoverleg",
    });
    const audit = await env.DB.prepare(
      "SELECT actor_type, pilot_id, target, details FROM audit_log WHERE action = 'signal.acknowledge' AND target = ?",
    )
      .bind(`signal:${target.id}`)
      .all<{ actor_type: string; pilot_id: number; details: string }>();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]).toMatchObject({ actor_type: "staff", pilot_id: w.a.id });
    expect(audit.results[0]!.details).not.toContain("teamoverleg");
    expect(JSON.parse(audit.results[0]!.details)).toMatchObject({ rule: "trend_down", noteLength: 24 });
    const again = await call(w.p.researcher!, "POST", `/api/v1/pilots/${w.a.key}/signals/${target.id}/acknowledge`, {
      note: "nog eens",
    });
    expect(again.status).toBe(409);
    expect((await stored(target.id)).acknowledgeNote).toBe("Besproken in teamoverleg");
    // still listed (acknowledged), with who acknowledged it
    expect((await list(w.p.researcher!, w.a.key)).signals.find((s) => s.id === target.id)).toMatchObject({
      status: "acknowledged",
      acknowledgedBy: expect.any(String),
    });
  });

  it(
    "refuses bad input with a clear error and stores nothing: " +
      "empty, long or missing note, bad id, another pilot's signal",
    async () => {
      const open = (await list(w.p.researcher!, w.a.key)).signals.find((s) => s.status === "open")!;
      const path = (id: number | string) => `/api/v1/pilots/${w.a.key}/signals/${id}/acknowledge`;
      for (const body of [
        { note: "" },
        { note: "   " },
        { note: "x".repeat(501) },
        {},
        { note: "ok", extra: 1 },
        { note: 5 },
      ]) {
        const res = await call(w.p.researcher!, "POST", path(open.id), body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation");
      }
      for (const id of ["abc", "0", "-1", "1e3"])
        expect((await call(w.p.researcher!, "POST", path(id), { note: "ok" })).status).toBe(400);
      // pilot B's signal through pilot A's path: not in this pilot
      const foreign = await call(w.p.researcher!, "POST", path(w.bSignal), { note: "niet van mij" });
      expect(foreign.status).toBe(404);
      expect(await stored(w.bSignal)).toMatchObject({ status: "open", acknowledgeNote: null, acknowledgedAt: null });
      expect(await stored(open.id)).toMatchObject({ status: "open", acknowledgeNote: null });
      expect(
        await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'signal.acknowledge' AND target = ?")
          .bind(`signal:${w.bSignal}`)
          .first("n"),
      ).toBe(0);
      // CSRF
      expect((await call(w.p.researcher!, "POST", path(open.id), { note: "ok" }, { csrf: false })).status).toBe(403);
      expect((await call(w.p.researcher!, "GET", `/api/v1/pilots/${w.a.key}/signals?status=bogus`)).status).toBe(400);
    },
  );

  it("the OpenAPI document describes both routes as researcher routes with their schemas", async () => {
    const doc = (await (await call(null, "GET", "/api/v1/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { "x-access"?: string; requestBody?: unknown; responses: Record<string, unknown> }>
      >;
    };
    const get = doc.paths["/api/v1/pilots/{pilot}/signals"]?.get;
    const post = doc.paths["/api/v1/pilots/{pilot}/signals/{id}/acknowledge"]?.post;
    expect(get?.["x-access"]).toBe("write");
    expect(post?.["x-access"]).toBe("write");
    expect(JSON.stringify(get!.responses["200"])).toContain("evidence");
    expect(JSON.stringify(post!.requestBody)).toContain("note");
  });
});

describe("cleared signals", () => {
  it("are left out of the default list and shown with status=all (API and page)", async () => {
    const open = (await list(w.p.researcher!, w.a.key)).signals[0]!;
    await env.DB.prepare("UPDATE signals SET status = 'cleared' WHERE id = ?").bind(open.id).run();
    try {
      expect((await list(w.p.researcher!, w.a.key)).signals.some((s) => s.id === open.id)).toBe(false);
      expect((await list(w.p.researcher!, w.a.key, "?status=all")).signals.find((s) => s.id === open.id)?.status).toBe(
        "cleared",
      );
      expect((await list(w.p.researcher!, w.a.key, "?status=cleared")).signals.map((s) => s.id)).toEqual([open.id]);
      expect(await (await call(w.p.researcher!, "GET", `/staff/pilots/${w.a.key}/signals`)).text()).not.toContain(
        `data-signal="${open.id}"`,
      );
      expect(await (await call(w.p.researcher!, "GET", `/staff/pilots/${w.a.key}/signals?status=all`)).text()).toMatch(
        new RegExp(`data-signal="${open.id}"[^>]*data-status="cleared"`),
      );
    } finally {
      await env.DB.prepare("UPDATE signals SET status = ? WHERE id = ?").bind(open.status, open.id).run();
    }
  });
});

describe("signals in the workspace", () => {
  it(
    "the list page, the mark beside the youth, her evidence " + "with highlighted plot points and the acknowledge form",
    async () => {
      const r = w.p.researcher!;
      const page = await (await call(r, "GET", `/staff/pilots/${w.a.key}/signals`)).text();
      expect(page).toContain('id="signals-table"');
      expect(page).toContain(`data-code="${w.a.code}"`);
      const overview = await (await call(r, "GET", `/staff/pilots/${w.a.key}`)).text();
      expect(overview).toMatch(/class="signal-mark" data-signals="\d+"/);
      expect(overview).toContain('id="signals-link"');
      const youth = await (await call(r, "GET", `/staff/pilots/${w.a.key}/youths/${w.a.code}`)).text();
      expect(youth).toContain('id="youth-signals"');
      expect(youth).toMatch(/<figure id="plot-welzijn">[\s\S]*data-evidence="1"[\s\S]*<\/figure>/);
      expect(youth).toContain('class="ack-form stack"');
      // coordinators see the youth's page without signals, marks or evidence
      const asCoordinator = await (
        await call(w.p.coordinator!, "GET", `/staff/pilots/${w.a.key}/youths/${w.a.code}`)
      ).text();
      expect(asCoordinator).not.toContain("youth-signals");
      expect(asCoordinator).not.toContain("data-evidence");
      expect(await (await call(w.p.coordinator!, "GET", `/staff/pilots/${w.a.key}`)).text()).not.toContain(
        "signal-mark",
      );
    },
  );

  it("acknowledges through the form (CSRF), back to her page; an empty note is refused with the reason", async () => {
    const r = w.p.researcher!;
    const open = (await list(r, w.a.key)).signals.find((s) => s.status === "open")!;
    const path = `/staff/pilots/${w.a.key}/signals/${open.id}/acknowledge`;
    const empty = await call(r, "POST", path, new URLSearchParams({ _csrf: r.csrf!, note: " ", back: "youth" }), {
      csrf: false,
    });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Schrijf een korte notitie");
    expect((await call(r, "POST", path, new URLSearchParams({ note: "zonder token" }), { csrf: false })).status).toBe(
      403,
    );
    expect((await stored(open.id)).status).toBe("open");
    const ok = await call(
      r,
      "POST",
      path,
      new URLSearchParams({ _csrf: r.csrf!, note: "Contact gehad", back: "youth" }),
      { csrf: false },
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(
      `/staff/pilots/${w.a.key}/youths/${encodeURIComponent(w.a.code)}?done=signal#youth-signals`,
    );
    expect(await stored(open.id)).toMatchObject({ status: "acknowledged", acknowledgeNote: "Contact gehad" });
  });
});
