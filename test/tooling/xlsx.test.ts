// The Excel-ready download opens in a real reader of the format: ExcelJS (a widely used .xlsx library, a dev
// dependency only) reads the bytes our Worker-side writer produces (worker/reports/xlsx.ts, fflate), from a
// summary built by the same pure code as the downloads, and finds every column of wide.csv with its values,
// numbers as numbers rounded to the documented decimals with a matching display format.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { GCIR } from "../../schema/instruments/definitions";
import type { WaveDefinition } from "../../worker/analysis/waves";
import { codebookCsv, wideCsv, wideVariables, wideXlsx } from "../../worker/reports/exports";
import { buildSummary, type StoredIndicator, type SummaryInput } from "../../worker/reports/summary";
import { columnName, roundTo, xlsx } from "../../worker/reports/xlsx";
import { parseCsv as readCsv } from "../../worker/studies/csv";

/** Rows of cells of our CSV (the import's strict reader; test/support/csv.ts runs in workerd). */
const parseCsv = (text: string) => {
  const r = readCsv(text);
  if (!r.ok) throw new Error(r.reason);
  return r.records.map((x) => x.cells);
};

const ind = (
  participantId: number,
  indicator: string,
  mean: number | null,
  extra: Partial<StoredIndicator> = {},
): StoredIndicator => ({
  participantId,
  indicator,
  n: mean === null ? 0 : 6,
  mean,
  min: 1,
  max: 9,
  slopePerMeasurement: null,
  slopePerDay: null,
  kendallS: null,
  p: null,
  trend: null,
  band: null,
  ...extra,
});

function summary() {
  const input: SummaryInput = {
    pilot: { key: "fier", name: "Fier", organisation: "Org" },
    waveInstruments: ["gcir"],
    participants: [
      { id: 1, code: '=HYPERLINK("x")', status: "active" },
      { id: 2, code: "FIER-02", status: "left_care" },
      { id: 3, code: 'FIER-03 <&> "é"', status: "withdrawn" },
    ],
    indicators: [
      ind(1, "welzijn", 11 / 3, {
        slopePerMeasurement: 0.123456,
        slopePerDay: 0.0087654,
        kendallS: 9,
        p: 0.0123456,
        trend: "up",
        band: "middle",
      }),
      ind(2, "welzijn", 7.25, { band: "high" }),
      ind(1, "wave:T1:gcir.ondersteuning", 2.0),
      ind(1, "wave:T2:gcir.ondersteuning", 3.3333333333333335),
    ],
    waveDefinitions: { gcir: GCIR as unknown as WaveDefinition },
    occasions: [
      { participantId: 1, kind: "wave", wave: "T1", due: 1, completed: 1 },
      { participantId: 1, kind: "wave", wave: "T2", due: 1, completed: 1 },
      { participantId: 2, kind: "wave", wave: "T1", due: 1, completed: 0 },
    ],
    completionMinutes: [],
    staffForms: [],
  };
  return buildSummary(input);
}

