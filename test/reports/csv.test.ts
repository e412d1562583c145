// CSV cells are neutralised against formula injection (OWASP): a text cell starting with = + - @ tab or
// CR gets a leading apostrophe; quoting follows RFC 4180; the file starts with a UTF-8 BOM.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../../worker/lib/csv";
import { answersCsv, varName } from "../../worker/reports/exports";
import { parseCsv } from "../support/csv";

describe("csvCell", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+31612345678", "'+31612345678"],
    ["-2", "'-2"],
    ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
    ["\tcmd", "'\tcmd"],
    ["\r=1", '"\'\r=1"'],
    ['=HYPERLINK("http://x","klik")', '"\'=HYPERLINK(""http://x"",""klik"")"'],
    ["gewoon, met komma", '"gewoon, met komma"'],
    ['zei "hoi"', '"zei ""hoi"""'],
    ["twee\nregels", '"twee\nregels"'],
    ["a=b", "a=b"],
    ["", ""],
  ])("%j → %j", (input, out) => expect(csvCell(input)).toBe(out));

  it("writes numbers with a point as decimal separator and leaves negative numbers alone", () => {
    expect(csvCell(-2.5)).toBe("-2.5");
    expect(csvCell(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvCell(1e-7)).toBe("1e-7");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(Infinity)).toBe("");
    expect(csvCell(null)).toBe("");
  });

  it("round-trips any text through a CSV parser without a cell ever starting like a formula", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "a", "1", " ", "é") }),
            { minLength: 2, maxLength: 2 },
          ),
          { maxLength: 8 },
        ),
        (rows) => {
          const parsed = parseCsv(toCsv(["a", "b"], rows));
          expect(parsed.length).toBe(rows.length + 1);
          parsed.slice(1).forEach((r, i) => {
            r.forEach((cell, j) => {
              expect(cell).not.toMatch(/^[=+\-@\t\r]/);
              const original = rows[i]![j]!;
              expect(cell).toBe(/^[=+\-@\t\r]/.test(original) ? `'${original}` : original);
            });
          });
        },
      ),
    );
  });

  it("starts with a BOM and ends rows with CRLF", () => {
    const s = toCsv(["x"], [["1"]]);
    expect(s.charCodeAt(0)).toBe(0xfeff);
    expect(s.slice(1)).toBe("x\r\n1\r\n");
  });
});

describe("answersCsv", () => {
  const row = [
    "=cmd|' /C calc'!A0",
    "frequent",
    null,
    1,
    "2026-01-01",
    "welzijn",
    1,
    "algemeen",
    0,
    0,
    "self",
    Date.UTC(2026, 0, 1, 12),
    "-1 dag",
  ] as const;
  it("omits the comment column unless asked and neutralises codes and comments", () => {
    const without = parseCsv(answersCsv([[...row]], false));
    expect(without[0]).not.toContain("comment");
    expect(without[1]![0]).toBe("'=cmd|' /C calc'!A0");
    expect(without[1]![8]).toBe("0"); // a 0 answer stays 0, not empty
    expect(without[1]![11]).toBe("2026-01-01T12:00:00.000Z");
    const withC = parseCsv(answersCsv([[...row]], true));
    expect(withC[0]!.at(-1)).toBe("comment");
    expect(withC[1]!.at(-1)).toBe("'-1 dag");
  });
});

describe("varName", () => {
  it.each([
    ["pilot_fier.toekomst", "pilot_fier_toekomst"],
    ["risl.signals", "risl_signals"],
    ["1st", "v_1st"],
    ["a--b..", "a_b"],
  ])("%s → %s", (a, b) => expect(varName(a)).toBe(b));
});
