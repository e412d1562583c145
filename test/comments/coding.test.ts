// Comment timeline and light coding (issue 15, part 2): the Done-when round trip (define codes, tag
// comments, see the counts, export, re-import the codebook) through the API and through the staff pages;
// every bad input refused with nothing stored; markup escaped; formula cells neutralised; 403 for
// coordinators, the project coordinator and another pilot's researcher; erasure removes her tags.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call, type TestPrincipal } from "../support/http";
import { apiToken, sessionFor, staffUser } from "../support/staff";
import { addHistory, makePilot } from "../support/study";
import { parseCsv } from "../../worker/studies/csv";

type World = {
  key: string;
  id: number;
  code: string;
  youthId: number;
  other: { key: string; id: number; code: string };
};
let w: World;
let researcher: TestPrincipal;
let researcherToken: TestPrincipal;
let coordinator: TestPrincipal;
let projectCoordinator: TestPrincipal;
let otherResearcher: TestPrincipal;
let admin: TestPrincipal;

const SCRIPT = "<script>alert(1)</script> thuis";
const FORMULAS = ["=cmd|' /C calc'!A0", "+31 6 ruzie", "-2 punten", "@SUM(A1)"];

async function youth(pilotId: number, code: string) {
  const v = (
    await env.DB.prepare(
      "SELECT i.key, max(v.id) AS id FROM instrument_versions v " +
        "JOIN instruments i ON i.id = v.instrument_id GROUP BY i.key",
    ).all<{ key: string; id: number }>()
  ).results;
  const map = new Map(v.map((r) => [r.key, r.id]));
  await env.DB.prepare(
    "INSERT INTO participants (pilot_id, code, pilot_start_date, status, consent_by, " +
      "consent_date) VALUES (?, ?, '2026-01-05', 'active', 'self', '2026-01-05')",
  )
    .bind(pilotId, code)
    .run();
  const p = (await env.DB.prepare("SELECT id FROM participants WHERE pilot_id = ? AND code = ?")
    .bind(pilotId, code)
    .first<{ id: number }>())!;
  await addHistory(p.id, map, "2026-01-05", [5, 6, 7]);
  return p.id;
}
const responseIds = async (participantId: number, item: string) =>
  (
    await env.DB.prepare("SELECT id FROM responses WHERE participant_id = ? AND item_key = ? ORDER BY answered_at")
      .bind(participantId, item)
      .all<{ id: number }>()
  ).results.map((r) => r.id);
const setComment = (id: number, comment: string) =>
  env.DB.prepare("UPDATE responses SET comment = ? WHERE id = ?").bind(comment, id).run();
const codesOf = async (pilotId: number) =>
  (
    await env.DB.prepare("SELECT label, description FROM comment_codes WHERE pilot_id = ? ORDER BY label")
      .bind(pilotId)
      .all<{ label: string; description: string | null }>()
  ).results;
const tagCount = async (participantId: number) =>
  (await env.DB.prepare(
    "SELECT count(*) AS n FROM comment_tags t JOIN responses r ON r.id = t.response_id WHERE r.participant_id = ?",
  )
    .bind(participantId)
    .first<{ n: number }>())!.n;
const auditActions = async (pilotId: number) =>
  (
    await env.DB.prepare("SELECT action FROM audit_log WHERE pilot_id = ? ORDER BY id")
      .bind(pilotId)
      .all<{ action: string }>()
  ).results.map((r) => r.action);
const form = (p: TestPrincipal, fields: Record<string, string>) =>
  new URLSearchParams({ _csrf: p.csrf ?? "", ...fields });
const csvRows = (text: string) => {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(r.reason);
  return r.records.map((x) => x.cells);
};

