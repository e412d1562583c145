// Issue 16 item 6: imports accept what Dutch Excel saves (';', dd-mm-jjjj, decimal comma, BOM) and refuse
// every other form of bad input with a Dutch message naming row and column — and nothing half-stored.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decodeImport, detectSeparator, parseImportDate, TEMPLATE_CODE } from "../../worker/studies/import";
import { addDays, localDate } from "../../worker/schedule/schedule";
import { BASE, call } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makePilot, uniqueKey } from "../support/study";

type Report = {
  ok: boolean;
  dryRun: boolean;
  rows: number;
  committed: number;
  errors: { line: number; column?: string; reason: string }[];
};
const BOM = "\uFEFF";
const today = () => localDate(Date.now(), "Europe/Amsterdam");
/** jjjj-mm-dd → dd-mm-jjjj, as Dutch Excel writes a date. */
const nl = (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
const P_HEADER = ["participant_code", "pilot_start_date", "consent_by", "consent_date", "email", "mentor_email"];
const M_HEADER = ["participant_code", "instrument", "item", "measured_at", "value", "comment"];

async function setup() {
  const { pilot } = await makePilot();
  const r = await staffUser({ roles: [{ role: "researcher", pilotId: pilot.id }] });
  const c = await staffUser({ roles: [{ role: "coordinator", pilotId: pilot.id }] });
  return { pilot, researcher: await sessionFor(r.id), coordinator: await sessionFor(c.id) };
}
const count = async (sql: string, pilotId: number) =>
  (await env.DB.prepare(sql).bind(pilotId).first<{ n: number }>())!.n;
const participantsIn = (pilotId: number) => count("SELECT COUNT(*) AS n FROM participants WHERE pilot_id = ?", pilotId);
const answersIn = (pilotId: number) =>
  count(
    "SELECT COUNT(*) AS n FROM responses r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?",
    pilotId,
  );
const occasionsImportedIn = (pilotId: number) =>
  count(
    "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON " +
      "p.id = o.participant_id WHERE p.pilot_id = ? AND o.seq >= 100000",
    pilotId,
  );

const importCsv = (
  who: Parameters<typeof call>[0],
  pilotKey: string,
  kind: "participants" | "measurements",
  csv: string,
  dryRun: boolean,
) => call(who, "POST", `/api/v1/pilots/${pilotKey}/imports/${kind}?dryRun=${dryRun}`, csv);

/** Enrols youths through the import itself (semicolons, Dutch dates): a first Dutch-Excel case. */
async function withYouths(n: number, startDaysAgo = 60) {
  const s = await setup();
  const codes = Array.from({ length: n }, () => uniqueKey("NL-"));
  const start = nl(addDays(today(), -startDaysAgo));
  const csv =
    BOM + [P_HEADER.join(";"), ...codes.map((c) => `${c};${start};guardian;${start};;`)].join("\r\n") + "\r\n";
  const res = await importCsv(s.researcher, s.pilot.key, "participants", csv, false);
  expect(res.status, await res.clone().text()).toBe(201);
  return { ...s, codes };
}

describe("pure helpers", () => {
  it("detects the separator from the header, outside quotes", () => {
    expect(detectSeparator("a;b;c\n1,5;2;3")).toBe(";");
    expect(detectSeparator(`${BOM}a,b,c\r\n1;2,3,4`)).toBe(",");
    expect(detectSeparator('"a,b";c\n')).toBe(";");
    expect(detectSeparator("a;b,c\n")).toBe("mixed");
    expect(detectSeparator("a\n")).toBe(",");
  });
  it.each([
    ["2026-02-28", "2026-02-28"],
    ["28-02-2026", "2026-02-28"],
    ["1-2-2026", "2026-02-01"],
    ["01/02/2026", "2026-02-01"],
    ["31-02-2026", "nonexistent"],
    ["2026-02-31", "nonexistent"],
    ["29-02-2025", "nonexistent"],
    ["29-02-2024", "2024-02-29"],
    ["2026-2-1", "format"],
    ["28-02-26", "format"],
    ["morgen", "format"],
    ["", "format"],
  ])("parseImportDate(%j) → %j", (input, out) => expect(parseImportDate(input)).toBe(out));

  it("decodes UTF-8 (with or without BOM) and otherwise Windows-1252, as a plain Excel CSV is saved", () => {
    const utf8 = new TextEncoder().encode("\uFEFFcafé;€");
    expect(decodeImport(utf8).replace(/^\uFEFF/, "")).toBe("café;€");
    expect(decodeImport(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x3b, 0x80, 0x93, 0x94]))).toBe("café;€“”");
    expect(decodeImport(new Uint8Array([0xeb, 0xe9, 0x6e]))).toBe("ëén");
  });
});

