// Fault suite, the youth's writes (issue 12, item 7): her answer submit (the one-page frequent questionnaire
// and a paged wave questionnaire's final submit) and a page save (Next, and the background draft save), with
// D1 failing at every one of its calls in turn. After each failed attempt: a 503 youth page with Retry-After
// (or the operation completed), nothing half-written; then her retry ends exactly where a fault-free send does.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { forgetLinkContexts } from "../../worker/survey/link-context";
import { everyFault, expectYouthRetryPage, quietLogs, type Attempt } from "../support/faults";
import { fetchWith } from "../support/handlers";
import { form } from "../support/http";
import { frequentVersionIds, makeParticipant, makePilot, openOccasion } from "../support/study";

beforeEach(() => quietLogs());

type Fixture = { path: string; occasionId: number; participantId: number; outboxId: number };

async function stateOf(f: Fixture) {
  const one = <T>(sql: string) => env.DB.prepare(sql).bind(f.occasionId).first<T>();
  const [occ, responses, draftRows, draft, link, outbox, queued, timing] = await Promise.all([
    one<{ status: string; completed_at: number | null }>("SELECT status, completed_at FROM occasions WHERE id = ?"),
    one<{ n: number; modes: string | null }>(
      "SELECT COUNT(*) AS n, group_concat(DISTINCT mode) AS modes FROM responses WHERE occasion_id = ?",
    ),
    one<{ n: number }>("SELECT COUNT(*) AS n FROM draft_answers WHERE occasion_id = ?"),
    one<{ page: number }>("SELECT page FROM drafts WHERE occasion_id = ?"),
    one<{ used_at: number | null }>("SELECT used_at FROM secure_links WHERE occasion_id = ?"),
    one<{ status: string }>("SELECT status FROM outbox WHERE occasion_id = ?"),
    env.DB.prepare("SELECT COUNT(*) AS n FROM recompute_queue WHERE participant_id = ?")
      .bind(f.participantId)
      .first<{ n: number }>(),
    one<{ submitted_at: number | null }>("SELECT submitted_at FROM occasion_timings WHERE occasion_id = ?"),
  ]);
  return {
    status: occ!.status,
    completed: occ!.completed_at !== null,
    responses: responses!.n,
    modes: responses!.modes,
    draftRows: draftRows!.n,
    draftPage: draft?.page ?? null,
    linkUsed: link!.used_at !== null,
    outbox: outbox!.status,
    recomputeQueued: queued!.n,
    submitted: timing ? timing.submitted_at !== null : null,
  };
}

/** The whole of a completed send: every answer, the draft gone, link used, reminder cancelled, recompute queued. */
const completedState = (responses: number) => ({
  status: "completed",
  completed: true,
  responses,
  modes: "self",
  draftRows: 0,
  draftPage: null,
  linkUsed: true,
  outbox: "cancelled",
  recomputeQueued: 1,
});

async function youth(wave: boolean): Promise<Fixture & { ids: number[] }> {
  forgetLinkContexts(); // an isolate that never served her GET: the POST resolves her link itself
  const { pilot, versions } = await makePilot();
  const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
  const ids = wave ? [versions.get("gcir")!, versions.get("atmq")!] : frequentVersionIds(versions);
  const o = await openOccasion(p.id, ids);
  const now = Date.now();
  const outboxId = (await env.DB.prepare(
    "INSERT INTO outbox (key, occasion_id, participant_id, pilot_id, kind, seq, status, " +
      "next_attempt_at) VALUES (?, ?, ?, ?, 'reminder', 1, 'queued', ?) RETURNING id",
  )
    .bind(`${o.occasion.id}:reminder:1`, o.occasion.id, p.id, pilot.id, now + 3_600_000)
    .first<number>("id"))!;
  return { path: o.path, occasionId: o.occasion.id, participantId: p.id, outboxId, ids };
}

const gcir = (g: number, from: number, to: number, value: string) =>
  Object.fromEntries(Array.from({ length: to - from + 1 }, (_, i) => [`v.${g}.item${from + i}`, value]));
const post = (e: Parameters<typeof fetchWith>[0], path: string, fields: Record<string, string>) =>
  fetchWith(e, path, form(fields));

