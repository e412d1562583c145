// Issue 16 items 1 and 2: the demo pilots' integral and appendix tables rebuilt through the real worker and
// D1 and checked against the report's structure (table 3.3: column groups and order, nr marks, the
// group-mean row; Bijlage 1: group means, TASC first/last), table 3.1 with derived months and small-cell
// protection, no free text in any summary, RIS-L cut-offs from the study group, bands readable without
// colour, Dutch numbers and local time.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bandOwnGroupPercentiles, quantileType7 } from "../../worker/analysis/bands";
import { DEMO_PILOTS, seedDemo } from "../../worker/demo/seed";
import { formatNumber } from "../../core/format";
import type { Summary } from "../../worker/reports/summary";
import { BACKGROUND_OPTIONS, rislSum } from "../../schema/staff-forms";
import { backgroundForm, rislForm } from "../../worker/studies/validators";
import { BASE } from "../support/http";
import { devAdmin } from "../support/staff";

const get = (path: string) => exports.default.fetch(`${BASE}${path}`, { headers: devAdmin() });
const send = (method: string, path: string, body: unknown) =>
  exports.default.fetch(`${BASE}${path}`, {
    method,
    body: JSON.stringify(body),
    headers: { ...devAdmin(), "content-type": "application/json" },
  });
const summaryOf = async (key: string) =>
  (await (await get(`/api/v1/pilots/${key}/summary/summary.json`)).json()) as Summary;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Report table 3.3 per pilot: the four column groups and their columns, in the report's order. */
function expectedColumns(key: string, pilotItems: string[]): [string, string[]][] {
  const waveInstrument = key === "fier" || key === "sterkhuis" ? "atmq" : "tasc";
  return [
    ["target", ["risl.signals", "risl.risks", "risl.protective"]],
    ["treatment", ["gcir.totaal", "basisbehoeften", `${waveInstrument}.totaal`]],
    ["pilot", pilotItems],
    ["outcomes", ["welzijn", "functioneren"]],
  ];
}
const PILOT_ITEMS: Record<string, string[]> = {
  fier: ["toekomst", "talenten", "motivatie_school"], // the yes/no item 4 is counted in the appendix, not in table 3.3
  gezinshuizen: ["na_gezinshuis", "terecht", "contact_houden"],
  sterkhuis: ["toekomst", "begeleiding", "contact", "terugblik"],
  viajeugd: ["therapie", "toevoeging", "kant", "veranderen", "samenwerken"],
};

const summaries = new Map<string, Summary>();
const pages = new Map<string, string>();

beforeAll(async () => {
  await seedDemo(env.DB, env, Date.now());
  for (const p of DEMO_PILOTS) {
    summaries.set(p.key, await summaryOf(p.key));
    pages.set(p.key, await (await get(`/reports/pilots/${p.key}`)).text());
  }
});

/** The text between `<table id="…">` / the n-th `<table class="…"` and its `</table>`. */
const tableHtml = (html: string, marker: string, from = 0) => {
  const i = html.indexOf(marker, from);
  return i < 0 ? "" : html.slice(i, html.indexOf("</table>", i));
};