describe("participants as Dutch Excel saves them", () => {
  it(
    "BOM, ';', dd-mm-jjjj and d-m-jjjj dates, quoted ';' " +
      "inside a cell, trailing empty cells: stored with ISO dates",
    async () => {
      const { pilot, researcher } = await setup();
      const [a, b] = [uniqueKey("NL-"), uniqueKey("NL-")];
      const d = addDays(today(), -10);
      const short = `${Number(d.slice(8, 10))}-${Number(d.slice(5, 7))}-${d.slice(0, 4)}`;
      const csv =
        BOM +
        [
          P_HEADER.join(";") + ";;",
          `${a};${nl(d)};self;${nl(d)};"${a.toLowerCase()}@youth.example";;;`,
          `${b};${short};guardian;${short};;"mentor@example.test"`,
        ].join("\r\n");
      const dry = (await (await importCsv(researcher, pilot.key, "participants", csv, true)).json()) as Report;
      expect(dry).toMatchObject({ ok: true, rows: 2, errors: [] });
      const res = await importCsv(researcher, pilot.key, "participants", csv, false);
      expect(res.status).toBe(201);
      const stored = await env.DB.prepare(
        "SELECT code, pilot_start_date AS s, consent_date AS c FROM participants WHERE pilot_id = ? ORDER BY id",
      )
        .bind(pilot.id)
        .all();
      expect(stored.results).toEqual([
        { code: a, s: d, c: d },
        { code: b, s: d, c: d },
      ]);
    },
  );

  it(
    "31-02-2026 and a date in neither format: Dutch reasons " + "naming row and column; the commit stores nothing",
    async () => {
      const { pilot, researcher } = await setup();
      const good = `${uniqueKey("NL-")};${nl(today())};self;${nl(today())};;`;
      const csv = [
        P_HEADER.join(";"),
        good,
        `${uniqueKey("NL-")};31-02-2026;self;${nl(today())};;`,
        `${uniqueKey("NL-")};${nl(today())};self;februari;;`,
      ].join("\n");
      const report = (await (await importCsv(researcher, pilot.key, "participants", csv, true)).json()) as Report;
      expect(report.errors.map((e) => [e.line, e.column])).toEqual([
        [3, "pilot_start_date"],
        [4, "consent_date"],
      ]);
      expect(report.errors[0]!.reason).toMatch(
        /^Regel 3, kolom pilot_start_date: 31-02-2026 bestaat niet als datum \/ line 3, column pilot_start_date: /,
      );
      expect(report.errors[1]!.reason).toMatch(
        /^Regel 4, kolom consent_date: geen datum; gebruik dd-mm-jjjj of jjjj-mm-dd \//,
      );
      const commit = await importCsv(researcher, pilot.key, "participants", csv, false);
      expect(commit.status).toBe(400);
      expect(((await commit.json()) as { error: { message: string } }).error.message).toMatch(
        /^2 regels niet in orde; er is niets opgeslagen \/ 2 bad rows/,
      );
      expect(await participantsIn(pilot.id)).toBe(0);
    },
  );

  it("mixed separators: a header with both is refused whole; a row with the other separator is named", async () => {
    const { pilot, researcher } = await setup();
    const both = await importCsv(
      researcher,
      pilot.key,
      "participants",
      `participant_code;pilot_start_date,consent_by;consent_date;` +
        `email;mentor_email\nX1;${nl(today())};self;${nl(today())};;`,
      false,
    );
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { message: string } }).error.message).toMatch(/zowel ';' als ','/);
    const csv = [
      P_HEADER.join(";"),
      `${uniqueKey("NL-")};${nl(today())};self;${nl(today())};;`,
      `${uniqueKey("NL-")},${today()},self,${today()},,`,
    ].join("\r\n");
    const report = (await (await importCsv(researcher, pilot.key, "participants", csv, true)).json()) as Report;
    expect(report).toMatchObject({ ok: false, rows: 2 });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.line).toBe(3);
    expect(report.errors[0]!.reason).toMatch(/^Regel 3: deze regel gebruikt ',' als scheidingsteken, de kopregel ';'/);
    expect((await importCsv(researcher, pilot.key, "participants", csv, false)).status).toBe(400);
    expect(await participantsIn(pilot.id)).toBe(0);
  });
});