describe("a youth's submit with D1 failing at each of its calls", () => {
  it("the one-page questionnaire: 503 youth page or completed, never half; her resend completes it once", async () => {
    const answers = (ids: number[]) => ({
      [`v.${ids[0]}.persoonlijk`]: "7",
      [`v.${ids[0]}.gezin`]: "0",
      [`c.${ids[0]}.gezin`]: "Gaat wel",
      [`na.${ids[0]}.partner`]: "1",
    });
    const untouched = {
      status: "open",
      completed: false,
      responses: 0,
      modes: null,
      draftRows: 0,
      draftPage: null,
      linkUsed: false,
      outbox: "queued",
      recomputeQueued: 0,
    };
    const r = await everyFault({
      setup: () => youth(false),
      run: (e, f) => post(e, f.path, answers(f.ids)),
      check: async (a: Attempt<Fixture & { ids: number[] }>) => {
        const s = await stateOf(a.fixture);
        const { submitted: _, ...rest } = s;
        if (a.res!.status === 303) expect(rest).toEqual(completedState(3));
        else {
          await expectYouthRetryPage(a.res!);
          // a lost reply ("after") may leave the whole send stored; anything else leaves nothing
          expect([untouched, completedState(3)]).toContainEqual(rest);
          if (a.mode === "before") expect(rest).toEqual(untouched);
        }
      },
      recover: async (a) => {
        forgetLinkContexts();
        const before = await stateOf(a.fixture);
        const again = await post(env, a.fixture.path, answers(a.fixture.ids));
        expect(again.status).toBe(before.completed ? 409 : 303);
        const { submitted: _, ...rest } = await stateOf(a.fixture);
        expect(rest).toEqual(completedState(3));
      },
    });
    console.info(
      `one-page submit: ${r.ops} D1 calls, ${r.cases} faults (${r.byMode.before} before, ${r.byMode.after} after)`,
    );
    expect(r.ops).toBeGreaterThanOrEqual(2);
    expect(r.byMode.after).toBeGreaterThanOrEqual(1);
  });

  it("a paged wave questionnaire's final submit: her five saved pages stay a draft or become 22 answers", async () => {
    type WaveFixture = Fixture & { ids: number[] };
    const drafted = {
      status: "started",
      completed: false,
      responses: 0,
      modes: null,
      draftRows: 21,
      draftPage: 6,
      linkUsed: false,
      outbox: "queued",
      recomputeQueued: 0,
    };
    const last = (f: WaveFixture) => ({ [`v.${f.ids[1]}.item11`]: "1", page: "6", seq: "0", nav: "submit" });
    const r = await everyFault({
      setup: async () => {
        const f = await youth(true);
        const [g, a] = f.ids as [number, number];
        for (const [page, fields] of [
          [1, gcir(g, 1, 10, "4")],
          [2, gcir(g, 11, 20, "2")],
          [3, {}],
          [4, {}],
          [5, { [`v.${a}.item1`]: "3" }],
        ] as const) {
          expect((await post(env, f.path, { ...fields, page: String(page), seq: "0", nav: "next" })).status).toBe(303);
        }
        forgetLinkContexts();
        return f;
      },
      run: (e, f) => post(e, f.path, last(f)),
      check: async (a) => {
        const { submitted: _, ...s } = await stateOf(a.fixture);
        if (a.res!.status === 303) expect(s).toEqual(completedState(22));
        else {
          await expectYouthRetryPage(a.res!);
          expect([drafted, completedState(22)]).toContainEqual(s);
          if (a.mode === "before") expect(s).toEqual(drafted);
        }
      },
      recover: async (a) => {
        forgetLinkContexts();
        const before = await stateOf(a.fixture);
        const again = await post(env, a.fixture.path, last(a.fixture));
        expect(again.status).toBe(before.completed ? 409 : 303);
        const { submitted: _, ...s } = await stateOf(a.fixture);
        expect(s).toEqual(completedState(22));
      },
    });
    console.info(`wave final submit: ${r.ops} D1 calls, ${r.cases} faults`);
    expect(r.byMode.after).toBeGreaterThanOrEqual(1);
  });
});

