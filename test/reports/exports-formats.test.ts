// Issue 16 item 5 through the real worker and D1: wide.sps and wide.R read wide.csv with every variable of the
// codebook defined and labelled, value labels for every coded column and missing values declared (checked by
// parsing the generated syntax: SPSS and R are not installed); wide.xlsx is a zip with the documented parts;
// the item codebook of answers.csv covers every answer row; a pilot without data exports cleanly.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { unzipSync, strFromU8 } from "fflate";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { BASE } from "../support/http";
import { asObjects, parseCsv } from "../support/csv";
import { apiToken, devAdmin } from "../support/staff";
import { addHistory, makeParticipant, makePilot, addStaffForm, addWave } from "../support/study";

const get = (path: string, headers: Record<string, string> = devAdmin()) =>
  exports.default.fetch(`${BASE}${path}`, { headers });
const post = (path: string) =>
  exports.default.fetch(`${BASE}${path}`, {
    method: "POST",
    body: "{}",
    headers: { ...devAdmin(), "content-type": "application/json" },
  });

let pilot: { id: number; key: string };
let empty: { id: number; key: string };

beforeAll(async () => {
  const made = await makePilot({ key: "fier", settings: { waveInstruments: ["gcir", "atmq"] } });
  pilot = made.pilot;
  empty = (await makePilot()).pilot;
  const start = addDays(localDate(Date.now(), "Europe/Amsterdam"), -400);
  const a = await makeParticipant(pilot.id, { code: "FMT-01", start });
  await addHistory(a.id, made.versions, start, [4, 5, 5, 6, 7, 6]);
  await addWave(a.id, made.versions, start, "T1", { gcir: 3, atmq: 2 });
  await addWave(a.id, made.versions, start, "T2", { gcir: (i) => (i % 3 === 0 ? 4 : 3), atmq: 3 });
  await addWave(a.id, made.versions, start, "T3", {}, { status: "missed" });
  await addStaffForm(a.id, "risl", { signals: 5, risks: 1, protective: 2 });
  const b = await makeParticipant(pilot.id, { code: "FMT-02", start });
  await addHistory(b.id, made.versions, start, [8, 7]);
  expect((await post(`/api/v1/pilots/${pilot.key}/recompute`)).status).toBe(200);
});

type Book = { variable: string; label_nl: string; type: string; spss_r_codes: string; decimals_shown: string };
async function codebook(key: string): Promise<Book[]> {
  return asObjects(
    parseCsv(await (await get(`/api/v1/pilots/${key}/summary/codebook.csv`)).text()),
  ) as unknown as Book[];
}
/** "1 = low: …; 9 = empty: … (missing)" → codes, words and the missing codes. */
function codesOf(b: Book) {
  const parts = b.spss_r_codes.split("; ").map((p) => /^(\d+) = ([^:]+): (.*)$/.exec(p)!);
  return {
    codes: parts.map((m) => Number(m[1])),
    words: parts.filter((m) => !m[2]!.includes("empty")).map((m) => m[2]!),
    missing: parts.filter((m) => m[3]!.endsWith("(missing)")).map((m) => Number(m[1])),
  };
}

/** The commands of an SPSS syntax file: each ends with a period at the end of a line. */
function spssCommands(text: string): string[] {
  const cmds: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const line of text.split("\n")) {
    if (!cur && line.startsWith("*")) continue; // comment command
    cur += (cur ? "\n" : "") + line;
    for (const ch of line) if (ch === "'" || ch === '"') quote = quote === ch ? null : (quote ?? ch);
    if (quote === null && /\.\s*$/.test(line)) cmds.push(cur.replace(/\.\s*$/, "").trim()), (cur = "");
  }
  expect(cur.trim(), "unterminated SPSS command").toBe("");
  expect(quote, "unbalanced quote").toBeNull();
  return cmds.filter(Boolean);
}
/** `name 'label' /name 'label'` → map (labels with '' unescaped). */
const labelled = (body: string) =>
  new Map(
    [...body.matchAll(/([A-Za-z][A-Za-z0-9_]*)\s+'((?:[^']|'')*)'/g)].map((m) => [m[1]!, m[2]!.replace(/''/g, "'")]),
  );

