// The pilot-settings page of the workspace, in workerd against D1: values shown, a change stored and
// audited (only what changed), every kind of bad input refused beside its field with nothing stored,
// coordinators read-only.
import { describe, expect, it } from "vitest";
import { BASE, call } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { formIn, settingsPageFixture, withChanges } from "./settings-page-form";

const fx = settingsPageFixture();
const { settingsOf, audits, page, post } = fx;

describe("pilot settings page", () => {
  it("shows the effective values and the bounds of the API's schema", async () => {
    const html = await page();
    const form = new Map(formIn(html));
    expect(form.get("frequentIntervalDays")).toBe("14");
    expect(form.get("frequentWindowDays")).toBe("10");
    expect(form.get("waveT2")).toBe("182");
    expect(form.get("waveT3")).toBe("365");
    expect(form.get("quietStart")).toBe("21:00");
    expect(form.get("quietEnd")).toBe("08:00");
    expect(
      formIn(html)
        .filter(([k]) => k === "quietWeekdays")
        .map(([, v]) => v),
    ).toEqual(["7"]);
    expect(form.has("mentorAfterLastReminder")).toBe(false);
    expect(html).toMatch(
      new RegExp(
        'id="frequentIntervalDays" name="frequentIntervalDays" type="number" inputmode="numeric" ' +
          'step="1" min="14" max="28"',
      ),
    );
    expect(html).toContain('id="settings-submit"');
    expect(html).toMatch(/<td>Europe\/Amsterdam<\/td>/);
    const list = await (await call(fx.researcher, "GET", `/staff/pilots/${fx.pilot.key}`)).text();
    expect(list).toContain(`href="/staff/pilots/${fx.pilot.key}/settings"`);
  });

  it("a researcher's change is stored, audited with only the changed parts, and shown back", async () => {
    const before = (await audits()).length;
    const form = withChanges(formIn(await page()), {
      frequentIntervalDays: "21",
      frequentWindowDays: "14",
      maxReminders: "2",
      quietWeekdays: ["6", "7"],
      mentorAfterLastReminder: "1",
      senderName: "Team Vragenlijst",
    });
    const res = await post(form);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/staff/pilots/${fx.pilot.key}/settings?saved=1`);
    const stored = (await settingsOf()) as {
      senderName: string;
      schedule: Record<string, unknown>;
      reminders: Record<string, unknown>;
    };
    expect(stored.senderName).toBe("Team Vragenlijst");
    expect(stored.schedule).toMatchObject({ frequentIntervalDays: 21, frequentWindowDays: 14 });
    expect(stored.schedule).not.toHaveProperty("waveOffsetsDays");
    expect(stored.reminders).toEqual({ maxReminders: 2, quietWeekdays: [6, 7], mentorAfterLastReminder: true });
    expect(stored).not.toHaveProperty("quickExitUrl");
    const log = await audits();
    expect(log.length).toBe(before + 1);
    expect((log.at(-1)!.details as { fields: string[] }).fields.sort()).toEqual([
      "reminders",
      "schedule",
      "senderName",
    ]);

    const api = (await (await call(fx.researcher, "GET", `/api/v1/pilots/${fx.pilot.key}/settings`)).json()) as {
      schedule: { frequentIntervalDays: number };
      reminders: { maxReminders: number };
    };
    expect(api.schedule.frequentIntervalDays).toBe(21);
    expect(api.reminders.maxReminders).toBe(2);
    const shown = await (await call(fx.researcher, "GET", `/staff/pilots/${fx.pilot.key}/settings?saved=1`)).text();
    expect(shown).toContain('id="settings-notice"');
    expect(new Map(formIn(shown)).get("frequentIntervalDays")).toBe("21");
    expect(new Map(formIn(shown)).get("mentorAfterLastReminder")).toBe("1");
  });

  it("posting the form unchanged stores and audits nothing", async () => {
    const before = JSON.stringify(await settingsOf());
    const n = (await audits()).length;
    const res = await post(new URLSearchParams(formIn(await page())));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/staff/pilots/${fx.pilot.key}/settings?saved=0`);
    expect(JSON.stringify(await settingsOf())).toBe(before);
    expect((await audits()).length).toBe(n);
  });

  const refused: [string, Record<string, string | string[]>, string][] = [
    ["interval above 28", { frequentIntervalDays: "30" }, "frequentIntervalDays"],
    ["interval below 14", { frequentIntervalDays: "7" }, "frequentIntervalDays"],
    ["interval as text", { frequentIntervalDays: "twee weken" }, "frequentIntervalDays"],
    ["interval as a fraction", { frequentIntervalDays: "14.5" }, "frequentIntervalDays"],
    ["interval in exponent notation", { frequentIntervalDays: "2e1" }, "frequentIntervalDays"],
    ["interval empty", { frequentIntervalDays: "" }, "frequentIntervalDays"],
    ["negative reminder count", { maxReminders: "-1" }, "maxReminders"],
    ["huge number", { studyLengthDays: "99999999999" }, "studyLengthDays"],
    ["window longer than the interval (whole-pilot check)", { frequentWindowDays: "25" }, "frequentWindowDays"],
    ["T3 before T2 (whole-pilot check)", { waveT3: "100" }, "waveT3"],
    ["quiet hours not a time", { quietStart: "25:00" }, "quietStart"],
    ["quiet hours end as text", { quietEnd: "morgen" }, "quietEnd"],
    ["every day quiet", { quietWeekdays: ["1", "2", "3", "4", "5", "6", "7"] }, "quietWeekdays"],
    ["a weekday that does not exist", { quietWeekdays: ["8"] }, "quietWeekdays"],
    ["sender name with a word that gives a youth away", { senderName: "Team Slachtofferhulp" }, "senderName"],
    ["sender name with markup", { senderName: "<script>alert(1)</script>" }, "senderName"],
    ["sender name empty", { senderName: "   " }, "senderName"],
    ["sender name too long", { senderName: "x".repeat(61) }, "senderName"],
    ["sender name sent twice", { senderName: ["Team A", "Team B"] }, "senderName"],
    ["sender name with a double quote", { senderName: 'Team "Vragenlijst"' }, "senderName"],
    [
      "sender name with a line break (header injection)",
      { senderName: "Team\r\nBcc: someone@example.test" },
      "senderName",
    ],
    ["sender name with a bare line feed", { senderName: "Team\nVragenlijst" }, "senderName"],
    ["sender name with a tab", { senderName: "Team\tVragenlijst" }, "senderName"],
    ["sender name with a C1 control (NEL)", { senderName: "Team\u0085Vragenlijst" }, "senderName"],
    ["sender name with a NUL", { senderName: "Team\u0000" + "Vragenlijst" }, "senderName"],
    ["sender name with a line separator", { senderName: "Team\u2028Vragenlijst" }, "senderName"],
    ["quick exit to a script address", { quickExitUrl: "javascript:alert(1)" }, "quickExitUrl"],
    ["quick exit not an address", { quickExitUrl: "weg hier" }, "quickExitUrl"],
  ];
  it.each(refused)("refuses %s beside the field and stores nothing", async (_name, changes, field) => {
    const before = JSON.stringify(await settingsOf());
    const n = (await audits()).length;
    const res = await post(withChanges(formIn(await page()), changes));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="settings-errors"');
    expect(html).toContain(`id="${field}-error"`);
    // "s": a refused value may hold a line break
    if (field !== "quietWeekdays")
      expect(html).toMatch(new RegExp(`<input id="${field}"(?:(?!/>).)*aria-invalid="true"`, "s"));
    expect(html).not.toContain("<script>alert(1)");
    expect(JSON.stringify(await settingsOf())).toBe(before);
    expect((await audits()).length).toBe(n);
  });

  it("shows a refused value back as typed, escaped", async () => {
    const res = await post(withChanges(formIn(await page()), { senderName: '"><script>alert(1)</script>' }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('value="&quot;>&lt;script>alert(1)&lt;/script>"');
  });

  it(
    "a stale edit (someone saved after the form was opened) gets 409 with " +
      "the current values and a notice, Dutch first; nothing of it is stored",
    async () => {
      const other = await sessionFor((await staffUser({ roles: [{ role: "researcher", pilotId: fx.pilot.id }] })).id);
      const mine = formIn(await page()); // opened first
      expect(new Map(mine).get("settingsVersion")).toMatch(/^[0-9a-f]{24}$/);
      // the other researcher opens, changes and saves
      expect((await post(withChanges(formIn(await page(other)), { maxReminders: "4" }), other)).status).toBe(303);
      const saved = JSON.stringify(await settingsOf());
      const n = (await audits()).length;
      // mine, based on the old values, changes another field and the same one
      const res = await post(withChanges(mine, { maxReminders: "1", minSpacingDays: "5" }));
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain('id="settings-stale"');
      const notice = html.slice(html.indexOf('id="settings-stale"'));
      expect(notice.indexOf("Iemand anders heeft deze instellingen gewijzigd")).toBeGreaterThan(-1);
      expect(notice.indexOf("Iemand anders")).toBeLessThan(notice.indexOf("Someone else changed these settings"));
      // the form shows the values stored now, with their version, so the next save is based on them
      const shown = new Map(formIn(html));
      expect(shown.get("maxReminders")).toBe("4");
      expect(shown.get("settingsVersion")).not.toBe(new Map(mine).get("settingsVersion"));
      expect(JSON.stringify(await settingsOf())).toBe(saved);
      expect((await audits()).length).toBe(n);
      // reapplied on the current values, it is stored
      expect((await post(withChanges(formIn(html), { minSpacingDays: "5" }))).status).toBe(303);
      expect(((await settingsOf()) as { reminders: Record<string, unknown> }).reminders).toMatchObject({
        maxReminders: 4,
        minSpacingDays: 5,
      });
    },
  );

  it("a refused form keeps the version it was opened with", async () => {
    const mine = formIn(await page());
    const res = await post(withChanges(mine, { frequentIntervalDays: "99" }));
    expect(res.status).toBe(400);
    expect(new Map(formIn(await res.text())).get("settingsVersion")).toBe(new Map(mine).get("settingsVersion"));
  });

  it("a coordinator sees the values read-only and cannot post", async () => {
    const html = await page(fx.coordinator);
    expect(html).toContain('id="settings-readonly"');
    expect(html).not.toContain('id="settings-submit"');
    expect(html).toMatch(/id="frequentIntervalDays"[^>]*disabled/);
    const before = JSON.stringify(await settingsOf());
    const res = await post(new URLSearchParams({ frequentIntervalDays: "28" }), fx.coordinator);
    expect(res.status).toBe(403);
    expect(JSON.stringify(await settingsOf())).toBe(before);
  });

  it("refuses a post without the CSRF token and an oversized form", async () => {
    const before = JSON.stringify(await settingsOf());
    const form = withChanges(formIn(await page()), { frequentIntervalDays: "28" });
    form.delete("_csrf");
    expect(
      (
        await call(fx.researcher, "POST", `/staff/pilots/${fx.pilot.key}/settings`, form, {
          csrf: false,
          headers: { origin: BASE },
        })
      ).status,
    ).toBe(403);
    const big = withChanges(formIn(await page()), { frequentIntervalDays: "28", senderName: "x".repeat(10 * 1024) });
    expect((await post(big)).status).toBe(413);
    expect(JSON.stringify(await settingsOf())).toBe(before);
  });
});
