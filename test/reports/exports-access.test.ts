// Issue 16 item 4: free text and raw staff forms are for the researchers of the pilot. Coordinators and the
// project coordinator get 403 (nothing of the content), and reading a youth's page, a staff form or a
// download leaves an audit row naming who read what.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../worker/db";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { call, type TestPrincipal } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { addHistory, db, makeParticipant, makePilot, addStaffForm } from "../support/study";

let pilot: { id: number; key: string };
let code = "";
const who: Record<"researcher" | "coordinator" | "projectCoordinator", TestPrincipal> = {} as never;

beforeAll(async () => {
  const made = await makePilot();
  pilot = made.pilot;
  const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -100);
  const p = await makeParticipant(pilot.id, { start });
  code = p.code;
  await addHistory(p.id, made.versions, start, [4, 5, 6]);
  await db()
    .update(schema.responses)
    .set({ comment: "VRIJE-TEKST-GEHEIM" })
    .where(eq(schema.responses.participantId, p.id));
  await addStaffForm(p.id, "background", { ageAtPilotStart: 15, referralReason: "VERWIJZING-GEHEIM" });
  const r = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
  const c = await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] });
  const pc = await staffUser({ roles: [{ role: "project_coordinator", pilotId: null }] });
  who.researcher = await sessionFor(r.id, "researcher");
  who.coordinator = await sessionFor(c.id, "coordinator");
  who.projectCoordinator = await sessionFor(pc.id, "project coordinator");
});

const auditRows = (action: string) =>
  db()
    .select()
    .from(schema.auditLog)
    .where(and(eq(schema.auditLog.action, action), eq(schema.auditLog.pilotId, pilot.id)));

describe("comments and staff forms: researchers only", () => {
  const routes = () => [
    `/api/v1/pilots/${pilot.key}/summary/answers.csv?comments=1`,
    `/api/v1/pilots/${pilot.key}/summary/report.html?comments=1`,
    `/api/v1/pilots/${pilot.key}/participants/${code}/forms/background`,
    `/staff/pilots/${pilot.key}/youths/${code}/forms/background`,
  ];

  it("coordinators and the project coordinator get 403 and none of the free text", async () => {
    for (const p of [who.coordinator, who.projectCoordinator]) {
      for (const path of routes()) {
        const res = await call(p, "GET", path);
        const body = await res.text();
        expect(res.status, `${p.label} ${path}`).toBe(403);
        expect(body).not.toContain("GEHEIM");
      }
      // Without comments the downloads are theirs, and carry no comment.
      const plain = await call(p, "GET", `/api/v1/pilots/${pilot.key}/summary/answers.csv`);
      expect(plain.status).toBe(200);
      const text = await plain.text();
      expect(text).not.toContain("GEHEIM");
      expect(text.split("\r\n")[0]).not.toContain("comment");
      // Her page: scores yes, comments no.
      const page = await call(p, "GET", `/staff/pilots/${pilot.key}/youths/${code}`);
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain("GEHEIM");
    }
  });

  it(
    "the coordinator page offers every download but the " + "report with comments; a researcher's offers that too",
    async () => {
      const ids = (html: string) => [...html.matchAll(/id="(dl-[a-z-]+)"/g)].map((m) => m[1]);
      for (const p of [who.coordinator, who.projectCoordinator]) {
        const html = await (await call(p, "GET", `/reports/pilots/${pilot.key}`)).text();
        expect(ids(html), p.label).toEqual([
          "dl-xlsx",
          "dl-indicators",
          "dl-wide",
          "dl-codebook",
          "dl-sps",
          "dl-r",
          "dl-answers",
          "dl-answers-codebook",
          "dl-report",
        ]);
      }
      const html = await (await call(who.researcher, "GET", `/reports/pilots/${pilot.key}`)).text();
      expect(ids(html)).toContain("dl-report-comments");
    },
  );

  it("the API says why (forbidden, JSON error envelope)", async () => {
    const res = await call(who.coordinator, "GET", `/api/v1/pilots/${pilot.key}/summary/answers.csv?comments=1`);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("a researcher of the pilot gets the comments and the staff form", async () => {
    const csv = await (
      await call(who.researcher, "GET", `/api/v1/pilots/${pilot.key}/summary/answers.csv?comments=1`)
    ).text();
    expect(csv).toContain("VRIJE-TEKST-GEHEIM");
    const html = await (
      await call(who.researcher, "GET", `/api/v1/pilots/${pilot.key}/summary/report.html?comments=1`)
    ).text();
    expect(html).toContain("VRIJE-TEKST-GEHEIM");
    const form = await call(who.researcher, "GET", `/api/v1/pilots/${pilot.key}/participants/${code}/forms/background`);
    expect(form.status).toBe(200);
    expect(await form.json()).toMatchObject({ form: "background", data: { referralReason: "VERWIJZING-GEHEIM" } });
    const page = await call(who.researcher, "GET", `/staff/pilots/${pilot.key}/youths/${code}`);
    expect(await page.text()).toContain("VRIJE-TEKST-GEHEIM");
  });
});

describe("reads are audited", () => {
  it(
    "a youth's page, her staff form (page and API), her " + "record and every download leave a row with the reader",
    async () => {
      const r = who.researcher;
      const actor = `staff:${r.userId}`;
      const reads: [string, string][] = [
        [`/staff/pilots/${pilot.key}/youths/${code}`, "participant.view"],
        [`/staff/pilots/${pilot.key}/youths/${code}/forms/risl`, "staff_form.read"],
        [`/api/v1/pilots/${pilot.key}/participants/${code}/forms/background`, "staff_form.read"],
        [`/api/v1/pilots/${pilot.key}/participants/${code}`, "participant.read"],
        [`/api/v1/pilots/${pilot.key}/summary/answers.csv?comments=1`, "export.answers_csv"],
        [`/api/v1/pilots/${pilot.key}/summary/wide.csv`, "export.wide_csv"],
      ];
      for (const [path, action] of reads) {
        const before = (await auditRows(action)).filter((a) => a.actorId === actor).length;
        const res = await call(r, "GET", path);
        expect(res.status, path).toBe(200);
        await res.body?.cancel();
        const rows = (await auditRows(action)).filter((a) => a.actorId === actor);
        expect(rows.length, `${path} → ${action}`).toBe(before + 1);
        if (action.startsWith("participant") || action.startsWith("staff_form")) expect(rows.at(-1)!.target).toBe(code);
      }
      const forms = (await auditRows("staff_form.read")).map((a) => a.details as { form: string; found: boolean });
      expect(forms).toEqual(
        expect.arrayContaining([
          { form: "risl", found: false },
          { form: "background", found: true },
        ]),
      );
    },
  );
});