async function read(bytes: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

describe("wide.xlsx read by ExcelJS", () => {
  it(
    "has the data sheet with every column of wide.csv, " + "rounded numbers with their format, and the codebook sheet",
    async () => {
      const s = summary();
      const wb = await read(wideXlsx(s));
      expect(wb.worksheets.map((w) => w.name)).toEqual(["Gegevens", "Codeboek"]);
      const data = wb.getWorksheet("Gegevens")!;
      const csv = parseCsv(wideCsv(s));
      const vars = wideVariables(s);
      expect(data.rowCount).toBe(csv.length);
      expect((data.getRow(1).values as unknown[]).slice(1)).toEqual(csv[0]);
      expect(data.getRow(1).font?.bold ?? data.getCell("A1").font?.bold).toBe(true);
      expect(data.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      for (let r = 2; r <= csv.length; r++) {
        vars.forEach((v, c) => {
          const cell = data.getRow(r).getCell(c + 1);
          const fromCsv = csv[r - 1]![c]!;
          if (fromCsv === "") {
            expect(cell.value, `${v.name} row ${r}`).toBeNull();
            return;
          }
          if (v.type === "numeric") {
            expect(typeof cell.value, v.name).toBe("number");
            expect(cell.value).toBe(roundTo(Number(fromCsv), v.decimals!));
            expect(cell.numFmt, v.name).toBe(v.decimals === 0 ? "0" : `0.${"0".repeat(v.decimals!)}`);
          } else {
            expect(cell.value, v.name).toBe(fromCsv.replace(/^'/, "")); // text as text: no formula to neutralise
          }
        });
      }
      const row2 = Object.fromEntries(vars.map((v, c) => [v.name, data.getRow(2).getCell(c + 1).value]));
      expect(row2).toMatchObject({
        participant_code: '=HYPERLINK("x")',
        welzijn_mean: 3.67,
        welzijn_slope_m: 0.123,
        welzijn_slope_d: 0.0088,
        welzijn_mk_p: 0.012,
        welzijn_mk_s: 9,
        gcir_ondersteuning_T2: 3.33,
        welzijn_flag: "desired",
      });
      expect(data.getRow(4).getCell(1).value).toBe('FIER-03 <&> "é"');
      expect(data.getCell("A2").type).toBe(ExcelJS.ValueType.String); // never a formula
      const book = wb.getWorksheet("Codeboek")!;
      expect(book.rowCount).toBe(vars.length + 1);
      expect((book.getRow(1).values as unknown[]).slice(1)).toEqual([
        "variable",
        "label_nl",
        "label_en",
        "type",
        "values",
        "missing",
        "decimals_shown",
        "spss_r_codes",
        "item_wording_by_version",
      ]);
      expect(book.getRow(2).getCell(1).value).toBe("participant_code");
      const band = vars.findIndex((v) => v.name === "welzijn_band");
      expect(String(book.getRow(band + 2).getCell(8).value)).toContain("3 = high: hoog (groen) / high (green)");
      expect(book.getRow(band + 2).getCell(9).value).toBeNull(); // the same wording in every version: no text
    },
  );

  it("the codebook sheet gives an item's wording per instrument version where it changed, as the CSV", async () => {
    const s = summary();
    const table = s.frequentTables.find((t) => t.indicator === "welzijn")!;
    table.versions = [
      { version: 1, text: { nl: "Hoe gaat het?", en: "How are you?" } },
      { version: 2, text: { nl: "Hoe gaat het nu?", en: "How are you now?" } },
    ];
    const book = (await read(wideXlsx(s))).getWorksheet("Codeboek")!;
    const names = (book.getColumn(1).values as unknown[]).slice(1);
    const wording = book.getRow(names.indexOf("welzijn_mean") + 1).getCell(9).value;
    expect(wording).toBe("welzijn v1: Hoe gaat het? / How are you? | welzijn v2: Hoe gaat het nu? / How are you now?");
    const csvBook = parseCsv(codebookCsv(s));
    const csvRow = csvBook.find((r) => r[0] === "welzijn_mean")!;
    expect(csvRow[csvRow.length - 1]).toBe(wording);
  });

  it("a pilot without youths gives a workbook with the header row only", async () => {
    const s = buildSummary({
      pilot: { key: "x", name: "X", organisation: "O" },
      waveInstruments: [],
      participants: [],
      indicators: [],
      waveDefinitions: {},
      occasions: [],
      completionMinutes: [],
      staffForms: [],
    });
    const data = (await read(wideXlsx(s))).getWorksheet("Gegevens")!;
    expect(data.rowCount).toBe(1);
    expect(data.getCell("A1").value).toBe("participant_code");
  });

  it("the writer: column names past Z, control characters dropped, rounding half away from zero", async () => {
    expect([0, 25, 26, 51, 52, 701, 702].map(columnName)).toEqual(["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]);
    expect([
      roundTo(1.005, 2),
      roundTo(-0.125, 2),
      roundTo(2.5, 0),
      roundTo(-0.0001, 2),
      roundTo(3.6666666666666665, 2),
    ]).toEqual([1.01, -0.13, 3, 0, 3.67]);
    const wb = await read(
      xlsx([
        {
          name: "a/b:c?",
          rows: [Array.from({ length: 30 }, (_, i) => `h${i}`), ["bel\u0007l", { value: 1 / 3, decimals: 3 }, 42]],
        },
      ]),
    );
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe("a_b_c_");
    expect(ws.getCell("AD1").value).toBe("h29");
    expect(ws.getCell("A2").value).toBe("bell");
    expect(ws.getCell("B2").value).toBe(0.333);
    expect(ws.getCell("C2").value).toBe(42);
  });
});