describe.each(DEMO_PILOTS.map((p) => [p.key, p.youths] as [string, number]))(
  "demo pilot %s: tables as the report's",
  (key, youths) => {
    it(
      "integral table: the report's column groups and order, a " +
        "section header row, one row per youth and the group-mean row",
      async () => {
        const s = summaries.get(key)!;
        const items = (await import("../../schema/instruments/definitions"))
          .frequentIndicators(key)
          .filter((i) => i.instrument === `pilot_${key}` && i.aggregate === "mean")
          .map((i) => i.key);
        expect(items.map((k) => k.split(".")[1])).toEqual(PILOT_ITEMS[key]);
        const expected = expectedColumns(key, items);
        expect(s.integral.columns.map((c) => [c.section, c.key])).toEqual(
          expected.flatMap(([sec, keys]) => keys.map((k) => [sec, k])),
        );
        expect(s.integral.rows.length).toBe(youths);

        const html = tableHtml(pages.get(key)!, 'id="integral-table"');
        const sections = [
          ...html.matchAll(/<th class="sec" colspan="(\d+)" scope="colgroup" data-section="(\w+)">([^<]+)</g),
        ].map((m) => [m[2], Number(m[1]), m[3]]);
        expect(sections).toEqual([
          ["target", 3, "Doelgroepkenmerken"],
          ["treatment", 3, "Behandelkenmerken"],
          ["pilot", PILOT_ITEMS[key]!.length, "Pilotspecifieke kenmerken"],
          ["outcomes", 2, "Uitkomsten"],
        ]);
        expect([...html.matchAll(/data-col="([^"]+)"/g)].map((m) => m[1])).toEqual(
          s.integral.columns.map((c) => c.key),
        );
        // the column header row + youths (section and mean rows have a class)
        expect(html.match(/<tr>/g)!.length).toBe(youths + 1);
        const meanRow = html.slice(html.indexOf('<tr class="mean">'));
        expect(meanRow).toContain("Groepsgemiddelde");
        expect(meanRow.match(/<td/g)!.length).toBe(s.integral.columns.length + 1);
      },
    );

    it(
      "integral group means are the means of the shown cells; empty cells " +
        "say nr only when a due wave or frequent occasion went unanswered",
      () => {
        const s = summaries.get(key)!;
        for (const col of s.integral.columns) {
          const values = s.integral.rows.map((r) => r.cells[col.key]!.value).filter((v): v is number => v !== null);
          const gm = s.integral.groupMean[col.key]!;
          expect(gm.n, col.key).toBe(values.length);
          if (values.length) expect(gm.value!, col.key).toBeCloseTo(mean(values), 12);
          else expect(gm.value).toBeNull();
        }
        for (const t of s.waveTables.filter((x) => x.subscale === "totaal")) {
          t.rows.forEach((row, i) => {
            const cell = s.integral.rows[i]!.cells[`${t.instrument}.totaal`]!;
            const missed = (["T1", "T2", "T3"] as const).some((w) => row.scores[w].nonResponse);
            if (cell.value === null) expect(cell.mark === "nr", `${row.code} ${t.instrument}`).toBe(missed);
            else expect(cell.mark).toBeUndefined();
          });
        }
      },
    );

    it(
      "appendix tables: a group-mean row in every table; " + "TASC as first and last measurement (Bijlage 1 table 4)",
      () => {
        const s = summaries.get(key)!;
        const html = pages.get(key)!;
        for (const t of s.waveTables) {
          for (const w of ["T1", "T2", "T3"] as const) {
            const xs = t.rows.map((r) => r.scores[w].value).filter((v): v is number => v !== null);
            expect(t.groupMean[w].n).toBe(xs.length);
            if (xs.length) expect(t.groupMean[w].value!).toBeCloseTo(mean(xs), 12);
          }
          expect(t.layout).toBe(t.instrument === "tasc" ? "firstLast" : "waves");
          const table = tableHtml(html, `data-instrument="${t.instrument}" data-subscale="${t.subscale}"`);
          expect(table, `${t.instrument}.${t.subscale}`).toContain('<tr class="mean">');
          if (t.layout === "firstLast") {
            expect(table).toContain("1e meting");
            expect(table).toContain("Laatste meting");
            for (const r of t.rows) {
              const answered = (["T1", "T2", "T3"] as const).filter((w) => r.scores[w].value !== null);
              expect(r.firstLast!.first?.wave ?? null).toBe(answered[0] ?? null);
              expect(r.firstLast!.last?.wave ?? null).toBe(answered.length > 1 ? answered[answered.length - 1] : null);
            }
            const lasts = t.rows.map((r) => r.firstLast!.last?.value).filter((v): v is number => v !== undefined);
            if (lasts.length) expect(t.groupMean.last.value!).toBeCloseTo(mean(lasts), 12);
          } else expect(t.rows.every((r) => r.firstLast === undefined)).toBe(true);
        }
        expect(s.waveTables.some((t) => t.instrument === "tasc")).toBe(key === "gezinshuizen" || key === "viajeugd");
        for (const ft of s.frequentTables) {
          const measured = ft.rows.filter((r) => r.n > 0);
          if (measured.length) {
            expect(ft.groupMean.n!).toBeCloseTo(mean(measured.map((r) => r.n)), 12);
            expect(ft.groupMean.mean!).toBeCloseTo(mean(measured.map((r) => r.mean!)), 12);
          }
          expect(tableHtml(html, `data-indicator="${ft.indicator}"`)).toContain('<tr class="mean">');
        }
      },
    );

    it(
      "every band reads without colour: each coloured cell carries " +
        "its letter, and the legend says what green means per column",
      () => {
        const html = pages.get(key)!;
        const cells = [...html.matchAll(/<td class="b-(high|middle|low)"[^>]*>(.*?)<\/td>/g)];
        expect(cells.length).toBeGreaterThan(youths);
        const letter = { high: "H", middle: "G", low: "L" } as const;
        for (const [, band, inner] of cells)
          expect(inner, band).toContain(
            `<span class="bl" ` +
              `title="${band === "high" ? "hoog (groen)" : band === "middle" ? "gemiddeld (geel)" : "laag (roze)"}">` +
              `${letter[band as keyof typeof letter]}</span>`,
          );
        const s = summaries.get(key)!;
        const rules = html.slice(html.indexOf('id="integral-rules"'));
        for (const col of s.integral.columns.filter((c) => c.bandRule))
          expect(rules).toContain(`<li data-rule="${col.label.nl}">`);
        expect(rules).toContain("hoog (groen) (H) = gemiddeld 7 of hoger");
        expect(s.integral.columns.find((c) => c.key === "welzijn")!.bandRule!.high.nl).toBe("gemiddeld 7 of hoger");
        expect(html).toContain("Elke gekleurde cel draagt ook een letter");
      },
    );

    it(
      "numbers with a decimal comma in Dutch (a point " + "in English); the report's time in the pilot's zone",
      async () => {
        const html = tableHtml(pages.get(key)!, 'id="integral-table"');
        const numbers = [...html.matchAll(/<td class="b-\w+" data-band="\w+">(-?\d+(?:[.,]\d+)?)/g)].map((m) => m[1]!);
        expect(numbers.length).toBeGreaterThan(0);
        expect(numbers.filter((n) => n.includes("."))).toEqual([]);
        expect(numbers.some((n) => n.includes(","))).toBe(true);
        const page = pages.get(key)!;
        // plot axes
        expect([...page.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].filter((m) => /\d\.\d/.test(m[1]!))).toEqual([]);
        expect([...page.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].filter((m) => /\d\.\d/.test(m[1]!))).toEqual(
          [],
        );
        const en = tableHtml(await (await get(`/reports/pilots/${key}?lang=en`)).text(), 'id="integral-table"');
        expect(
          [...en.matchAll(/<td class="b-\w+" data-band="\w+">(-?\d+(?:[.,]\d+)?)/g)].some((m) => m[1]!.includes(",")),
        ).toBe(false);
        const report = await (await get(`/api/v1/pilots/${key}/summary/report.html`)).text();
        expect(report).toMatch(/Gemaakt op \d{2}-\d{2}-\d{4},? \d{2}:\d{2} \(Europe\/Amsterdam\)/);
        expect(report).not.toContain(" UTC ·");
      },
    );
  },
);

