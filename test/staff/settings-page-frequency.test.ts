// How often per questionnaire on the pilot-settings page (DESIGN.md §2), in workerd against D1: a frequent
// instrument at every k-th short questionnaire (schedule.instrumentEvery) and a wave instrument also every N
// weeks (schedule.waveSchedules) — shown as stored, saved through the same checks as the API, cleared by an
// empty field; bad values and forged instrument fields refused beside the field with nothing stored.
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { formIn, settingsPageFixture, withChanges } from "./settings-page-form";

type Schedule = { instrumentEvery?: Record<string, number>; waveSchedules?: Record<string, { everyWeeks: number }> };

const fx = settingsPageFixture({
  waveInstruments: ["gcir", "tasc"],
  schedule: { instrumentEvery: { basisbehoeften: 3 } },
});
const { settingsOf, audits, page, post } = fx;
const scheduleOf = async () => ((await settingsOf()) as { schedule: Schedule }).schedule;

/** Posts the page's own form with `changes` and expects it stored (303 to ?saved=1). */
async function save(changes: Record<string, string | string[]>) {
  const res = await post(withChanges(formIn(await page()), changes));
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe(`/staff/pilots/${fx.pilot.key}/settings?saved=1`);
}

describe("how often per questionnaire on the settings page", () => {
  it("shows a field per instrument the pilot asks, named and with what is stored", async () => {
    const html = await page();
    const form = new Map(formIn(html));
    expect(form.get("instrumentEvery.welzijn")).toBe("");
    expect(form.get("instrumentEvery.functioneren")).toBe("");
    expect(form.get("instrumentEvery.basisbehoeften")).toBe("3");
    expect(form.get("instrumentEvery.pilot_fier")).toBe("");
    expect(form.get("waveEvery.gcir")).toBe("");
    expect(form.get("waveEvery.tasc")).toBe("");
    expect([...form.keys()].filter((k) => /^(instrumentEvery|waveEvery)\./.test(k))).toHaveLength(6);
    const fieldset = html.slice(
      html.indexOf('id="frequency-settings"'),
      html.indexOf("</fieldset>", html.indexOf('id="frequency-settings"')),
    );
    expect(fieldset).toContain("Hoe vaak per vragenlijst");
    // the instrument's display name (instruments.name) with its key, Dutch
    expect(fieldset).toContain(
      ">Hoe gaat het? (welzijn): bij elke zoveelste korte meting (leeg of 1 = elke keer)</label>",
    );
    expect(fieldset).toContain(
      ">Vragenlijst over jouw begeleider (tasc): ook elke zoveel weken (leeg = alleen bij T1/T2/T3)</label>",
    );
    // bounds from the API's schema; not required (empty = every time / only at the waves)
    expect(fieldset).toMatch(
      /id="instrumentEvery\.welzijn" name="instrumentEvery\.welzijn" type="number" [^>]*min="1" max="12"/,
    );
    expect(fieldset).toMatch(/id="waveEvery\.tasc" name="waveEvery\.tasc" type="number" [^>]*min="4" max="26"/);
    expect(fieldset).not.toMatch(/id="waveEvery\.tasc"[^>]*required/);
  });

  it("stores exactly what was set, shows it back, and an emptied field removes the instrument's entry", async () => {
    const before = (await audits()).length;
    await save({ "instrumentEvery.functioneren": "2", "waveEvery.tasc": "8" });
    expect(await scheduleOf()).toEqual({
      instrumentEvery: { basisbehoeften: 3, functioneren: 2 },
      waveSchedules: { tasc: { everyWeeks: 8 } },
    });
    const log = await audits();
    expect(log.length).toBe(before + 1);
    expect((log.at(-1)!.details as { fields: string[] }).fields).toEqual(["schedule"]);
    const api = (await (await call(fx.researcher, "GET", `/api/v1/pilots/${fx.pilot.key}/settings`)).json()) as {
      schedule: Schedule;
    };
    expect(api.schedule.instrumentEvery).toEqual({ basisbehoeften: 3, functioneren: 2 });
    expect(api.schedule.waveSchedules).toEqual({ tasc: { everyWeeks: 8 } });
    const shown = new Map(formIn(await page()));
    expect(shown.get("instrumentEvery.functioneren")).toBe("2");
    expect(shown.get("waveEvery.tasc")).toBe("8");
    expect(shown.get("waveEvery.gcir")).toBe("");

    await save({ "instrumentEvery.basisbehoeften": "", "waveEvery.tasc": " " });
    expect(await scheduleOf()).toEqual({ instrumentEvery: { functioneren: 2 }, waveSchedules: {} });
    await save({ "instrumentEvery.functioneren": "" });
    expect(await scheduleOf()).toEqual({ instrumentEvery: {}, waveSchedules: {} });
    const cleared = new Map(formIn(await page()));
    expect(cleared.get("instrumentEvery.functioneren")).toBe("");
    expect(cleared.get("instrumentEvery.basisbehoeften")).toBe("");
  });

  it("a form without the frequency fields (opened before they existed) leaves them as stored", async () => {
    const form = withChanges(
      formIn(await page()).filter(([k]) => !/^(instrumentEvery|waveEvery)\./.test(k)),
      { maxReminders: "2" },
    );
    expect((await post(form)).status).toBe(303);
    expect(await scheduleOf()).toEqual({ instrumentEvery: { basisbehoeften: 3 } });
  });

  const refused: [string, string, string, string][] = [
    [
      "every 0th",
      "instrumentEvery.functioneren",
      "0",
      "Vul een heel getal in van 1 tot en met 12. Of laat het veld leeg.",
    ],
    ["every 13th", "instrumentEvery.functioneren", "13", "van 1 tot en met 12"],
    ["a negative number", "instrumentEvery.functioneren", "-1", "van 1 tot en met 12"],
    ["a fraction", "instrumentEvery.functioneren", "2.5", "van 1 tot en met 12"],
    ["text", "instrumentEvery.functioneren", "abc", "van 1 tot en met 12"],
    ["an over-long number", "instrumentEvery.functioneren", "2".repeat(40), "van 1 tot en met 12"],
    ["every 3 weeks", "waveEvery.tasc", "3", "Vul een heel getal in van 4 tot en met 26. Of laat het veld leeg."],
    ["every 27 weeks", "waveEvery.tasc", "27", "van 4 tot en met 26"],
    ["weeks as text", "waveEvery.gcir", "acht", "van 4 tot en met 26"],
  ];
  it.each(refused)(
    "refuses %s beside the field, shown back as typed; nothing stored",
    async (_n, field, value, message) => {
      const before = JSON.stringify(await settingsOf());
      const n = (await audits()).length;
      const res = await post(withChanges(formIn(await page()), { [field]: value, maxReminders: "2" }));
      expect(res.status).toBe(400);
      const html = await res.text();
      const id = field.replace(".", "\\.");
      expect(html).toMatch(
        new RegExp(`<input id="${id}"[^>]*value="${value.replace(".", "\\.")}"[^>]*aria-invalid="true"`),
      );
      expect(html).toMatch(new RegExp(`id="${id}-error">[^<]*${message.replace(/\./g, "\\.")}`));
      const summary = html.slice(
        html.indexOf('id="settings-errors"'),
        html.indexOf("</div>", html.indexOf('id="settings-errors"')),
      );
      expect(summary).toContain(`href="#${field}"`);
      expect(summary).toContain(field.split(".")[1]);
      expect(JSON.stringify(await settingsOf())).toBe(before);
      expect((await audits()).length).toBe(n);
    },
  );

  const forged: [string, string][] = [
    ["a wave instrument as a frequent one", "instrumentEvery.gcir"],
    ["an instrument that does not exist", "waveEvery.bestaatniet"],
    ["a frequent instrument as a wave one", "waveEvery.welzijn"],
    ["an over-long instrument key", `instrumentEvery.${"x".repeat(70)}`],
  ];
  it.each(forged)("refuses a field naming %s, nothing stored", async (_n, field) => {
    const before = JSON.stringify(await settingsOf());
    const n = (await audits()).length;
    const res = await post(withChanges(formIn(await page()), { [field]: "8" }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`id="${field}-error">Deze pilot vraagt deze vragenlijst niet.</span>`);
    const summary = html.slice(
      html.indexOf('id="settings-errors"'),
      html.indexOf("</div>", html.indexOf('id="settings-errors"')),
    );
    expect(summary).toContain(field.slice(field.indexOf(".") + 1));
    expect(JSON.stringify(await settingsOf())).toBe(before);
    expect((await audits()).length).toBe(n);
  });

  it("refuses a field sent twice instead of reading it as empty (which would clear the stored value)", async () => {
    const before = JSON.stringify(await settingsOf());
    const res = await post(withChanges(formIn(await page()), { "instrumentEvery.basisbehoeften": ["3", "4"] }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('id="instrumentEvery.basisbehoeften-error"');
    expect(JSON.stringify(await settingsOf())).toBe(before);
  });

  it("refuses a wave interval that would not come once within the study (whole-pilot check)", async () => {
    const before = JSON.stringify(await settingsOf());
    const res = await post(withChanges(formIn(await page()), { studyLengthDays: "40", "waveEvery.tasc": "6" }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      'id="waveEvery.tasc-error">Komt niet één keer binnen de duur van de pilot per jongere.</span>',
    );
    expect(JSON.stringify(await settingsOf())).toBe(before);
    // within the study it is stored
    await save({ studyLengthDays: "42", "waveEvery.tasc": "6" });
    expect((await scheduleOf()).waveSchedules).toEqual({ tasc: { everyWeeks: 6 } });
  });

  it("a coordinator sees them read-only and cannot change them", async () => {
    const html = await page(fx.coordinator);
    expect(html).toMatch(/id="instrumentEvery\.basisbehoeften"[^>]*value="3"[^>]*disabled/);
    expect(html).toMatch(/id="waveEvery\.tasc"[^>]*disabled/);
    const before = JSON.stringify(await settingsOf());
    const res = await post(new URLSearchParams({ "instrumentEvery.functioneren": "2" }), fx.coordinator);
    expect(res.status).toBe(403);
    expect(JSON.stringify(await settingsOf())).toBe(before);
  });
});