describe("wide.sps: SPSS syntax from the codebook", () => {
  it("defines, labels and codes every variable of the codebook and declares the missing values", async () => {
    const res = await get(`/api/v1/pilots/${pilot.key}/summary/wide.sps`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(`${pilot.key}-wide.sps`);
    const text = await res.text();
    const book = await codebook(pilot.key);
    const wideHeader = parseCsv(await (await get(`/api/v1/pilots/${pilot.key}/summary/wide.csv`)).text())[0]!;
    expect(book.map((b) => b.variable)).toEqual(wideHeader);
    const coded = book.filter((b) => b.spss_r_codes);
    // every kind of coded column is present in this fixture
    for (const suffix of ["status", "response_T1", "_band", "_flag", "_change_T2vsT1", "risl_signals_band"])
      expect(
        coded.some((b) => b.variable.endsWith(suffix)),
        suffix,
      ).toBe(true);
    // every string column but the code is coded; every numeric column has its decimals
    expect(book.filter((b) => b.type === "string" && !b.spss_r_codes).map((b) => b.variable)).toEqual([
      "participant_code",
    ]);
    expect(book.filter((b) => b.type === "numeric" && b.decimals_shown === "")).toEqual([]);

    const cmds = spssCommands(text);
    const cmd = (start: string) => cmds.filter((c) => c.startsWith(start));
    expect(cmd("FILE HANDLE wide")[0]).toContain(`/NAME='${pilot.key}-wide.csv'`);
    // GET DATA: every column of wide.csv, in order, with a string or numeric format
    const get_ = cmd("GET DATA")[0]!;
    expect(get_).toContain("/FIRSTCASE=2");
    const defs = [...get_.split("/VARIABLES=")[1]!.matchAll(/^\s+([A-Za-z][A-Za-z0-9_]*) (A\d+|F\d+\.\d)$/gm)].map(
      (m) => [m[1], m[2]],
    );
    expect(defs.map((d) => d[0])).toEqual(wideHeader);
    for (const [name, fmt] of defs) {
      const b = book.find((x) => x.variable === name)!;
      expect(fmt, name).toMatch(b.type === "string" ? /^A/ : new RegExp(`^F\\d+\\.${b.decimals_shown}$`));
    }
    // RECODE of every coded column with every word of its codebook entry; notComputed IFs name real variables
    for (const b of coded) {
      const r = cmd(`RECODE ${b.variable} `);
      expect(r, b.variable).toHaveLength(1);
      const { words } = codesOf(b);
      for (const w of words.map((x) => x.split(" ")[0]!))
        if (!/^risl|^\w+_T\d|^\w+ empty/.test(w)) expect(r[0], `${b.variable} ${w}`).toContain(`'${w}'=`);
      expect(r[0]).toContain(`INTO ${b.variable}_c`);
    }
    for (const c of cmd("IF (MISSING(")) expect(wideHeader).toContain(/MISSING\(([A-Za-z0-9_]+)\)/.exec(c)![1]);
    // after DELETE/RENAME the coded columns keep their names, and MATCH FILES restores the codebook order
    const renamed = [...cmd("RENAME VARIABLES")[0]!.matchAll(/\((\w+)_c = (\w+)\)/g)].map((m) => [m[1], m[2]]);
    expect(renamed.map((r) => r[1])).toEqual(coded.map((b) => b.variable));
    expect(renamed.every((r) => r[0] === r[1])).toBe(true);
    expect(cmd("DELETE VARIABLES")[0]!.split(/\s+/).slice(2)).toEqual(coded.map((b) => b.variable));
    expect(cmd("MATCH FILES")[0]!.split("/KEEP=")[1]!.trim().split(/\s+/)).toEqual(wideHeader);
    // a label for every variable, the codebook's Dutch label
    const labels = labelled(cmd("VARIABLE LABELS")[0]!.slice("VARIABLE LABELS".length));
    expect([...labels.keys()]).toEqual(wideHeader);
    for (const b of book) expect(labels.get(b.variable), b.variable).toBe(b.label_nl);
    // value labels for every coded column: exactly its codes
    const valueBlock = cmd("VALUE LABELS")[0]!.slice("VALUE LABELS".length).split("\n  /");
    const valueLabels = new Map(
      valueBlock.map((blk) => [
        blk.trim().split(/\s+/)[0]!,
        [...blk.matchAll(/^\s+(\d+) '/gm)].map((m) => Number(m[1])),
      ]),
    );
    expect([...valueLabels.keys()]).toEqual(coded.map((b) => b.variable));
    for (const b of coded)
      expect(valueLabels.get(b.variable), b.variable).toEqual([...new Set(codesOf(b).codes)].sort((x, y) => x - y));
    // missing values declared for every coded column with a missing code
    const missing = new Map(
      [...cmd("MISSING VALUES")[0]!.matchAll(/(\w+) \(([\d, ]+)\)/g)].map((m) => [
        m[1]!,
        m[2]!.split(", ").map(Number),
      ]),
    );
    const withMissing = coded.filter((b) => codesOf(b).missing.length);
    expect(withMissing.length).toBeGreaterThan(5);
    expect([...missing.keys()]).toEqual(withMissing.map((b) => b.variable));
    for (const b of withMissing) expect(missing.get(b.variable)).toEqual([...new Set(codesOf(b).missing)]);
  });
});

describe("wide.R: R script from the codebook", () => {
  it(
    "reads every column with its class, codes and labels the " +
      "coded ones, labels every variable, turns missing codes into NA",
    async () => {
      const res = await get(`/api/v1/pilots/${pilot.key}/summary/wide.R`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const book = await codebook(pilot.key);
      const names = book.map((b) => b.variable);
      const coded = book.filter((b) => b.spss_r_codes);
      // balanced brackets outside strings and no unterminated string
      let depth = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (inString) {
          if (ch === "\\") i++;
          else if (ch === '"') inString = false;
        } else if (ch === "#") while (i < text.length && text[i] !== "\n") i++;
        else if (ch === '"') inString = true;
        else if ("({[".includes(ch)) depth++;
        else if (")}]".includes(ch)) expect(--depth).toBeGreaterThanOrEqual(0);
      }
      expect(inString).toBe(false);
      expect(depth).toBe(0);
      expect(text).toContain(`path <- "${pilot.key}-wide.csv"`);
      expect(text).toContain('na.strings = ""'); // empty cells are missing
      const classes = [
        ...text
          .split("colClasses = c(")[1]!
          .split("))")[0]!
          .matchAll(/(\w+) = "(numeric|character)"/g),
      ].map((m) => [m[1], m[2]]);
      expect(classes.map((c) => c[0])).toEqual(names);
      for (const [n, cls] of classes)
        expect(cls, n).toBe(book.find((b) => b.variable === n)!.type === "numeric" ? "numeric" : "character");
      const labels = new Map(
        [...text.matchAll(/^attr\(wide\$(\w+), "label"\) <- "((?:[^"\\]|\\.)*)"$/gm)].map((m) => [
          m[1]!,
          m[2]!.replace(/\\(.)/g, "$1"),
        ]),
      );
      expect([...labels.keys()]).toEqual(names);
      for (const b of book) expect(labels.get(b.variable)).toBe(b.label_nl);
      const valueLabels = new Map(
        [...text.matchAll(/^attr\(wide\$(\w+), "labels"\) <- c\((.*)\)$/gm)].map((m) => [
          m[1]!,
          [...m[2]!.matchAll(/" = (\d+)/g)].map((x) => Number(x[1])),
        ]),
      );
      expect([...valueLabels.keys()]).toEqual(coded.map((b) => b.variable));
      for (const b of coded) {
        expect(valueLabels.get(b.variable)).toEqual([...new Set(codesOf(b).codes)].sort((x, y) => x - y));
        expect(text, b.variable).toMatch(new RegExp(`^wide\\$${b.variable} <- code\\(wide\\$${b.variable}, c\\(`, "m"));
        const m = codesOf(b).missing;
        if (m.length)
          expect(text).toContain(`wide$${b.variable}[wide$${b.variable} %in% c(${[...new Set(m)].join(", ")})] <- NA`);
      }
    },
  );
});

describe("wide.xlsx", () => {
  it("is an Office Open XML workbook with a data sheet and the codebook, numbers as rounded numbers", async () => {
    const res = await get(`/api/v1/pilots/${pilot.key}/summary/wide.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("content-disposition")).toContain(`${pilot.key}-wide.xlsx`);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/workbook.xml",
      "xl/worksheets/sheet1.xml",
      "xl/worksheets/sheet2.xml",
    ]);
    expect(strFromU8(files["xl/workbook.xml"]!)).toContain('<sheet name="Gegevens"');
    const sheet = strFromU8(files["xl/worksheets/sheet1.xml"]!);
    // FMT-01's welzijn mean 5.5 and the slope, rounded to at most 4 decimals (the CSV keeps full precision)
    const values = [...sheet.matchAll(/<v>([^<]*)<\/v>/g)].map((m) => m[1]!);
    expect(values.length).toBeGreaterThan(20);
    for (const v of values) expect(v, v).toMatch(/^-?\d+(\.\d{1,4})?$/);
    expect(sheet).not.toContain("<f>"); // no formula anywhere
  });
});

describe("answers-codebook.csv", () => {
  it(
    "documents every instrument, version and item of answers.csv " +
      "in both languages, with subscale and reverse keying",
    async () => {
      const book = asObjects(
        parseCsv(await (await get(`/api/v1/pilots/${pilot.key}/summary/answers-codebook.csv`)).text()),
      );
      const answers = asObjects(parseCsv(await (await get(`/api/v1/pilots/${pilot.key}/summary/answers.csv`)).text()));
      expect(answers.length).toBeGreaterThan(50);
      const keys = new Set(book.map((b) => `${b.instrument}|${b.instrument_version}|${b.item}`));
      for (const a of answers)
        expect(keys.has(`${a.instrument}|${a.instrument_version}|${a.item}`), `${a.instrument} ${a.item}`).toBe(true);
      const persoonlijk = book.find((b) => b.instrument === "welzijn" && b.item === "persoonlijk")!;
      expect(persoonlijk).toMatchObject({
        question_nl: "Hoe gaat het met jou, met jezelf?",
        question_en: "How are you doing, yourself?",
        type: "slider",
        value_min: "0",
        value_max: "10",
      });
      const likert = book.filter((b) => b.instrument === "gcir");
      expect(likert.length).toBe(40);
      expect(
        likert.every(
          (b) =>
            b.subscale !== "" && b.subscale_label_nl !== "" && (b.reverse_keyed === "0" || b.reverse_keyed === "1"),
        ),
      ).toBe(true);
      expect(book.some((b) => b.instrument!.startsWith("pilot_") && b.type === "yesno")).toBe(true);
    },
  );
});

describe("a pilot without data", () => {
  it("answers every download with its header (or an empty workbook / syntax), never an error", async () => {
    for (const d of [
      "indicators.csv",
      "wide.csv",
      "codebook.csv",
      "answers.csv",
      "answers-codebook.csv",
      "wide.xlsx",
      "wide.sps",
      "wide.R",
      "summary.json",
      "report.html",
    ]) {
      const res = await get(`/api/v1/pilots/${empty.key}/summary/${d}`);
      expect(res.status, d).toBe(200);
      await res.arrayBuffer();
    }
    const wide = parseCsv(await (await get(`/api/v1/pilots/${empty.key}/summary/wide.csv`)).text());
    expect(wide).toHaveLength(1);
    const sps = await (await get(`/api/v1/pilots/${empty.key}/summary/wide.sps`)).text();
    expect(spssCommands(sps).find((c) => c.startsWith("GET DATA"))).toContain("participant_code A64");
    const files = unzipSync(
      new Uint8Array(await (await get(`/api/v1/pilots/${empty.key}/summary/wide.xlsx`)).arrayBuffer()),
    );
    expect(strFromU8(files["xl/worksheets/sheet1.xml"]!)).toContain('<row r="1">');
  });
});

describe("access and audit", () => {
  it("coordinators may download the formats (no free text in them); each download is audited", async () => {
    const coord = (await apiToken("coordinator", [pilot.id])).headers;
    for (const d of ["wide.xlsx", "wide.sps", "wide.R", "answers-codebook.csv"]) {
      const res = await get(`/api/v1/pilots/${pilot.key}/summary/${d}`, coord);
      expect(res.status, d).toBe(200);
      await res.arrayBuffer();
    }
    const foreign = (await apiToken("coordinator", [empty.id])).headers;
    expect((await get(`/api/v1/pilots/${pilot.key}/summary/wide.sps`, foreign)).status).toBe(403);
    const { env } = await import("cloudflare:workers");
    const actions = (
      await env.DB.prepare("SELECT DISTINCT action FROM audit_log WHERE pilot_id = ?")
        .bind(pilot.id)
        .all<{ action: string }>()
    ).results.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(["export.wide_xlsx", "export.wide_sps", "export.wide_r", "export.answers_codebook_csv"]),
    );
  });
});