beforeAll(async () => {
  const a = (await makePilot()).pilot;
  const b = (await makePilot()).pilot;
  const youthId = await youth(a.id, "CM-01");
  await youth(b.id, "CM-B1");
  const algemeen = await responseIds(youthId, "algemeen");
  await setComment(algemeen[0]!, "Nieuwe stage gevonden");
  await setComment(algemeen[1]!, "Ruzie thuis gehad");
  await setComment(algemeen[2]!, "Stage gaat goed, thuis rustiger");
  const gezin = await responseIds(youthId, "gezin");
  await setComment(gezin[0]!, SCRIPT);
  const vrienden = await responseIds(youthId, "vrienden");
  for (const [i, f] of FORMULAS.entries()) if (vrienden[i] !== undefined) await setComment(vrienden[i]!, f);
  const persoonlijk = await responseIds(youthId, "persoonlijk");
  await setComment(persoonlijk[0]!, FORMULAS[3]!);
  const bResp = (await env.DB.prepare(
    "SELECT r.id FROM responses r JOIN participants p ON p.id = " +
      "r.participant_id WHERE p.pilot_id = ? AND r.item_key = 'algemeen' LIMIT 1",
  )
    .bind(b.id)
    .first<{ id: number }>())!;
  await setComment(bResp.id, "Comment in the other pilot");
  w = { key: a.key, id: a.id, code: "CM-01", youthId, other: { key: b.key, id: b.id, code: "CM-B1" } };
  researcher = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: a.id }] })).id, "researcher");
  researcherToken = await apiToken("researcher", [a.id], "researcher token");
  coordinator = await sessionFor(
    (await staffUser({ roles: [{ role: "coordinator", pilotId: a.id }] })).id,
    "coordinator",
  );
  projectCoordinator = await sessionFor(
    (await staffUser({ roles: [{ role: "project_coordinator", pilotId: null }] })).id,
    "project coordinator",
  );
  otherResearcher = await sessionFor(
    (await staffUser({ roles: [{ role: "researcher", pilotId: b.id }] })).id,
    "other pilot's researcher",
  );
  admin = await sessionFor((await staffUser({ admin: true })).id, "admin");
});