describe("a page save with D1 failing at each of its calls", () => {
  type WaveFixture = Fixture & { ids: number[] };
  const setup = async () => {
    const f = await youth(true);
    expect((await post(env, f.path, { ...gcir(f.ids[0]!, 1, 10, "4"), page: "1", seq: "0", nav: "next" })).status).toBe(
      303,
    );
    forgetLinkContexts();
    return f;
  };
  const onePage = {
    status: "started",
    completed: false,
    responses: 0,
    modes: null,
    draftRows: 10,
    draftPage: 2,
    linkUsed: false,
    outbox: "queued",
    recomputeQueued: 0,
  };
  const twoPages = { ...onePage, draftRows: 20, draftPage: 3 };
  const page2 = (f: WaveFixture) => ({ ...gcir(f.ids[0]!, 11, 20, "2"), page: "2", seq: "0" });

  it(
    "Next: the page is kept whole or not at all, her " + "answers never enter the analysis; saving again keeps it",
    async () => {
      const r = await everyFault({
        setup,
        run: (e, f) => post(e, f.path, { ...page2(f), nav: "next" }),
        check: async (a) => {
          const { submitted: _, ...s } = await stateOf(a.fixture);
          if (a.res!.status === 303) {
            expect(a.res!.headers.get("location")).toMatch(/[?&]p=3(&|$)/);
            expect(s).toEqual(twoPages);
          } else {
            await expectYouthRetryPage(a.res!);
            expect([onePage, twoPages]).toContainEqual(s);
            if (a.mode === "before") expect(s).toEqual(onePage);
          }
        },
        recover: async (a) => {
          forgetLinkContexts();
          expect((await post(env, a.fixture.path, { ...page2(a.fixture), nav: "next" })).status).toBe(303);
          const { submitted: _, ...s } = await stateOf(a.fixture);
          expect(s).toEqual(twoPages);
        },
      });
      console.info(`page save (Next): ${r.ops} D1 calls, ${r.cases} faults`);
    },
  );

  it(
    "the background draft save: saved, or 503 with " + "Retry-After and nothing half; the next save stores it",
    async () => {
      const r = await everyFault({
        setup,
        run: (e, f) => post(e, `${f.path}/draft`, page2(f)),
        check: async (a) => {
          const { submitted: _, ...s } = await stateOf(a.fixture);
          const twoStay = { ...twoPages, draftPage: 2 }; // a background save keeps her on the page
          if (a.res!.status === 200) expect(s).toEqual(twoStay);
          else {
            expect(a.res!.status).toBe(503);
            expect(Number(a.res!.headers.get("retry-after"))).toBeGreaterThan(0);
            expect([onePage, twoStay]).toContainEqual(s);
            if (a.mode === "before") expect(s).toEqual(onePage);
          }
        },
        recover: async (a) => {
          forgetLinkContexts();
          const again = await post(env, `${a.fixture.path}/draft`, page2(a.fixture));
          expect(again.status).toBe(200);
          const { submitted: _, ...s } = await stateOf(a.fixture);
          expect(s).toEqual({ ...twoPages, draftPage: 2 });
        },
      });
      console.info(`background draft save: ${r.ops} D1 calls, ${r.cases} faults`);
    },
  );
});

describe("opening her link with D1 failing at each of its calls", () => {
  it(
    "the questionnaire or the 503 youth page; the first-opened " +
      "time is kept once, by whichever GET reached D1 first",
    async () => {
      const opened = async (f: Fixture) =>
        (await env.DB.prepare("SELECT first_opened_at FROM occasion_timings WHERE occasion_id = ?")
          .bind(f.occasionId)
          .first<number>("first_opened_at")) ?? null;
      const r = await everyFault({
        setup: () => youth(true),
        run: (e, f) => fetchWith(e, f.path),
        check: async (a) => {
          if (a.res!.status === 200) expect(await a.res!.text()).toContain("Stap 1 van 6");
          else await expectYouthRetryPage(a.res!);
          if (a.mode === "before" && a.k === 1) expect(await opened(a.fixture)).toBeNull();
        },
        recover: async (a) => {
          const first = await opened(a.fixture);
          const again = await fetchWith(env, a.fixture.path);
          expect(again.status).toBe(200);
          const after = await opened(a.fixture);
          expect(after).not.toBeNull();
          if (first !== null) expect(after).toBe(first);
          const { submitted: _, ...s } = await stateOf(a.fixture);
          expect(s).toEqual({
            status: "open",
            completed: false,
            responses: 0,
            modes: null,
            draftRows: 0,
            draftPage: null,
            linkUsed: false,
            outbox: "queued",
            recomputeQueued: 0,
          });
        },
      });
      console.info(`opening her link: ${r.ops} D1 calls, ${r.cases} faults`);
    },
  );
});