describe("measurements as Dutch Excel saves them", () => {
  it("';', decimal comma, dd-mm-jjjj uu:mm, quoted ';' in a comment, BOM: every value stored as meant", async () => {
    const { pilot, researcher, codes } = await withYouths(1);
    const [c] = codes as [string];
    const d = (n: number) => nl(addDays(today(), -n));
    const csv =
      BOM +
      [
        M_HEADER.join(";"),
        `${c};welzijn;persoonlijk;${d(30)} 15:30;6,5;"beter; echt waar"`,
        `${c};welzijn;gezin;${d(30)};7;`,
        `${c};welzijn;vrienden;${d(30)} 9:05:00;8,25;`,
      ].join("\r\n") +
      "\r\n";
    const dry = (await (await importCsv(researcher, pilot.key, "measurements", csv, true)).json()) as Report;
    expect(dry).toMatchObject({ ok: true, rows: 3, errors: [] });
    expect((await importCsv(researcher, pilot.key, "measurements", csv, false)).status).toBe(201);
    const rows = await env.DB.prepare(
      "SELECT r.item_key AS item, r.value, r.comment FROM responses r JOIN participants " +
        "p ON p.id = r.participant_id WHERE p.pilot_id = ? ORDER BY r.item_key",
    )
      .bind(pilot.id)
      .all();
    expect(rows.results).toEqual([
      { item: "gezin", value: 7, comment: null },
      { item: "persoonlijk", value: 6.5, comment: "beter; echt waar" },
      { item: "vrienden", value: 8.25, comment: null },
    ]);
  });

  it("a plain Excel CSV in Windows-1252: the comment is stored with its accents", async () => {
    const { pilot, researcher, codes } = await withYouths(1);
    const text = [
      M_HEADER.join(";"),
      `${codes[0]};welzijn;gezin;${nl(addDays(today(), -5))};7,5;één café – “goed”`,
    ].join("\r\n");
    const cp1252: Record<string, number> = { é: 0xe9, "–": 0x96, "“": 0x93, "”": 0x94 };
    const bytes = Uint8Array.from([...text].map((ch) => cp1252[ch] ?? ch.charCodeAt(0)));
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow(); // really not UTF-8
    const res = await exports.default.fetch(`${BASE}/api/v1/pilots/${pilot.key}/imports/measurements?dryRun=false`, {
      method: "POST",
      body: bytes,
      headers: { ...researcher.headers, "x-csrf-token": researcher.csrf!, "content-type": "text/csv" },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const row = await env.DB.prepare(
      "SELECT r.value, r.comment FROM responses r JOIN participants p ON p.id = r.participant_id WHERE p.pilot_id = ?",
    )
      .bind(pilot.id)
      .first();
    expect(row).toEqual({ value: 7.5, comment: "één café – “goed”" });
  });

  it("a decimal comma inside a comma-separated file: the row is named with the reason; quoted it is fine", async () => {
    const { pilot, researcher, codes } = await withYouths(1);
    const [c] = codes as [string];
    const d = addDays(today(), -20);
    const csv = [M_HEADER.join(","), `${c},welzijn,persoonlijk,${d},6,5,`, `${c},welzijn,gezin,${d},"7,5",`].join("\n");
    const report = (await (await importCsv(researcher, pilot.key, "measurements", csv, true)).json()) as Report;
    expect(report).toMatchObject({ ok: false, rows: 2 });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.reason).toMatch(
      /^Regel 2: 7 kolommen in plaats van 6: staat er een decimale komma in een waarde\?/,
    );
    expect((await importCsv(researcher, pilot.key, "measurements", csv, false)).status).toBe(400);
    expect(await answersIn(pilot.id)).toBe(0);
    const fixed = [M_HEADER.join(","), `${c},welzijn,gezin,${d},"7,5",`].join("\n");
    expect((await importCsv(researcher, pilot.key, "measurements", fixed, false)).status).toBe(201);
    expect(await answersIn(pilot.id)).toBe(1);
  });

  it(
    "an unknown item, 31-02-2026 and an unknown youth: Dutch reasons " +
      "with row and column (the known items listed); nothing stored",
    async () => {
      const { pilot, researcher, codes } = await withYouths(1);
      const [c] = codes as [string];
      const d = nl(addDays(today(), -20));
      const csv = [
        M_HEADER.join(";"),
        `${c};welzijn;persoonlijk;${d};7;`,
        `${c};welzijn;geluk;${d};7;`,
        `${c};welzijn;gezin;31-02-2026;7;`,
        `NIEMAND-1;welzijn;gezin;${d};7;`,
      ].join("\r\n");
      const report = (await (await importCsv(researcher, pilot.key, "measurements", csv, true)).json()) as Report;
      expect(report.errors.map((e) => [e.line, e.column])).toEqual([
        [3, "item"],
        [4, "measured_at"],
        [5, "participant_code"],
      ]);
      expect(report.errors[0]!.reason).toMatch(
        /^Regel 3, kolom item: onbekende vraag geluk in vragenlijst welzijn \(bekend: [^)]*persoonlijk/,
      );
      expect(report.errors[1]!.reason).toMatch(/^Regel 4, kolom measured_at: 31-02-2026 bestaat niet als datum/);
      expect(report.errors[2]!.reason).toMatch(
        /^Regel 5, kolom participant_code: onbekende jongere NIEMAND-1 in deze pilot/,
      );
      expect((await importCsv(researcher, pilot.key, "measurements", csv, false)).status).toBe(400);
      expect(await answersIn(pilot.id)).toBe(0);
      expect(await occasionsImportedIn(pilot.id)).toBe(0);
    },
  );

  it("a file sent as something else than text/csv, or too large, is refused in Dutch first", async () => {
    const { pilot, researcher } = await setup();
    const wrongType = await call(researcher, "POST", `/api/v1/pilots/${pilot.key}/imports/measurements`, { csv: true });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { message: string } }).error.message).toBe(
      "Stuur het bestand als text/csv / Send the file as text/csv",
    );
    const big = await call(
      researcher,
      "POST",
      `/api/v1/pilots/${pilot.key}/imports/measurements`,
      `${M_HEADER.join(";")}\n${"x;".repeat(1_100_000)}`,
    );
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(
      /^Het CSV-bestand is groter dan 2 MiB \//,
    );
  });

  it("a quoted field that is never closed is refused whole, naming its line in Dutch", async () => {
    const { pilot, researcher, codes } = await withYouths(1);
    const csv = [
      M_HEADER.join(";"),
      `${codes[0]};welzijn;gezin;${nl(today())};7;"open`,
      `${codes[0]};welzijn;persoonlijk;${nl(today())};7;`,
    ].join("\n");
    const res = await importCsv(researcher, pilot.key, "measurements", csv, false);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^Geen geldige CSV op regel 2: een veld tussen aanhalingstekens wordt niet gesloten/,
    );
    expect(await answersIn(pilot.id)).toBe(0);
  });
});