describe("the coding round trip (API)", () => {
  it("define codes, tag comments, see the counts, export, re-import the codebook", async () => {
    const api = `/api/v1/pilots/${w.key}`;
    const made = [];
    for (const body of [
      { label: "Stage", description: "School, stage of werk" },
      { label: "Thuis", description: '=HYPERLINK("x")' },
      { label: "conflict_thuis" },
    ]) {
      const r = await call(researcher, "POST", `${api}/codes`, body);
      expect(r.status, JSON.stringify(await r.clone().json())).toBe(201);
      made.push((await r.json()) as { id: number; label: string });
    }
    const [stage, thuis, conflict] = made as unknown as [{ id: number }, { id: number }, { id: number }];
    // her comments, newest first, with item, date and value
    const list = (await (await call(researcherToken, "GET", `${api}/comments?youth=${w.code}`)).json()) as {
      comments: {
        responseId: number;
        item: string;
        instrument: string;
        value: number;
        date: string;
        comment: string;
        answeredAt: number;
      }[];
      items: string[];
    };
    expect(list.comments.length).toBe(8);
    expect(list.comments.map((c) => c.answeredAt)).toEqual(
      [...list.comments.map((c) => c.answeredAt)].sort((a, b) => b - a),
    );
    expect(list.items).toEqual(["welzijn.algemeen", "welzijn.gezin", "welzijn.persoonlijk", "welzijn.vrienden"]);
    const algemeen = list.comments.filter((c) => c.item === "algemeen");
    expect(algemeen.map((c) => c.comment)).toEqual([
      "Stage gaat goed, thuis rustiger",
      "Ruzie thuis gehad",
      "Nieuwe stage gevonden",
    ]);
    expect(algemeen[0]).toMatchObject({
      instrument: "welzijn",
      value: 7,
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const filtered = (await (
      await call(researcher, "GET", `${api}/comments?youth=${w.code}&item=welzijn.algemeen`)
    ).json()) as { comments: unknown[] };
    expect(filtered.comments.length).toBe(3);
    // tag: stage on two comments, thuis on two, conflict on one; tagging twice adds nothing
    const tag = (response: number, code: number) =>
      call(researcher, "PUT", `${api}/comments/${response}/codes/${code}`);
    for (const [r, c] of [
      [algemeen[0]!, stage],
      [algemeen[2]!, stage],
      [algemeen[0]!, thuis],
      [algemeen[1]!, thuis],
      [algemeen[1]!, conflict],
    ] as const) {
      const res = await tag(r.responseId, c.id);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ added: true });
    }
    expect(await (await tag(algemeen[0]!.responseId, stage.id)).json()).toEqual({ added: false });
    // counts per youth and per pilot
    const mine = (await (await call(researcher, "GET", `${api}/comments?youth=${w.code}`)).json()) as {
      counts: { label: string; tags: number }[];
      comments: { responseId: number; codes: { label: string }[] }[];
    };
    expect(mine.counts.map((c) => [c.label, c.tags])).toEqual([
      ["Stage", 2],
      ["Thuis", 2],
      ["conflict_thuis", 1],
    ]);
    expect(mine.comments.find((c) => c.responseId === algemeen[0]!.responseId)!.codes.map((c) => c.label)).toEqual([
      "Stage",
      "Thuis",
    ]);
    const book = (await (await call(researcher, "GET", `${api}/codes`)).json()) as {
      codes: { label: string; tags: number; youths: number }[];
    };
    expect(book.codes.map((c) => [c.label, c.tags, c.youths])).toEqual([
      ["conflict_thuis", 1, 1],
      ["Stage", 2, 1],
      ["Thuis", 2, 1],
    ]);
    // coded comments: one row per code × comment
    const coded = await call(researcher, "GET", `${api}/comments/coded.csv`);
    expect(coded.status).toBe(200);
    expect(coded.headers.get("content-type")).toContain("text/csv");
    const rows = csvRows(await coded.text());
    expect(rows[0]).toEqual(["code", "comment", "item", "value", "date", "youth_code"]);
    expect(rows.length).toBe(1 + 5);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[5]])).toContainEqual(["Stage", "welzijn.algemeen", w.code]);
    expect(rows.find((r) => r[0] === "conflict_thuis")!.slice(1, 4)).toEqual([
      "Ruzie thuis gehad",
      "welzijn.algemeen",
      "6",
    ]);
    // the codebook out and back in: into another pilot (all new), and into this one (nothing changes)
    const exported = await (await call(researcher, "GET", `${api}/codes.csv`)).text();
    expect(csvRows(exported)).toEqual([
      ["code", "description"],
      ["conflict_thuis", ""],
      ["Stage", "School, stage of werk"],
      ["Thuis", '\'=HYPERLINK("x")'],
    ]);
    const again = await call(researcher, "POST", `${api}/codes.csv`, exported);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ created: 0, updated: 0, unchanged: 3 });
    const into = await call(admin, "POST", `/api/v1/pilots/${w.other.key}/codes.csv`, exported);
    expect(await into.json()).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(await codesOf(w.other.id)).toEqual(await codesOf(w.id));
    expect((await codesOf(w.id)).find((c) => c.label === "Thuis")!.description).toBe('=HYPERLINK("x")');
    // a Dutch spreadsheet's codebook: semicolons, Dutch header; existing codes get the file's description
    const dutch = await call(
      researcher,
      "POST",
      `${api}/codes.csv`,
      "\uFEFFcode;omschrijving\r\nstage;Werk en school\r\nVrije tijd;Sport, vrienden\r\n",
    );
    expect(await dutch.json()).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect((await codesOf(w.id)).map((c) => c.label)).toEqual(
      ["Stage", "Thuis", "Vrije tijd", "conflict_thuis"].sort(),
    );
    const actions = await auditActions(w.id);
    for (const a of ["code.create", "tag.add", "export.coded_comments_csv", "code.import"])
      expect(actions).toContain(a);
    expect(actions.filter((a) => a === "tag.add").length).toBe(5);
    // rename keeps the tags; remove a tag
    const renamed = await call(researcher, "PATCH", `${api}/codes/${conflict.id}`, { label: "Conflict thuis" });
    expect(await renamed.json()).toMatchObject({ label: "Conflict thuis" });
    expect(
      csvRows(await (await call(researcher, "GET", `${api}/comments/coded.csv`)).text()).some(
        (r) => r[0] === "Conflict thuis",
      ),
    ).toBe(true);
    expect(
      await (
        await call(researcher, "DELETE", `${api}/comments/${algemeen[1]!.responseId}/codes/${conflict.id}`)
      ).json(),
    ).toEqual({ removed: true });
    expect(await auditActions(w.id)).toEqual(expect.arrayContaining(["code.rename", "tag.remove"]));
  });

  it("a code in use is deleted only with its tags (409 first, nothing removed); an unused one at once", async () => {
    const api = `/api/v1/pilots/${w.key}`;
    const code = (await (await call(researcher, "POST", `${api}/codes`, { label: "Tijdelijk" })).json()) as {
      id: number;
    };
    const [resp] = await responseIds(w.youthId, "gezin");
    await call(researcher, "PUT", `${api}/comments/${resp}/codes/${code.id}`);
    const before = await tagCount(w.youthId);
    const refused = await call(researcher, "DELETE", `${api}/codes/${code.id}`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("in use on 1 comment");
    expect(await tagCount(w.youthId)).toBe(before);
    const ok = await call(researcher, "DELETE", `${api}/codes/${code.id}?removeTags=1`);
    expect(await ok.json()).toEqual({ label: "Tijdelijk", removedTags: 1 });
    expect(await tagCount(w.youthId)).toBe(before - 1);
    const unused = (await (await call(researcher, "POST", `${api}/codes`, { label: "Ongebruikt" })).json()) as {
      id: number;
    };
    expect(await (await call(researcher, "DELETE", `${api}/codes/${unused.id}`)).json()).toEqual({
      label: "Ongebruikt",
      removedTags: 0,
    });
    expect(await auditActions(w.id)).toContain("code.delete");
  });
});

