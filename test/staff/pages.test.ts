import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { BASE, call } from "../support/http";
import { mailTo } from "../support/mail";
import { linkIn, sessionFor, staffUser } from "../support/staff";
import { addHistory, makePilot, uniqueKey } from "../support/study";

const db = () => getDb(env.DB);
const today = () => localDate(Date.now(), "Europe/Amsterdam");
/** A new pilot, a researcher signed in to it and one youth enrolled today (no contact data). */
async function researcherWithYouth(prefix: string) {
  const { pilot } = await makePilot();
  const s = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
  const code = uniqueKey(prefix);
  await call(s, "POST", `/api/v1/pilots/${pilot.key}/participants`, {
    code,
    pilotStartDate: today(),
    consent: { by: "guardian", date: today() },
  });
  return { pilot, s, code };
}
const enrolForm = (csrf: string | null, fields: Record<string, string>) =>
  new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...fields });

describe("researcher workspace", () => {
  it("sign in through the mailed link, enrol a youth through the form and see her scheduled occasions", async () => {
    const { pilot } = await makePilot({ settings: { waveInstruments: ["gcir"] } });
    const user = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
    await exports.default.fetch(`${BASE}/staff/sign-in`, {
      method: "POST",
      body: new URLSearchParams({ email: user.email }),
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.200" },
    });
    const link = linkIn((await mailTo(user.email))[0]!.text)!;
    const confirm = await exports.default.fetch(link, { redirect: "manual" });
    expect(await confirm.text()).toContain('id="auth-confirm"');
    const signedIn = await exports.default.fetch(link, {
      method: "POST",
      redirect: "manual",
      headers: { origin: BASE },
    });
    const cookie = /om_staff=[^;]+/.exec(signedIn.headers.get("set-cookie")!)![0];
    const browser = { label: "browser", userId: user.id, email: user.email, csrf: null, headers: { cookie } };

    const home = await (await call(browser, "GET", "/staff")).text();
    expect(home).toContain(`href="/staff/pilots/${pilot.key}"`);
    const enrolPage = await call(browser, "GET", `/staff/pilots/${pilot.key}/enrol`);
    expect(enrolPage.status).toBe(200);
    const html = await enrolPage.text();
    for (const id of [
      "enrol-form",
      "code",
      "pilotStartDate",
      "consentBy",
      "selfAge16Plus",
      "consentDate",
      "email",
      "mentorEmail",
      "enrol-submit",
    ])
      expect(html).toContain(`id="${id}"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    expect(enrolPage.headers.get("content-security-policy")).toContain("default-src 'none'");

    const code = uniqueKey("WEB-");
    const posted = await call(
      browser,
      "POST",
      `/staff/pilots/${pilot.key}/enrol`,
      enrolForm(csrf, {
        code,
        pilotStartDate: today(),
        consentBy: "self",
        selfAge16Plus: "1",
        consentDate: today(),
        email: `${code.toLowerCase()}@youth.example`,
        mentorEmail: "",
      }),
      { headers: { origin: BASE } },
    );
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`/staff/pilots/${pilot.key}/youths/${code}?enrolled=1`);
    const youth = await call(browser, "GET", posted.headers.get("location")!);
    expect(youth.status).toBe(200);
    const page = await youth.text();
    expect(page).toContain('id="enrolled-notice"');
    expect(page).toContain('id="schedule-table"');
    expect(page).toMatch(/<tr data-kind="wave" data-seq="1" data-state="open">/);
    expect(page).toMatch(/<tr data-kind="frequent" data-seq="1" data-state="open">/);
    expect(page).toMatch(/<tr data-kind="frequent" data-seq="2" data-state="planned">/);
    expect(page).not.toContain(`${code.toLowerCase()}@youth.example`);
    const [p] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
    expect(p!.consentRecordedBy).toBe(user.id);

    const list = await (await call(browser, "GET", `/staff/pilots/${pilot.key}`)).text();
    expect(list).toContain(`data-code="${code}"`);
  });

  it(
    "refuses the enrol form without CSRF token, with " + "bad input or a duplicate code, storing nothing extra",
    async () => {
      const { pilot } = await makePilot();
      const s = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const url = `/staff/pilots/${pilot.key}/enrol`;
      const code = uniqueKey("F-");
      const ok = {
        code,
        pilotStartDate: today(),
        consentBy: "guardian",
        consentDate: today(),
        email: "",
        mentorEmail: "",
      };
      expect((await call(s, "POST", url, enrolForm(null, ok), { csrf: false })).status).toBe(403);
      expect((await call(s, "POST", url, enrolForm("forged", ok), { csrf: false })).status).toBe(403);
      const bad = await call(s, "POST", url, enrolForm(s.csrf, { ...ok, code: "<script>alert(1)</script>" }), {
        csrf: false,
      });
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toContain('id="enrol-errors"');
      expect(badHtml).not.toContain("<script>alert(1)</script>");
      expect(badHtml).toContain("&lt;script>alert(1)&lt;/script>"); // escaped inside the value attribute
      expect(
        (await call(s, "POST", url, enrolForm(s.csrf, { ...ok, consentBy: "self" }), { csrf: false })).status,
      ).toBe(400); // no 16+
      expect(
        (
          await call(s, "POST", url, enrolForm(s.csrf, { ...ok, pilotStartDate: addDays(today(), 200) }), {
            csrf: false,
          })
        ).status,
      ).toBe(400);
      expect((await call(s, "POST", url, enrolForm(s.csrf, ok), { csrf: false })).status).toBe(303);
      const dup = await call(s, "POST", url, enrolForm(s.csrf, ok), { csrf: false });
      expect(dup.status).toBe(409);
      expect(await dup.text()).toContain("Deze code bestaat al");
      expect(
        await db().select().from(schema.participants).where(eq(schema.participants.pilotId, pilot.id)),
      ).toHaveLength(1);
    },
  );

  it(
    "shows youths × occasions with status, filters overdue " +
      "and left care, and hides the enrol form from coordinators",
    async () => {
      const { pilot, versions } = await makePilot();
      const coordinator = await sessionFor(
        (await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] })).id,
      );
      const start = addDays(today(), -20);
      const mk = async (status: "active" | "left_care") => {
        const [p] = await db()
          .insert(schema.participants)
          .values({
            pilotId: pilot.id,
            code: uniqueKey("O-"),
            pilotStartDate: start,
            status,
            consentBy: "guardian",
            consentDate: start,
            leftCareAt: status === "left_care" ? today() : null,
          })
          .returning();
        return p!;
      };
      const answered = await mk("active");
      const overdue = await mk("left_care");
      await addHistory(answered.id, versions, start, [6]);
      const opened = Date.now() - 6 * 86_400_000;
      await db()
        .insert(schema.occasions)
        .values({
          participantId: overdue.id,
          kind: "frequent",
          seq: 2,
          dueDate: addDays(start, 14),
          opensAt: opened,
          closesAt: Date.now() + 4 * 86_400_000,
          status: "open",
          instrumentVersionIds: [],
        });
      const all = await call(coordinator, "GET", `/staff/pilots/${pilot.key}`);
      expect(all.status).toBe(200);
      const html = await all.text();
      expect(html).toContain('id="youths-table"');
      expect(html).not.toContain('id="enrol-link"');
      const row = (code: string) => new RegExp(`<tr data-code="${code}">[\\s\\S]*?</tr>`).exec(html)![0];
      expect(row(answered.code)).toContain('data-state="answered"');
      expect(row(overdue.code)).toContain('data-state="overdue"');
      expect(row(overdue.code)).toContain('data-state="missed"'); // seq 1 was never answered and its window passed
      const od = await (await call(coordinator, "GET", `/staff/pilots/${pilot.key}?filter=overdue`)).text();
      expect(od).toContain(`data-code="${overdue.code}"`);
      expect(od).not.toContain(`data-code="${answered.code}"`);
      const lc = await (await call(coordinator, "GET", `/staff/pilots/${pilot.key}?filter=left_care`)).text();
      expect(lc).toContain(`data-code="${overdue.code}"`);
      expect(lc).not.toContain(`data-code="${answered.code}"`);
      expect((await call(coordinator, "GET", `/staff/pilots/${pilot.key}/enrol`)).status).toBe(403);
    },
  );

  it("shows a youth's timeline with escaped comments and inline SVG trend plots", async () => {
    const { pilot, versions } = await makePilot();
    const s = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const start = addDays(today(), -120);
    const [p] = await db()
      .insert(schema.participants)
      .values({
        pilotId: pilot.id,
        code: uniqueKey("T-"),
        pilotStartDate: start,
        consentBy: "guardian",
        consentDate: start,
      })
      .returning();
    await addHistory(p!.id, versions, start, [3, 4, 5, 6, 7, 8]);
    const [r] = await db().select().from(schema.responses).where(eq(schema.responses.participantId, p!.id)).limit(1);
    await db()
      .update(schema.responses)
      .set({ comment: '<img src=x onerror="alert(1)">Beter' })
      .where(eq(schema.responses.id, r!.id));
    const res = await call(s, "GET", `/staff/pilots/${pilot.key}/youths/${p!.code}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="timeline"');
    expect(html).toContain("&lt;img src=x");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain('id="plot-welzijn"');
    expect((html.match(/<circle /g) ?? []).length).toBeGreaterThanOrEqual(18); // 6 points × 3 indicators
    expect(html).toMatch(/<svg [^>]*role="img"/);
    expect((await call(s, "GET", `/staff/pilots/${pilot.key}/youths/NOPE-1`)).status).toBe(404);
    // coordinators see the scores and plots but not the youth's free-text comments
    const coordinator = await sessionFor((await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] })).id);
    const ch = await (await call(coordinator, "GET", `/staff/pilots/${pilot.key}/youths/${p!.code}`)).text();
    expect(ch).toContain('id="timeline"');
    expect(ch).toContain('id="plot-welzijn"');
    expect(ch).not.toContain("Beter");
  });

  it(
    "imports a CSV through the page: the dry run lists " + "bad rows by line, the commit stores all or nothing",
    async () => {
      const { pilot } = await makePilot();
      const s = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const url = `/staff/pilots/${pilot.key}/import`;
      const page = await (await call(s, "GET", url)).text();
      for (const id of ["import-form", "kind", "file", "import-dry-run", "import-commit"])
        expect(page).toContain(`id="${id}"`);
      const a = uniqueKey("CSV-"),
        b = uniqueKey("CSV-");
      const header = "participant_code,pilot_start_date,consent_by,consent_date,email,mentor_email";
      const form = (csv: string, action: string, csrf = s.csrf!) => {
        const f = new FormData();
        f.set("_csrf", csrf);
        f.set("kind", "participants");
        f.set("action", action);
        f.set("file", new File([csv], "youths.csv", { type: "text/csv" }));
        return f;
      };
      const mixed = `${header}\n${a},${today()},guardian,${today()},,\n${b},not-a-date,guardian,${today()},,\n`;
      const dry = await call(s, "POST", url, form(mixed, "dry"), { csrf: false });
      expect(dry.status).toBe(400);
      const html = await dry.text();
      expect(html).toContain('data-ok="false"');
      expect(html).toMatch(/<tr data-line="3">/);
      expect(html).not.toMatch(/<tr data-line="2">/);
      expect((await call(s, "POST", url, form(mixed, "commit"), { csrf: false })).status).toBe(400);
      expect(
        await db().select().from(schema.participants).where(eq(schema.participants.pilotId, pilot.id)),
      ).toHaveLength(0);
      const good = `${header}\n${a},${today()},guardian,${today()},,\n${b},${today()},self,${today()},,\n`;
      expect((await call(s, "POST", url, form(good, "dry"), { csrf: false })).status).toBe(200);
      expect(
        await db().select().from(schema.participants).where(eq(schema.participants.pilotId, pilot.id)),
      ).toHaveLength(0);
      const commit = await call(s, "POST", url, form(good, "commit"), { csrf: false });
      expect(commit.status).toBe(201);
      expect(await commit.text()).toContain('data-committed="2"');
      expect(
        await db().select().from(schema.participants).where(eq(schema.participants.pilotId, pilot.id)),
      ).toHaveLength(2);
      expect((await call(s, "POST", url, form(good, "commit", "forged"), { csrf: false })).status).toBe(403);
      const big = await call(s, "POST", url, form(header + "\n" + "x,".repeat(1_100_000), "dry"), { csrf: false });
      expect(big.status).toBe(413);
    },
  );

  it("changes a youth's status and withdraws her from the page, CSRF-protected and confirmed", async () => {
    const { pilot } = await makePilot();
    const s = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
    const code = uniqueKey("S-");
    await call(s, "POST", `/api/v1/pilots/${pilot.key}/participants`, {
      code,
      pilotStartDate: today(),
      consent: { by: "guardian", date: today() },
      email: `${code.toLowerCase()}@youth.example`,
    });
    const base = `/staff/pilots/${pilot.key}/youths/${code}`;
    const html = await (await call(s, "GET", base)).text();
    for (const id of ["status-form", "status", "withdraw-form", "withdraw-confirm", "withdraw-submit"])
      expect(html).toContain(`id="${id}"`);
    expect(
      (await call(s, "POST", `${base}/status`, new URLSearchParams({ status: "paused" }), { csrf: false })).status,
    ).toBe(403);
    const paused = await call(s, "POST", `${base}/status`, new URLSearchParams({ _csrf: s.csrf!, status: "paused" }), {
      csrf: false,
    });
    expect(paused.status).toBe(303);
    expect(paused.headers.get("location")).toBe(`${base}?done=updated`);
    expect(
      (
        await call(s, "POST", `${base}/status`, new URLSearchParams({ _csrf: s.csrf!, status: "withdrawn" }), {
          csrf: false,
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(s, "POST", `${base}/withdraw`, new URLSearchParams({ _csrf: s.csrf! }), { csrf: false })).status,
    ).toBe(400); // not confirmed
    const [before] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
    expect(before!.status).toBe("paused");
    const w = await call(s, "POST", `${base}/withdraw`, new URLSearchParams({ _csrf: s.csrf!, confirm: "1" }), {
      csrf: false,
    });
    expect(w.status).toBe(303);
    const [after] = await db().select().from(schema.participants).where(eq(schema.participants.code, code));
    expect(after!.status).toBe("withdrawn");
    expect(
      await db()
        .select()
        .from(schema.participantContacts)
        .where(eq(schema.participantContacts.participantId, after!.id)),
    ).toHaveLength(0);
    const page = await (await call(s, "GET", `${base}?done=withdrawn`)).text();
    expect(page).toContain('id="status-notice"');
    expect(page).not.toContain('id="withdraw-form"');
  });

  it("fills in the staff forms (background, RIS-L) from the workspace; incomplete RIS-L is refused", async () => {
    const { pilot, s, code } = await researcherWithYouth("SF-");
    const base = `/staff/pilots/${pilot.key}/youths/${code}/forms`;
    const risl = await (await call(s, "GET", `${base}/risl`)).text();
    expect((risl.match(/type="radio"/g) ?? []).length).toBe(50 * 3);
    const fields: Record<string, string> = { _csrf: s.csrf! };
    for (const [part, n] of [
      ["a6", 5],
      ["signals", 27],
      ["risks", 12],
      ["protective", 6],
    ] as const)
      for (let i = 1; i <= n; i++) fields[`${part}.${i}`] = i <= 3 ? "yes" : "no";
    const partial = { ...fields };
    delete partial["signals.27"];
    const bad = await call(s, "POST", `${base}/risl`, new URLSearchParams(partial), { csrf: false });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="form-errors"');
    const ok = await call(s, "POST", `${base}/risl`, new URLSearchParams(fields), { csrf: false });
    expect(ok.status).toBe(303);
    const api = (await (
      await call(s, "GET", `/api/v1/pilots/${pilot.key}/participants/${code}/forms/risl`)
    ).json()) as { scores: unknown };
    expect(api.scores).toEqual({ signals: 3, risks: 3, protective: 3 });
    expect(await (await call(s, "GET", `${base}/risl`)).text()).toContain('id="risl-scores"');
    const bg = await call(
      s,
      "POST",
      `${base}/background`,
      new URLSearchParams({
        _csrf: s.csrf!,
        ageAtPilotStart: "17",
        countryOfOrigin: "non_west_european",
        careBefore: "ambulant, residential_open",
        debts: "yes",
      }),
      { csrf: false },
    );
    expect(bg.status).toBe(303);
    const stored = (await (
      await call(s, "GET", `/api/v1/pilots/${pilot.key}/participants/${code}/forms/background`)
    ).json()) as { data: unknown };
    expect(stored.data).toEqual({
      ageAtPilotStart: 17,
      countryOfOrigin: "non_west_european",
      careBefore: ["ambulant", "residential_open"],
      debts: "yes",
    });
    expect(
      (
        await call(s, "POST", `${base}/background`, new URLSearchParams({ _csrf: s.csrf!, ageAtPilotStart: "abc" }), {
          csrf: false,
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(s, "POST", `${base}/background`, new URLSearchParams({ ageAtPilotStart: "17" }), { csrf: false }))
        .status,
    ).toBe(403);
  });

  it("problems at referral: checkboxes stored as keys, an unknown one refused, 'anders' with its text", async () => {
    const { pilot, s, code } = await researcherWithYouth("RP-");
    const page = `/staff/pilots/${pilot.key}/youths/${code}/forms/background`;
    const api = `/api/v1/pilots/${pilot.key}/participants/${code}/forms/background`;
    const form = await (await call(s, "GET", page)).text();
    expect(form).toContain('<fieldset id="referralProblems"><legend>Problematiek bij aanmelding</legend>');
    expect((form.match(/type="checkbox" name="referralProblems"/g) ?? []).length).toBe(14);
    expect(form).toContain('id="referralProblemsOther" name="referralProblemsOther"');
    const post = (pairs: [string, string][]) =>
      call(s, "POST", page, new URLSearchParams([["_csrf", s.csrf!], ...pairs]), { csrf: false });
    const ok = await post([
      ["referralProblems", "trauma"],
      ["referralProblems", "safety"],
    ]);
    expect(ok.status).toBe(303);
    const stored = async () => ((await (await call(s, "GET", api)).json()) as { data: unknown }).data;
    expect(await stored()).toEqual({ referralProblems: ["trauma", "safety"] });
    const shown = await (await call(s, "GET", page)).text();
    expect(shown).toContain('value="trauma" checked');
    expect(shown).toContain('value="safety" checked');
    expect(shown).not.toContain('value="coercion" checked');
    for (const bad of [
      [
        ["referralProblems", "trauma"],
        ["referralProblems", "something_else"],
      ],
      [["referralProblems", "other"]],
      [
        ["referralProblems", "safety"],
        ["referralProblems", "safety"],
      ],
    ] as [string, string][][]) {
      const r = await post(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(await r.text()).toContain('id="form-errors"');
      expect(await stored()).toEqual({ referralProblems: ["trauma", "safety"] });
    }
    const other = await post([
      ["referralProblems", "attachment"],
      ["referralProblems", "other"],
      ["referralProblemsOther", "zorgen over school"],
    ]);
    expect(other.status).toBe(303);
    expect(await stored()).toEqual({
      referralProblems: ["attachment", "other"],
      referralProblemsOther: "zorgen over school",
    });
    expect(await (await call(s, "GET", page)).text()).toContain('value="zorgen over school"');
  });

  it(
    "takes a form posted without Content-Length (chunked) with its " +
      "CSRF token in a field, within the limit (found by the fuzz suite)",
    async () => {
      const { pilot } = await makePilot();
      const s = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const chunked = (path: string, text: string, method = "POST") =>
        exports.default.fetch(`${BASE}${path}`, {
          method,
          headers: { ...s.headers, "content-type": "application/x-www-form-urlencoded" },
          body: new ReadableStream({
            start(ctl) {
              for (let i = 0; i < text.length; i += 1000)
                ctl.enqueue(new TextEncoder().encode(text.slice(i, i + 1000)));
              ctl.close();
            },
          }),
          redirect: "manual",
        });
      const code = uniqueKey("C-");
      const fields = enrolForm(s.csrf, {
        code,
        pilotStartDate: today(),
        consentBy: "guardian",
        consentDate: today(),
        email: "",
        mentorEmail: "",
      });
      const res = await chunked(`/staff/pilots/${pilot.key}/enrol`, fields.toString());
      expect(res.status).toBe(303);
      expect(await db().select().from(schema.participants).where(eq(schema.participants.code, code))).toHaveLength(1);
      // the route's own limit (8 KiB) and the CSRF check's (2 MiB) hold while reading; the API refuses a form
      expect((await chunked(`/staff/pilots/${pilot.key}/enrol`, `${fields}&pad=${"x".repeat(20_000)}`)).status).toBe(
        413,
      );
      expect(
        (await chunked(`/staff/pilots/${pilot.key}/enrol`, `_csrf=${s.csrf}&pad=${"x".repeat(3 * 1024 * 1024)}`))
          .status,
      ).toBe(413);
      const api = await chunked(`/api/v1/pilots/${pilot.key}/settings`, `_csrf=${s.csrf}&senderName=x`, "PUT");
      expect(api.status).toBe(400);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe("validation");
    },
  );

  it(
    "answers a form that cannot be read (multipart without boundary, " +
      "cut off) with a 400 page, not a 500 (found by the fuzz suite)",
    async () => {
      const { pilot } = await makePilot();
      const s = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] })).id);
      const code = uniqueKey("M-");
      await call(
        s,
        "POST",
        `/staff/pilots/${pilot.key}/enrol`,
        enrolForm(s.csrf, {
          code,
          pilotStartDate: today(),
          consentBy: "guardian",
          consentDate: today(),
          email: "",
          mentorEmail: "",
        }),
        { csrf: false },
      );
      for (const [path, type] of [
        [`/staff/pilots/${pilot.key}/youths/${code}/status`, "multipart/form-data"],
        [`/staff/pilots/${pilot.key}/enrol`, "multipart/form-data; boundary=xyz"],
        [`/staff/pilots/${pilot.key}/settings`, "multipart/form-data; boundary="],
        [`/staff/pilots/${pilot.key}/reminders/run`, "multipart/form-data; boundary=xyz"],
      ] as const) {
        const res = await call(s, "POST", path, '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb', {
          headers: { "content-type": type },
        });
        expect([path, res.status]).toEqual([path, 400]);
        expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      }
    },
  );

  it("anonymous visitors get a 401 page that points to sign-in", async () => {
    const res = await exports.default.fetch(`${BASE}/staff/pilots/whatever`);
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('href="/staff/sign-in"');
    expect(res.headers.get("content-type")).toContain("text/html");
  });
});