describe("background table 3.1 and small cells", () => {
  it("the demo's forms are valid staff forms", async () => {
    const forms = await env.DB.prepare("SELECT form, data FROM staff_forms").all<{ form: string; data: string }>();
    expect(forms.results.length).toBeGreaterThan(40);
    for (const f of forms.results)
      expect((f.form === "risl" ? rislForm : backgroundForm).safeParse(JSON.parse(f.data)).success, f.data).toBe(true);
  });

  it("has the derived months rows, fixed options only, and no count below the minimum in any summary", async () => {
    for (const p of DEMO_PILOTS) {
      const b = summaries.get(p.key)!.background!;
      expect(b.minCellSize).toBe(3);
      expect(b.numeric.map((x) => x.field)).toEqual(["ageAtPilotStart", "monthsBeforePilot", "monthsInPilot"]);
      expect(b.numeric.map((x) => x.label.nl)).toEqual([
        "Leeftijd start pilot",
        "Aantal maanden in instelling voor start pilot",
        "Aantal maanden verblijf in pilot",
      ]);
      for (const x of b.numeric) {
        if (x.suppressed) expect([x.count, x.mean, x.min, x.max]).toEqual([null, null, null, null]);
        else expect(x.count!).toBeGreaterThanOrEqual(3);
      }
      for (const c of b.categorical) {
        const allowed = BACKGROUND_OPTIONS[c.field as keyof typeof BACKGROUND_OPTIONS].map((o) => o.key as string);
        for (const x of c.counts) {
          expect(allowed, `${c.field}=${x.value}`).toContain(x.value);
          if (x.suppressed) expect(x.count).toBeNull();
          else expect(x.count!, `${p.key} ${c.field}=${x.value}`).toBeGreaterThanOrEqual(3);
        }
      }
      // Table 3.2 (problems at referral) is its own row group, last, in the list's order (the demo fills it).
      const problems = b.categorical.at(-1)!;
      expect(problems.field).toBe("referralProblems");
      expect(problems.label.nl).toBe("Problematiek bij aanmelding");
      const order = BACKGROUND_OPTIONS.referralProblems.map((o) => o.key as string);
      const values = problems.counts.map((x) => x.value);
      expect(values).toEqual([...values].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
      const group = tableHtml(pages.get(p.key)!, 'id="background-categorical"');
      expect(group).toContain('<tbody data-field="referralProblems">');
      expect(group).toContain("Problematiek bij aanmelding");
      // Via Jeugd has 5 youths: some category there must be withheld, and the page says "< 3".
      if (p.key === "viajeugd") {
        expect(b.categorical.some((c) => c.counts.some((x) => x.suppressed))).toBe(true);
        expect(await (await get(`/api/v1/pilots/${p.key}/summary/report.html`)).text()).toContain("<td>&lt; 3</td>");
        expect(pages.get(p.key)!).toContain("<td>&lt; 3</td>"); // the coordinator page shows table 3.1 too
      }
    }
  });

  it("no free text and no background date reaches any summary, page or download", async () => {
    const forms = await env.DB.prepare("SELECT data FROM staff_forms WHERE form = 'background'").all<{
      data: string;
    }>();
    const dates = forms.results.map((f) => (JSON.parse(f.data) as { careStartDate: string }).careStartDate);
    expect(forms.results.some((f) => f.data.includes("demo: andere opleiding"))).toBe(true);
    for (const p of DEMO_PILOTS) {
      const texts = [JSON.stringify(summaries.get(p.key)), pages.get(p.key)!];
      for (const d of ["report.html", "wide.csv", "codebook.csv", "indicators.csv"])
        texts.push(await (await get(`/api/v1/pilots/${p.key}/summary/${d}`)).text());
      texts.push(await (await get("/reports")).text());
      for (const text of texts) {
        expect(text).not.toContain("andere opleiding");
        for (const d of dates) expect(text).not.toContain(d);
      }
    }
  });

  it(
    "the minimum cell size is a pilot setting: 1 shows every count, " +
      "6 withholds more; bad values are refused and change nothing",
    async () => {
      const key = "gezinshuizen";
      const at = (s: Summary) => s.background!.categorical.flatMap((c) => c.counts.map((x) => x.count));
      expect((await send("PUT", `/api/v1/pilots/${key}/settings`, { reports: { minCellSize: 1 } })).status).toBe(200);
      const loose = await summaryOf(key);
      expect(loose.settings.minCellSize).toBe(1);
      expect(at(loose).every((c) => c !== null)).toBe(true);
      expect(at(loose).some((c) => c! < 3)).toBe(true);
      expect((await send("PUT", `/api/v1/pilots/${key}/settings`, { reports: { minCellSize: 6 } })).status).toBe(200);
      const strict = await summaryOf(key);
      expect(at(strict).every((c) => c === null || c >= 6)).toBe(true);
      for (const bad of [
        { minCellSize: 0 },
        { minCellSize: 21 },
        { minCellSize: "3" },
        { minCellSize: 2.5 },
        { rislNormGroup: "mars" },
        { colour: "red" },
      ]) {
        const r = await send("PUT", `/api/v1/pilots/${key}/settings`, { reports: bad });
        expect(r.status, JSON.stringify(bad)).toBe(400);
      }
      const settings = (await (await get(`/api/v1/pilots/${key}/settings`)).json()) as { reports: unknown };
      expect(settings.reports).toEqual({ minCellSize: 6, rislNormGroup: "study" });
      expect((await send("PUT", `/api/v1/pilots/${key}/settings`, { reports: { minCellSize: 3 } })).status).toBe(200);
    },
  );
});

describe("RIS-L cut-offs (report table 2.3)", () => {
  it("come from the study group (all pilots), or from the pilot's own group as a setting", async () => {
    const all = await env.DB.prepare(
      "SELECT f.data, pl.key FROM staff_forms f JOIN participants p ON p.id = " +
        "f.participant_id JOIN pilots pl ON pl.id = p.pilot_id WHERE f.form = 'risl'",
    ).all<{ data: string; key: string }>();
    const signals = (rows: { data: string }[]) =>
      rows.map((r) => rislSum((JSON.parse(r.data) as { signals: unknown }).signals));
    const study = signals(all.results);
    const own = signals(all.results.filter((r) => r.key === "sterkhuis"));
    const s = summaries.get("sterkhuis")!;
    const col = s.integral.columns.find((c) => c.key === "risl.signals")!;
    expect(col.bandRule!.high.nl).toContain(`onderzoeksgroep, alle pilots, n = ${study.length}`);
    expect(col.bandRule!.high.nl).toContain(
      `lager dan ${formatNumber(quantileType7(study as number[], 0.25), 2, "nl")}`,
    );
    for (const r of s.integral.rows)
      expect(r.cells["risl.signals"]!.band).toBe(bandOwnGroupPercentiles(r.cells["risl.signals"]!.value, study, false));

    expect(
      (await send("PUT", "/api/v1/pilots/sterkhuis/settings", { reports: { rislNormGroup: "pilot" } })).status,
    ).toBe(200);
    const mine = await summaryOf("sterkhuis");
    expect(mine.settings.rislNormGroup).toBe("pilot");
    expect(mine.integral.columns.find((c) => c.key === "risl.signals")!.bandRule!.high.nl).toContain(
      `eigen pilot, n = ${own.length}`,
    );
    for (const r of mine.integral.rows)
      expect(r.cells["risl.signals"]!.band).toBe(bandOwnGroupPercentiles(r.cells["risl.signals"]!.value, own, false));
    // the pilot's own group differs from the study group here, so some band must differ
    expect(mine.integral.rows.map((r) => r.cells["risl.signals"]!.band)).not.toEqual(
      s.integral.rows.map((r) => r.cells["risl.signals"]!.band),
    );
    expect(
      (await send("PUT", "/api/v1/pilots/sterkhuis/settings", { reports: { rislNormGroup: "study" } })).status,
    ).toBe(200);
  });
});

describe("background form: fixed lists with 'anders, namelijk'", () => {
  const path = "/api/v1/pilots/fier/participants/DEMO-FIE-02/forms/background";
  it("refuses free text, 'anders' without its text and a text without 'anders', and stores nothing", async () => {
    const before = await (await get(path)).text();
    for (const bad of [
      { educationLevel: "vmbo" },
      { educationLevel: "other" },
      { educationLevel: "mbo", educationLevelOther: "iets" },
      { careBefore: ["ambulant", "ambulant"] },
      { careBefore: ["residentieel"] },
      { income: "other", incomeOther: "x".repeat(101) },
      { careStartDate: "2024-05-02", pilotStartDate: "2024-05-01" },
      { countryOfOrigin: "other", countryOfOriginOther: "x" },
    ]) {
      const r = await send("PUT", path, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await (await get(path)).text()).toBe(before);
    const ok = await send("PUT", path, {
      educationLevel: "other",
      educationLevelOther: "particuliere school",
      careBefore: ["ambulant", "other"],
      careBeforeOther: "logeerzorg",
    });
    expect(ok.status).toBe(200);
  });

  it("the 'anders' text of the problems at referral never reaches a summary, page or download", async () => {
    const form = "/api/v1/pilots/fier/participants/DEMO-FIE-04/forms/background";
    const secret = "qqqq eigen omschrijving";
    const r = await send("PUT", form, { referralProblems: ["trauma", "other"], referralProblemsOther: secret });
    expect(r.status).toBe(200);
    expect(((await (await get(form)).json()) as { data: Record<string, unknown> }).data.referralProblemsOther).toBe(
      secret,
    );
    const s = await summaryOf("fier");
    const counts = s.background!.categorical.find((c) => c.field === "referralProblems")!.counts;
    expect(counts.some((x) => x.value === "other")).toBe(true); // counted as "anders", its text left out
    const texts = [JSON.stringify(s), await (await get("/reports/pilots/fier")).text()];
    for (const d of [
      "report.html",
      "wide.csv",
      "codebook.csv",
      "indicators.csv",
      "wide.sps",
      "wide.R",
      "answers.csv",
      "answers-codebook.csv",
    ]) {
      const res = await get(`/api/v1/pilots/fier/summary/${d}`);
      expect(res.status, d).toBe(200);
      texts.push(await res.text());
    }
    for (const text of texts) expect(text).not.toMatch(/qqqq|eigen omschrijving|referralProblemsOther/);
  });

  it("an old form with free text still loads: as the option it spells, else 'anders' with its text", async () => {
    const id = (await env.DB.prepare("SELECT id FROM participants WHERE code = 'DEMO-FIE-03'").first<{ id: number }>())!
      .id;
    await env.DB.prepare(
      "INSERT INTO staff_forms (participant_id, form, data, updated_at) VALUES (?1, " +
        "'background', ?2, ?3) ON CONFLICT (participant_id, form) DO UPDATE SET data = excluded.data",
    )
      .bind(
        id,
        JSON.stringify({
          educationLevel: "Vmbo basis/kader",
          livingSituationBefore: "bij oma",
          careBefore: ["Ambulante zorg", "jeugdzorgplus"],
        }),
        Date.now(),
      )
      .run();
    const r = (await (await get("/api/v1/pilots/fier/participants/DEMO-FIE-03/forms/background")).json()) as {
      data: Record<string, unknown>;
    };
    expect(r.data).toEqual({
      educationLevel: "vmbo_bk",
      livingSituationBefore: "other",
      livingSituationBeforeOther: "bij oma",
      careBefore: ["ambulant", "other"],
      careBeforeOther: "jeugdzorgplus",
    });
    const page = await (await get("/staff/pilots/fier/youths/DEMO-FIE-03/forms/background")).text();
    expect(page).toMatch(
      new RegExp(
        '<select id="livingSituationBefore" name="livingSituationBefore">.*' +
          '<option value="other" selected>anders</option></select>',
      ),
    );
    expect(page).toContain('value="bij oma"');
    const s = await summaryOf("fier");
    expect(JSON.stringify(s)).not.toMatch(/bij oma|jeugdzorgplus/);
  });
});