describe("bad input: a clear refusal, nothing half-stored", () => {
  it("labels with markup, quotes or bad length, and duplicates (case does not count) are refused", async () => {
    const api = `/api/v1/pilots/${w.key}/codes`;
    const before = await codesOf(w.id);
    for (const label of [
      "<b>vet</b>",
      "<script>alert(1)</script>",
      'zeg "hoi"',
      "it's",
      "a&b",
      "",
      "   ",
      "x".repeat(41),
      "-start",
      "=cmd",
    ]) {
      const r = await call(researcher, "POST", api, { label });
      expect(r.status, label).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/Code refused/);
    }
    expect((await call(researcher, "POST", api, { label: "Ok", description: "<i>x</i>" })).status).toBe(400);
    await call(researcher, "POST", api, { label: "Dubbel" });
    for (const label of ["dubbel", "DUBBEL", "  Dubbel "]) {
      const r = await call(researcher, "POST", api, { label });
      expect(r.status, label).toBe(409);
      expect(((await r.json()) as { error: { message: string } }).error.message).toContain('"Dubbel" already exists');
    }
    const other = (await (await call(researcher, "POST", api, { label: "Anders" })).json()) as { id: number };
    expect((await call(researcher, "PATCH", `${api}/${other.id}`, { label: "dubbel" })).status).toBe(409);
    expect((await call(researcher, "PATCH", `${api}/${other.id}`, { label: "<x>" })).status).toBe(400);
    expect((await codesOf(w.id)).length).toBe(before.length + 2);
  });

  it(
    "a codebook import with unknown columns, a bad or a " + "duplicate code stores nothing and names the problem",
    async () => {
      const api = `/api/v1/pilots/${w.key}/codes.csv`;
      const before = await codesOf(w.id);
      const cases: [string, RegExp][] = [
        ["code,description,kleur\nNieuw1,x,rood\n", /unknown column\(s\) "kleur"/],
        ["label;notes;omschrijving\nNieuw1;x;y\n", /unknown column\(s\) "notes"/],
        ["description\nx\n", /no code column/],
        ["code,description\nNieuw1,prima\n<b>Nieuw2</b>,markup\n", /line 3: .*letters, digits/],
        ["code,description\nNieuw1,a\nnieuw1,b\n", /line 3: the code "nieuw1" appears twice \(also on line 2/],
        ["code,description\nNieuw1,a,extra\n", /3 cells where the header has 2/],
        ["code,description\nNieuw1,<i>x</i>\n", /markup/],
        ["code\n", /no codes/],
        ["", /empty/],
        ['code\n"open\n', /not closed/],
      ];
      for (const [body, message] of cases) {
        const r = await call(researcher, "POST", api, body);
        expect(r.status, body).toBe(400);
        const e = ((await r.json()) as { error: { message: string; details?: { line: number; reason: string }[] } })
          .error;
        expect(`${e.message} ${JSON.stringify(e.details ?? [])}`, body).toMatch(message);
        expect(e.message).toContain("nothing was stored");
      }
      expect(
        (await call(researcher, "POST", api, "code\nNieuw1\n", { headers: { "content-type": "application/json" } }))
          .status,
      ).toBe(400);
      // over 256 KiB: 413 from the API and from the page, nothing read into the codebook
      const bigRows = Array.from({ length: 3000 }, (_v, i) => `Groot${i},${"x".repeat(100)}`);
      const big = `code,description\n${bigRows.join("\n")}\n`;
      expect((await call(researcher, "POST", api, big)).status).toBe(413);
      const file = new FormData();
      file.set("_csrf", researcher.csrf!);
      file.set("file", new File([big], "codes.csv", { type: "text/csv" }));
      expect((await call(researcher, "POST", `/staff/pilots/${w.key}/codebook/import`, file)).status).toBe(413);
      // more than 500 codes in a small file
      const many = `code\n${Array.from({ length: 501 }, (_v, i) => `C${i}`).join("\n")}\n`;
      const tooMany = await call(researcher, "POST", api, many);
      expect(tooMany.status).toBe(400);
      expect(((await tooMany.json()) as { error: { message: string } }).error.message).toContain("more than 500 codes");
      expect(await codesOf(w.id)).toEqual(before);
    },
  );

  it("the codebook page refuses the same with the reason on the page, the value escaped, nothing stored", async () => {
    const page = `/staff/pilots/${w.key}/codebook`;
    const before = await codesOf(w.id);
    const r = await call(
      researcher,
      "POST",
      page,
      form(researcher, { label: "<script>alert(1)</script>", description: "" }),
    );
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('id="codebook-errors"');
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain('value="&lt;script>alert(1)&lt;/script>"');
    const dup = await call(researcher, "POST", page, form(researcher, { label: "stage" }));
    expect(dup.status).toBe(409);
    expect(await dup.text()).toMatch(/De code (&quot;|")Stage(&quot;|") bestaat al in deze pilot/);
    const file = new FormData();
    file.set("_csrf", researcher.csrf!);
    file.set("file", new File(["code,description,colour\nNieuw9,x,y\n"], "codes.csv", { type: "text/csv" }));
    const imp = await call(researcher, "POST", `${page}/import`, file);
    expect(imp.status).toBe(400);
    expect(await imp.text()).toContain("regel 1: onbekende kolom(men) &quot;colour&quot;");
    expect(await codesOf(w.id)).toEqual(before);
  });

  it("tags only a comment of this pilot with a code of this pilot", async () => {
    const api = `/api/v1/pilots/${w.key}`;
    const code = (await (await call(researcher, "GET", `${api}/codes`)).json()) as { codes: { id: number }[] };
    const foreignComment = (await env.DB.prepare(
      "SELECT r.id FROM responses r JOIN participants p ON p.id = " +
        "r.participant_id WHERE p.pilot_id = ? AND r.comment IS NOT NULL",
    )
      .bind(w.other.id)
      .first<{ id: number }>())!.id;
    const noComment = (await env.DB.prepare("SELECT id FROM responses WHERE participant_id = ? AND comment IS NULL")
      .bind(w.youthId)
      .first<{ id: number }>())!.id;
    const foreignCode = (await env.DB.prepare("SELECT id FROM comment_codes WHERE pilot_id = ?")
      .bind(w.other.id)
      .first<{ id: number }>())!.id;
    const [mine] = await responseIds(w.youthId, "algemeen");
    expect((await call(researcher, "PUT", `${api}/comments/${foreignComment}/codes/${code.codes[0]!.id}`)).status).toBe(
      404,
    );
    expect((await call(researcher, "PUT", `${api}/comments/${noComment}/codes/${code.codes[0]!.id}`)).status).toBe(404);
    expect((await call(researcher, "PUT", `${api}/comments/${mine}/codes/${foreignCode}`)).status).toBe(404);
    expect((await call(researcher, "PUT", `${api}/comments/abc/codes/1`)).status).toBe(404);
    // without a youth: every comment of this pilot's youths, none of the other pilot's
    const all = (await (await call(researcher, "GET", `${api}/comments`)).json()) as {
      youth: null;
      comments: { youth: string; comment: string }[];
      counts: { tags: number }[];
    };
    expect(all.youth).toBeNull();
    expect(all.comments.length).toBe(8);
    expect(new Set(all.comments.map((c) => c.youth))).toEqual(new Set([w.code]));
    expect(all.counts.every((c) => c.tags > 0)).toBe(true);
    expect((await call(researcher, "GET", `${api}/comments?youth=${w.other.code}`)).status).toBe(404);
  });
});