describe("templates", () => {
  it(
    "one per import, ';' and dd-mm-jjjj; the participants " + "template imports once its example code is replaced",
    async () => {
      const { pilot, researcher, coordinator } = await setup();
      const p = await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/imports/participants/template.csv`);
      expect(p.status).toBe(200);
      expect(p.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(p.headers.get("content-disposition")).toContain(`${pilot.key}-participants-template.csv`);
      const bytes = new Uint8Array(await p.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel reads the file as UTF-8
      const text = new TextDecoder().decode(bytes); // drops the BOM
      expect(text.split("\r\n")[0]).toBe(P_HEADER.join(";"));
      expect(text).toContain(`${TEMPLATE_CODE};${nl(today())};guardian;${nl(today())};;`);
      const code = uniqueKey("TPL-");
      expect(
        (await importCsv(researcher, pilot.key, "participants", text.replace(TEMPLATE_CODE, code), false)).status,
      ).toBe(201);
      expect(await participantsIn(pilot.id)).toBe(1);

      const m = await (
        await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/imports/measurements/template.csv`)
      ).text();
      const lines = m.trim().split("\r\n");
      expect(lines[0]).toBe(M_HEADER.join(";"));
      expect(lines).toContain(`${TEMPLATE_CODE};welzijn;persoonlijk;${nl(today())} 12:00;;`);
      // Every row names an instrument and item the import knows: with a real code and a value, the dry run passes them
      // all.
      const filled = m.replaceAll(TEMPLATE_CODE, code).replace(/;;\r\n/g, ";1;\r\n");
      const report = (await (await importCsv(researcher, pilot.key, "measurements", filled, true)).json()) as Report;
      expect(report.errors.filter((e) => e.column === "instrument" || e.column === "item")).toEqual([]);

      expect((await call(researcher, "GET", `/api/v1/pilots/${pilot.key}/imports/other/template.csv`)).status).toBe(
        404,
      );
      expect(
        (await call(coordinator, "GET", `/api/v1/pilots/${pilot.key}/imports/participants/template.csv`)).status,
      ).toBe(403);
    },
  );

  it(
    "the workspace import page takes the same Dutch file " + "and shows the Dutch reason per row; nothing stored",
    async () => {
      const { pilot, researcher } = await setup();
      const url = `/staff/pilots/${pilot.key}/import`;
      const form = (csv: string, action: string) => {
        const f = new FormData();
        f.set("_csrf", researcher.csrf!);
        f.set("kind", "participants");
        f.set("action", action);
        f.set("file", new File([BOM + csv], "jongeren.csv", { type: "text/csv" }));
        return f;
      };
      const csv = [
        P_HEADER.join(";"),
        `${uniqueKey("NL-")};${nl(today())};self;${nl(today())};;`,
        `${uniqueKey("NL-")};31-02-2026;self;${nl(today())};;`,
      ].join("\r\n");
      const res = await call(researcher, "POST", url, form(csv, "commit"), { csrf: false });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toMatch(/<tr data-line="3">/);
      expect(html).toContain("Regel 3, kolom pilot_start_date: 31-02-2026 bestaat niet als datum");
      expect(await participantsIn(pilot.id)).toBe(0);
      const fixed = csv.replace("31-02-2026", nl(today()));
      expect((await call(researcher, "POST", url, form(fixed, "commit"), { csrf: false })).status).toBe(201);
      expect(await participantsIn(pilot.id)).toBe(2);
    },
  );

  it("the import page links both templates", async () => {
    const { pilot, researcher } = await setup();
    const html = await (await call(researcher, "GET", `/staff/pilots/${pilot.key}/import`)).text();
    expect(html).toContain(`/api/v1/pilots/${pilot.key}/imports/participants/template.csv`);
    expect(html).toContain(`/api/v1/pilots/${pilot.key}/imports/measurements/template.csv`);
  });
});
