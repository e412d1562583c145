// The pure rules of light coding: labels, descriptions, the codebook CSV reader and the import plan.
import { describe, expect, it } from "vitest";
import { checkDescription, checkLabel, codebookDelimiter, planImport, readCodebook } from "../../worker/comments/rules";
import { CodingRefusal, reasonText } from "../../worker/comments/refusal";
import { parseCsv } from "../../worker/studies/csv";

const read = (text: string) => readCodebook(parseCsv(text, codebookDelimiter(text)));

describe("labels and descriptions", () => {
  it("accepts letters and digits of any script, space, - and _, 1 to 40 characters, trimmed", () => {
    expect(checkLabel("  Stage  ")).toEqual({ ok: true, value: "Stage" });
    expect(checkLabel("conflict   thuis")).toEqual({ ok: true, value: "conflict thuis" });
    for (const ok of ["Zelfvertrouwen", "a", "x".repeat(40), "één_twee-3", "Ünïcödé", "2e kans"])
      expect(checkLabel(ok).ok, ok).toBe(true);
  });
  it("refuses markup, quotes, punctuation, formula starts, empty and too long", () => {
    for (const bad of [
      "<b>",
      "a>b",
      'x"y',
      "it's",
      "a&b",
      "a;b",
      "=1",
      "+a",
      "-a",
      "@a",
      "_a",
      "",
      "  ",
      "x".repeat(41),
      "tab\there",
      5,
      null,
    ]) {
      expect(checkLabel(bad).ok, String(bad)).toBe(false);
    }
  });
  it("descriptions: optional plain text up to 200 characters, no < > or control characters", () => {
    expect(checkDescription(undefined)).toEqual({ ok: true, value: null });
    expect(checkDescription("  ")).toEqual({ ok: true, value: null });
    expect(checkDescription("=SUM(A1), 'quoted' \"too\"")).toEqual({ ok: true, value: "=SUM(A1), 'quoted' \"too\"" });
    for (const bad of ["<i>x</i>", "a > b", "line\nbreak", "x".repeat(201)])
      expect(checkDescription(bad).ok, bad).toBe(false);
  });
});

describe("codebook CSV", () => {
  it("reads comma and semicolon files with English or Dutch headers, strips our own formula apostrophe", () => {
    expect(read('\uFEFFcode,description\r\nStage,"School, werk"\r\nThuis,\'=x\r\n')).toEqual({
      ok: true,
      rows: [
        { line: 2, label: "Stage", description: "School, werk" },
        { line: 3, label: "Thuis", description: "=x" },
      ],
    });
    expect(read("Code;Omschrijving\nStage;School, werk\n")).toEqual({
      ok: true,
      rows: [{ line: 2, label: "Stage", description: "School, werk" }],
    });
    expect(read("label\nStage\n")).toEqual({ ok: true, rows: [{ line: 2, label: "Stage", description: undefined }] });
  });
  it("names unknown columns and every bad row; nothing is returned to store", () => {
    expect(read("code,kleur,notes\nA,b,c\n")).toEqual({
      ok: false,
      errors: [{ line: 1, reason: { key: "staff.coding.csv.unknown", params: { columns: '"kleur", "notes"' } } }],
    });
    const r = read("code,description\nA,ok\n<b>,x\na,dup\nB,<i>\n");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5]);
      expect(r.errors.map((e) => e.reason.key)).toEqual([
        "staff.coding.label.chars",
        "staff.coding.csv.twice",
        "staff.coding.description.chars",
      ]);
      expect(r.errors[1]!.reason.params).toEqual({ label: "a", line: 2 });
    }
    expect(read("code,code\nA,B\n").ok).toBe(false);
    expect(read("code,constructor\nA,B\n")).toEqual({
      ok: false,
      errors: [{ line: 1, reason: { key: "staff.coding.csv.unknown", params: { columns: '"constructor"' } } }],
    });
  });
  it("plans an import: new codes, changed descriptions (case does not count), unchanged", () => {
    const existing = [
      { id: 1, label: "Stage", description: "old" },
      { id: 2, label: "Thuis", description: null },
    ];
    const plan = planImport(existing, [
      { line: 2, label: "stage", description: "new" },
      { line: 3, label: "Thuis", description: null },
      { line: 4, label: "Vrije tijd", description: null },
      { line: 5, label: "STAGE2", description: undefined },
    ]);
    expect(plan).toEqual({
      create: [
        { line: 4, label: "Vrije tijd", description: null },
        { line: 5, label: "STAGE2", description: undefined },
      ],
      update: [{ id: 1, label: "Stage", description: "new" }],
      unchanged: 1,
    });
    expect(planImport(existing, [{ line: 2, label: "STAGE", description: undefined }])).toEqual({
      create: [],
      update: [],
      unchanged: 1,
    });
  });
});

describe("refusal texts", () => {
  it("come from the catalogue, Dutch for the pages and English for the API, with their placeholders filled", () => {
    const reason = { key: "staff.coding.csv.twice", params: { label: "Stage", line: 2 } } as const;
    expect(reasonText(reason)).toBe('the code "Stage" appears twice (also on line 2; case does not count)');
    expect(reasonText(reason, "nl")).toBe(
      'de code "Stage" staat twee keer in het bestand (ook op regel 2; hoofdletters tellen niet mee)',
    );
    const e = new CodingRefusal(
      "validation",
      [{ line: 3, reason }, { reason: { key: "staff.coding.label.empty" } }],
      "x",
    );
    expect(e.texts("nl")).toEqual([
      'regel 3: de code "Stage" staat twee keer in het bestand (ook op regel 2; hoofdletters tellen niet mee)',
      "De code is leeg",
    ]);
    expect(e.status).toBe(400);
  });
});