describe("exports and pages", () => {
  it("coded comments: formula-like cells are neutralised, markup stays text", async () => {
    const api = `/api/v1/pilots/${w.key}`;
    const code = (await (await call(researcher, "POST", `${api}/codes`, { label: "Formules" })).json()) as {
      id: number;
    };
    const ids = [
      ...(await responseIds(w.youthId, "vrienden")),
      ...(await responseIds(w.youthId, "persoonlijk")).slice(0, 1),
      ...(await responseIds(w.youthId, "gezin")).slice(0, 1),
    ];
    for (const id of ids) await call(researcher, "PUT", `${api}/comments/${id}/codes/${code.id}`);
    const rows = csvRows(await (await call(researcher, "GET", `${api}/comments/coded.csv`)).text()).filter(
      (r) => r[0] === "Formules",
    );
    const comments = rows.map((r) => r[1]!);
    for (const f of FORMULAS.slice(0, 3)) expect(comments).toContain(`'${f}`);
    expect(comments).toContain(`'${FORMULAS[3]}`);
    expect(rows.length).toBe(5);
    expect(comments).toContain(SCRIPT);
    for (const c of comments) expect(c).not.toMatch(/^[=+\-@]/);
  });

  it(
    "pages: codebook with counts, her comments newest first " +
      "with an item filter and tag forms, counts beside her trends",
    async () => {
      const base = `/staff/pilots/${w.key}`;
      const added = await call(
        researcher,
        "POST",
        `${base}/codebook`,
        form(researcher, { label: "Vrienden", description: "Over vrienden" }),
        { headers: { origin: BASE } },
      );
      expect(added.status).toBe(303);
      expect(added.headers.get("location")).toBe(`${base}/codebook?done=created`);
      const book = await (await call(researcher, "GET", `${base}/codebook?done=created`)).text();
      expect(book).toContain('id="codebook-notice"');
      expect(book).toMatch(/data-label="Stage"[\s\S]*?class="count-tags">2</);
      expect(book).toContain(`href="/api/v1/pilots/${w.key}/comments/coded.csv"`);
      const vrienden = (await env.DB.prepare("SELECT id FROM comment_codes WHERE pilot_id = ? AND label = 'Vrienden'")
        .bind(w.id)
        .first<{ id: number }>())!.id;
      const page = await call(researcher, "GET", `${base}/youths/${w.code}/comments`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("&lt;script>alert(1)&lt;/script> thuis");
      expect(html).not.toContain("<script>");
      const order = [...html.matchAll(/<li id="c\d+" data-response="(\d+)"/g)].map((m) => Number(m[1]));
      expect(order.length).toBe(8);
      const [newest] = (
        await env.DB.prepare(
          "SELECT id FROM responses WHERE participant_id = ? AND " +
            "comment IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT 1",
        )
          .bind(w.youthId)
          .all<{ id: number }>()
      ).results;
      expect(order[0]).toBe(newest!.id);
      const filtered = await (
        await call(researcher, "GET", `${base}/youths/${w.code}/comments?item=welzijn.gezin`)
      ).text();
      expect([...filtered.matchAll(/<li id="c\d+" data-response=/g)].length).toBe(1);
      expect(filtered).toContain('<option value="welzijn.gezin" selected');
      const [gezin] = await responseIds(w.youthId, "gezin");
      const tag = await call(
        researcher,
        "POST",
        `${base}/youths/${w.code}/comments/${gezin}/tags?item=welzijn.gezin`,
        form(researcher, { op: "add", code: String(vrienden) }),
      );
      expect(tag.status).toBe(303);
      expect(tag.headers.get("location")).toContain("item=welzijn.gezin");
      const after = await (
        await call(researcher, "GET", `${base}/youths/${w.code}/comments?item=welzijn.gezin&done=tagged`)
      ).text();
      expect(after).toMatch(
        new RegExp(`<li id="c${gezin}" data-response="${gezin}"[\\s\\S]*?class="tag" data-code="${vrienden}"`),
      );
      // a response of another youth through this youth's page is refused
      const otherYouth = (await env.DB.prepare(
        "SELECT r.id FROM responses r JOIN participants p ON p.id = " +
          "r.participant_id WHERE p.pilot_id = ? AND r.comment IS NOT NULL",
      )
        .bind(w.other.id)
        .first<{ id: number }>())!.id;
      expect(
        (
          await call(
            researcher,
            "POST",
            `${base}/youths/${w.code}/comments/${otherYouth}/tags`,
            form(researcher, { op: "add", code: String(vrienden) }),
          )
        ).status,
      ).toBe(404);
      const untag = await call(
        researcher,
        "POST",
        `${base}/youths/${w.code}/comments/${gezin}/tags`,
        form(researcher, { op: "remove", code: String(vrienden) }),
      );
      expect(untag.status).toBe(303);
      // the youth page: her counts per code beside her trends, and the way to all her comments
      const youthPage = await (await call(researcher, "GET", `${base}/youths/${w.code}`)).text();
      expect(youthPage).toMatch(/id="plots"[\s\S]*id="comments-panel"[\s\S]*id="comment-counts"/);
      expect(youthPage).toContain(`href="${base}/youths/${w.code}/comments"`);
      expect(youthPage).toContain('id="comments-total">8<');
      // the coordinator's youth page shows no comments panel
      const coordPage = await (await call(coordinator, "GET", `${base}/youths/${w.code}`)).text();
      expect(coordPage).not.toContain("comments-panel");
      expect(coordPage).not.toContain("Nieuwe stage gevonden");
      // the pilot page links to the codebook for researchers
      expect(await (await call(researcher, "GET", base)).text()).toContain(`href="${base}/codebook"`);
      // delete from the page: a code in use needs the confirmation
      const stage = (await env.DB.prepare("SELECT id FROM comment_codes WHERE pilot_id = ? AND label = 'Stage'")
        .bind(w.id)
        .first<{ id: number }>())!.id;
      const refused = await call(researcher, "POST", `${base}/codebook/${stage}/delete`, form(researcher, {}));
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain("is toegekend aan 2 toelichting(en)");
    },
  );
});

describe("access: researchers of the pilot (and admins) only", () => {
  it(
    "coordinators, the project coordinator and another " + "pilot's researcher get 403 on every comments/codes route",
    async () => {
      const [resp] = await responseIds(w.youthId, "algemeen");
      const codeId = (await env.DB.prepare("SELECT id FROM comment_codes WHERE pilot_id = ?")
        .bind(w.id)
        .first<{ id: number }>())!.id;
      const api = `/api/v1/pilots/${w.key}`;
      const page = `/staff/pilots/${w.key}`;
      const routes: [string, string, unknown?][] = [
        ["GET", `${api}/codes`],
        ["POST", `${api}/codes`, { label: "Nope" }],
        ["GET", `${api}/codes.csv`],
        ["POST", `${api}/codes.csv`, "code\nNope\n"],
        ["PATCH", `${api}/codes/${codeId}`, { label: "Nope" }],
        ["DELETE", `${api}/codes/${codeId}?removeTags=1`],
        ["GET", `${api}/comments?youth=${w.code}`],
        ["GET", `${api}/comments/coded.csv`],
        ["PUT", `${api}/comments/${resp}/codes/${codeId}`],
        ["DELETE", `${api}/comments/${resp}/codes/${codeId}`],
        ["GET", `${page}/codebook`],
        ["POST", `${page}/codebook`, "form:label=Nope"],
        ["POST", `${page}/codebook/import`, "form:"],
        ["POST", `${page}/codebook/${codeId}`, "form:label=Nope"],
        ["POST", `${page}/codebook/${codeId}/delete`, "form:removeTags=1"],
        ["GET", `${page}/youths/${w.code}/comments`],
        ["POST", `${page}/youths/${w.code}/comments/${resp}/tags`, `form:op=remove&code=${codeId}`],
      ];
      const codesBefore = await codesOf(w.id);
      const tagsBefore = await tagCount(w.youthId);
      const failures: string[] = [];
      for (const p of [coordinator, projectCoordinator, otherResearcher]) {
        for (const [method, path, body] of routes) {
          const payload =
            typeof body === "string" && body.startsWith("form:")
              ? new URLSearchParams(`_csrf=${encodeURIComponent(p.csrf ?? "")}&${body.slice(5)}`)
              : body;
          const res = await call(p, method, path, payload);
          if (res.status !== 403) failures.push(`${p.label}: ${method} ${path} → ${res.status}`);
          const text = await res.text();
          if (text.includes("Nieuwe stage")) failures.push(`${p.label}: ${method} ${path} shows a comment`);
        }
      }
      expect(failures).toEqual([]);
      expect(await codesOf(w.id)).toEqual(codesBefore);
      expect(await tagCount(w.youthId)).toBe(tagsBefore);
      // the admin may (existing pattern: admins pass every pilot check)
      expect((await call(admin, "GET", `${api}/comments?youth=${w.code}`)).status).toBe(200);
      expect((await call(admin, "GET", `${page}/codebook`)).status).toBe(200);
    },
  );
});

describe("erasure", () => {
  it("erasing her answers removes her tags in the same batch; the codes stay", async () => {
    const pilot = (await makePilot()).pilot;
    const id = await youth(pilot.id, "CM-ER");
    const r = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const [c1, c2] = await responseIds(id, "algemeen");
    await setComment(c1!, "een");
    await setComment(c2!, "twee");
    const code = (await (await call(r, "POST", `/api/v1/pilots/${pilot.key}/codes`, { label: "Weg" })).json()) as {
      id: number;
    };
    for (const c of [c1!, c2!])
      expect((await call(r, "PUT", `/api/v1/pilots/${pilot.key}/comments/${c}/codes/${code.id}`)).status).toBe(200);
    expect(await tagCount(id)).toBe(2);
    const erased = await call(r, "POST", `/api/v1/pilots/${pilot.key}/participants/CM-ER/erase-answers`, {
      confirmCode: "CM-ER",
    });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ erasedResponses: 24 });
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM comment_tags WHERE code_id = ?")
        .bind(code.id)
        .first<{ n: number }>())!.n,
    ).toBe(0);
    expect(await codesOf(pilot.id)).toEqual([{ label: "Weg", description: null }]);
    const details = (await env.DB.prepare(
      "SELECT details FROM audit_log WHERE action = 'participant.erase_answers' AND target = 'CM-ER'",
    ).first<{ details: string }>())!.details;
    expect(JSON.parse(details)).toMatchObject({ commentTags: 2, responses: 24 });
    const book = (await (await call(r, "GET", `/api/v1/pilots/${pilot.key}/codes`)).json()) as {
      codes: { tags: number }[];
    };
    expect(book.codes[0]!.tags).toBe(0);
  });
});
