// The pure summary model: integral-table rules, RCI flags, non-response, bands per method, group mean,
// response and background tables (DESIGN.md §3).
import { describe, expect, it } from "vitest";
import { GCIR, TASC } from "../../schema/instruments/definitions";
import type { WaveDefinition } from "../../worker/analysis/waves";
import {
  backgroundTable,
  buildSummary,
  flagOf,
  type StoredIndicator,
  type SummaryInput,
} from "../../worker/reports/summary";
import { rislSum } from "../../schema/staff-forms";

const ind = (
  participantId: number,
  indicator: string,
  mean: number | null,
  extra: Partial<StoredIndicator> = {},
): StoredIndicator => ({
  participantId,
  indicator,
  n: mean === null ? 0 : 1,
  mean,
  min: null,
  max: null,
  slopePerMeasurement: null,
  slopePerDay: null,
  kendallS: null,
  p: null,
  trend: null,
  band: null,
  ...extra,
});

function input(over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    pilot: { key: "gezinshuizen", name: "Gezinshuizen", organisation: "Org" },
    waveInstruments: ["gcir", "tasc"],
    participants: [
      { id: 1, code: "B", status: "active" },
      { id: 2, code: "A", status: "left_care" },
      { id: 3, code: "C", status: "active" },
    ],
    indicators: [],
    waveDefinitions: { gcir: GCIR as unknown as WaveDefinition, tasc: TASC as unknown as WaveDefinition },
    occasions: [],
    completionMinutes: [],
    staffForms: [],
    ...over,
  };
}

describe("buildSummary", () => {
  it("sorts youths by code and keeps every table in the same order", () => {
    const s = buildSummary(input());
    expect(s.integral.rows.map((r) => r.code)).toEqual(["A", "B", "C"]);
    expect(s.response.perYouth.map((r) => r.code)).toEqual(["A", "B", "C"]);
    for (const t of [...s.waveTables, ...s.frequentTables]) expect(t.rows.map((r) => r.code)).toEqual(["A", "B", "C"]);
  });

  it(
    "integral wave cells come from the last completed wave unless " +
      "that is T1, marked with the wave, flagged by RCI against T1",
    () => {
      const s = buildSummary(
        input({
          indicators: [
            ind(1, "wave:T1:gcir.totaal", 2.0),
            ind(1, "wave:T2:gcir.totaal", 2.2),
            ind(1, "wave:T3:gcir.totaal", 4.5), // T3 − T1 = 2.5, Sdiff = √(2·0.36·0.1) ≈ 0.268 → improved
            ind(2, "wave:T1:gcir.totaal", 3.0), // only T1: empty
            ind(3, "wave:T1:gcir.totaal", 3.0),
            ind(3, "wave:T2:gcir.totaal", 3.1), // no reliable change
          ],
        }),
      );
      // Table 3.3 shows the GCI-R total ("Totaal leefklimaat"); its subscales are in the appendix tables only.
      expect(s.integral.columns.some((c) => c.key === "gcir.ondersteuning")).toBe(false);
      const col = "gcir.totaal";
      const [a, b, c] = s.integral.rows;
      expect(b!.cells[col]).toMatchObject({ value: 4.5, wave: "T3", flag: "++", band: "high" });
      expect(a!.cells[col]).toMatchObject({ value: null, wave: null, flag: null, band: null });
      expect(c!.cells[col]).toMatchObject({ value: 3.1, wave: "T2", flag: null, band: "middle" });
      expect(s.integral.groupMean[col]!.value).toBeCloseTo((4.5 + 3.1) / 2, 12);
    },
  );

  it(
    "wave tables: non-response instead of 0, RCI against the " +
      "previous answered wave and against T1, Repressie inverted",
    () => {
      const s = buildSummary(
        input({
          indicators: [ind(1, "wave:T1:gcir.repressie", 2.0), ind(1, "wave:T3:gcir.repressie", 3.8)],
          occasions: (["T1", "T2", "T3"] as const).map((wave) => ({
            participantId: 1,
            kind: "wave" as const,
            wave,
            due: 1,
            completed: wave === "T2" ? 0 : 1,
          })),
        }),
      );
      const t = s.waveTables.find((x) => x.subscale === "repressie")!;
      const row = t.rows.find((r) => r.code === "B")!;
      expect(row.scores.T2).toMatchObject({ nonResponse: true, value: null });
      expect(row.scores.T1.nonResponse).toBe(false);
      // A wave that was never due is not non-response: youth A has no wave occasions at all.
      expect(t.rows.find((r) => r.code === "A")!.scores.T2).toMatchObject({ nonResponse: false, value: null });
      // T2 missing: T3 is compared with T1 as its previous answered wave.
      expect(row.changes.T3vsT2).toBe("deteriorated");
      expect(row.changes.T3vsT1).toBe("deteriorated");
      expect(row.changes.T2vsT1).toBeNull();
      const sdiff = Math.sqrt(2 * (0.7 * Math.sqrt(1 - 0.8)) ** 2);
      expect(row.changes.rci.T3vsT1).toBeCloseTo(1.8 / sdiff, 12);
      // Repressie 3.8 > norm mean 2.9 + 0.7: high raw score, so the band is low (pink).
      expect(row.scores.T3.band).toBe("low");
      expect(s.integral.rows[1]!.cells["gcir.repressie"]).toBeUndefined(); // subscales: appendix only
    },
  );

  it("TASC is banded against ±1 SD of the own group at T1", () => {
    const s = buildSummary(
      input({
        indicators: [
          ind(1, "wave:T1:tasc.totaal", 2.0),
          ind(2, "wave:T1:tasc.totaal", 3.0),
          ind(3, "wave:T1:tasc.totaal", 4.0),
          ind(3, "wave:T2:tasc.totaal", 4.5),
        ],
      }),
    );
    const t = s.waveTables.find((x) => x.instrument === "tasc")!;
    expect(t.bandMethod).toBe("ownGroupT1Sd");
    // group T1: 2, 3, 4 → mean 3, sd 1: 2 and 4 are on the cut-offs (middle), 4.5 above (high)
    expect(t.rows.map((r) => r.scores.T1.band)).toEqual(["middle", "middle", "middle"]);
    expect(t.rows[2]!.scores.T2.band).toBe("high");
  });

  it("an impossible norm does not break the summary: no RCI, and a warning says why", () => {
    const bad = JSON.parse(JSON.stringify(GCIR)) as WaveDefinition;
    bad.subscales![0]!.norm!.reliability = 1;
    const s = buildSummary(
      input({
        waveDefinitions: { gcir: bad },
        waveInstruments: ["gcir"],
        indicators: [ind(1, "wave:T1:gcir.ondersteuning", 2), ind(1, "wave:T2:gcir.ondersteuning", 4)],
      }),
    );
    expect(s.waveTables[0]!.rows[1]!.changes.T2vsT1).toBeNull();
    expect(s.warnings.join(" ")).toMatch(/gcir\.ondersteuning: .*reliability/);
  });

  it(
    "frequent cells: stored mean and band, ++/-- by direction; " + "the group mean is banded with the fixed cut-offs",
    () => {
      const s = buildSummary(
        input({
          indicators: [
            ind(1, "welzijn", 7.5, { trend: "up", band: "high" }),
            ind(2, "welzijn", 4, { trend: "down", band: "low" }),
            ind(3, "welzijn", null),
          ],
        }),
      );
      expect(s.integral.rows.map((r) => r.cells.welzijn!.flag)).toEqual(["--", "++", null]);
      expect(s.integral.groupMean.welzijn).toMatchObject({ value: 5.75, band: "middle", n: 2 });
      expect(flagOf("down", false)).toBe("++");
    },
  );

  it(
    "RIS-L columns appear only with RIS-L forms, banded by the " +
      "pilot's quartiles when set to its own group, risks inverted",
    () => {
      expect(buildSummary(input()).integral.columns.some((c) => c.group === "risl")).toBe(false);
      const s = buildSummary(
        input({
          staffForms: [
            {
              participantId: 1,
              form: "risl",
              data: { signals: 10, risks: 1, protective: { a: "yes", b: true, c: "no" } },
            },
            { participantId: 2, form: "risl", data: { signals: 2, risks: 5, protective: 0 } },
            { participantId: 3, form: "risl", data: { signals: 5, risks: 3, protective: 1 } },
          ],
          settings: { rislNormGroup: "pilot" },
          studyRisl: [{ signals: 100, risks: 100, protective: 100 }],
        }),
      );
      const cells = s.integral.rows.map((r) => r.cells);
      expect(cells.map((c) => c["risl.signals"]!.value)).toEqual([2, 10, 5]);
      expect(cells.map((c) => c["risl.signals"]!.band)).toEqual(["high", "low", "middle"]); // many signals = pink
      expect(cells[1]!["risl.protective"]!.value).toBe(2);
    },
  );

  it("response per wave and per youth counts due and completed occasions, and the median completion time", () => {
    const s = buildSummary(
      input({
        occasions: [
          { participantId: 1, kind: "wave", wave: "T1", due: 1, completed: 1 },
          { participantId: 2, kind: "wave", wave: "T1", due: 1, completed: 0 },
          { participantId: 1, kind: "wave", wave: "T2", due: 0, completed: 0 }, // planned, not yet due
          { participantId: 1, kind: "frequent", wave: null, due: 10, completed: 7 },
        ],
        completionMinutes: [3, 1, 2, 10],
      }),
    );
    expect(s.response.perWave).toEqual([
      { wave: "T1", invited: 2, completed: 1, erased: 0 },
      { wave: "T2", invited: 0, completed: 0, erased: 0 },
      { wave: "T3", invited: 0, completed: 0, erased: 0 },
    ]);
    const b = s.response.perYouth.find((y) => y.code === "B")!;
    expect(b).toMatchObject({ scheduled: 10, completed: 7, waves: { T1: "completed", T2: null, T3: null } });
    expect(s.response.perYouth.find((y) => y.code === "A")!.waves.T1).toBe("missed");
    expect(s.response.medianCompletionMinutes).toBe(2.5);
  });
});

describe("backgroundTable and rislSum", () => {
  it("summarises the fixed fields only: unknown fields, dates, free text and 'namelijk' texts never appear", () => {
    const t = backgroundTable(
      [
        {
          data: {
            ageAtPilotStart: 14,
            educationLevel: "vmbo_bk",
            careBefore: ["ambulant", "crisis"],
            naam: "X",
            dateOfBirth: "2010-01-01",
            careStartDate: "2024-01-01",
            referralReason: "xxxx reason",
            dsmCodes: ["F43.1"],
            income: "other",
            incomeOther: "kapper zaterdag",
          },
        },
        {
          data: {
            ageAtPilotStart: 18,
            educationLevel: "vmbo_bk",
            careBefore: ["ambulant"],
            income: "other",
            incomeOther: "yyyy",
          },
        },
      ],
      2,
    )!;
    expect(t.n).toBe(2);
    expect(t.numeric).toEqual([
      {
        field: "ageAtPilotStart",
        label: { nl: "Leeftijd start pilot", en: "Age at pilot start" },
        count: 2,
        suppressed: false,
        mean: 16,
        sd: Math.sqrt(8),
        min: 14,
        max: 18,
      },
    ]);
    expect(t.categorical.map((c) => [c.field, c.counts.map((x) => [x.value, x.count, x.suppressed])])).toEqual([
      ["educationLevel", [["vmbo_bk", 2, false]]],
      [
        "careBefore",
        [
          ["ambulant", 2, false],
          ["crisis", null, true],
        ],
      ],
      ["income", [["other", 2, false]]],
    ]);
    expect(JSON.stringify(t)).not.toMatch(/naam|2010|2024|xxxx|F43|kapper|yyyy/);
    expect(backgroundTable([])).toBeNull();
  });

  it("withholds counts and statistics below the minimum cell size (default 3)", () => {
    const forms = [
      { data: { ageAtPilotStart: 15, countryOfOrigin: "nl" } },
      { data: { ageAtPilotStart: 16, countryOfOrigin: "nl" } },
      { data: { countryOfOrigin: "non_west_european" } },
    ];
    const t = backgroundTable(forms)!;
    expect(t.minCellSize).toBe(3);
    expect(t.numeric[0]).toMatchObject({
      field: "ageAtPilotStart",
      count: null,
      suppressed: true,
      mean: null,
      sd: null,
      min: null,
      max: null,
    });
    expect(t.categorical[0]!.counts).toEqual([
      { value: "nl", label: { nl: "Nederland", en: "The Netherlands" }, count: null, suppressed: true },
      {
        value: "non_west_european",
        label: { nl: "Niet-West-Europees", en: "Non-West European" },
        count: null,
        suppressed: true,
      },
    ]);
    const loose = backgroundTable(forms, 1)!;
    expect(loose.categorical[0]!.counts.map((c) => c.count)).toEqual([2, 1]);
    expect(loose.numeric[0]).toMatchObject({ count: 2, mean: 15.5, min: 15, max: 16 });
  });

  it("counts the problems at referral per option as their own row group, a count under the minimum as '< n'", () => {
    const problems = [
      ["trauma", "sexual_risk"],
      ["trauma", "safety"],
      ["trauma", "sexual_risk", "other"],
      ["sexual_risk", "trauma"],
    ];
    const forms = problems.map((referralProblems, i) => ({
      data: {
        referralProblems,
        ...(referralProblems.includes("other") ? { referralProblemsOther: `zzzz namelijk ${i}` } : {}),
      },
    }));
    const t = backgroundTable(forms)!;
    const group = t.categorical.find((c) => c.field === "referralProblems")!;
    expect(group.label).toEqual({ nl: "Problematiek bij aanmelding", en: "Problems at referral" });
    expect(group.counts.map((x) => [x.value, x.count, x.suppressed])).toEqual([
      ["trauma", 4, false],
      ["sexual_risk", 3, false],
      ["safety", null, true],
      ["other", null, true],
    ]);
    expect(group.counts[0]!.label.nl).toBe("Trauma, ook vroegkinderlijk of complex");
    expect(backgroundTable(forms, 5)!.categorical[0]!.counts.every((x) => x.suppressed)).toBe(true);
    expect(JSON.stringify(t)).not.toMatch(/zzzz|namelijk|referralProblemsOther/);
  });

  it("old free text loads as its option or as 'anders', and counts so", () => {
    const t = backgroundTable(
      [
        { data: { educationLevel: "VMBO basis/kader" } },
        { data: { educationLevel: "mbo" } },
        { data: { educationLevel: "Cursus bij de buurman" } },
        { data: { educationLevel: "mbo " } },
      ],
      1,
    )!;
    expect(t.categorical[0]!.counts.map((c) => [c.value, c.count])).toEqual([
      ["vmbo_bk", 1],
      ["mbo", 2],
      ["other", 1],
    ]);
    expect(JSON.stringify(t)).not.toContain("buurman");
  });

  it(
    "derives months in the institution before the pilot and " +
      "months in the pilot (to the end date, leaving care or today)",
    () => {
      const base = { waveInstruments: [], waveDefinitions: {}, indicators: [], occasions: [], completionMinutes: [] };
      const s = buildSummary({
        ...base,
        pilot: { key: "fier", name: "Fier", organisation: "O" },
        today: "2025-01-01",
        settings: { minCellSize: 1 },
        participants: [
          { id: 1, code: "A", status: "active", pilotStartDate: "2024-03-01" },
          { id: 2, code: "B", status: "left_care", pilotStartDate: "2024-01-01", leftCareAt: "2024-07-01" },
          { id: 3, code: "C", status: "active", pilotStartDate: "2024-06-01" },
        ],
        staffForms: [
          { participantId: 1, form: "background", data: { careStartDate: "2023-12-01" } },
          { participantId: 2, form: "background", data: { careStartDate: "2024-01-01" } },
          {
            participantId: 3,
            form: "background",
            data: { careStartDate: "2024-04-01", pilotStartDate: "2024-05-01", pilotEndDate: "2024-11-01" },
          },
        ],
      });
      const row = (f: string) => s.background!.numeric.find((x) => x.field === f)!;
      // before: 3, 0, 1 months; in the pilot: 10 (to today), 6 (to leaving care), 6 (to the form's end date)
      expect(row("monthsBeforePilot")).toMatchObject({ count: 3, min: 0, max: 3 });
      expect(row("monthsBeforePilot").mean).toBeCloseTo((3 + 0 + 1) / 3, 0);
      expect(row("monthsInPilot")).toMatchObject({ count: 3, min: 6 });
      expect(row("monthsInPilot").max).toBeCloseTo(10, 0);
    },
  );

  it("rislSum counts yes answers or takes a number", () => {
    expect(rislSum({ a: "yes", b: "no", c: "unknown", d: true })).toBe(2);
    expect(rislSum(4)).toBe(4);
    expect(rislSum(undefined)).toBeNull();
    expect(rislSum("3")).toBeNull();
  });
});

// The chart component is tested in test/reports/chart.test.ts.

describe("Dutch numbers and local time (core/format.ts)", () => {
  it("decimal comma in Dutch, point in English; empty for missing; no minus zero", async () => {
    const { formatNumber } = await import("../../core/format");
    expect(formatNumber(1.96, 2, "nl")).toBe("1,96");
    expect(formatNumber(1.96, 2, "en")).toBe("1.96");
    expect(formatNumber(3.6666666666666665, 2)).toBe("3,67");
    expect(formatNumber(-0.0001, 2, "nl")).toBe("0,00");
    expect(formatNumber(7, 0, "nl")).toBe("7");
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatNumber(v, 2)).toBe("");
  });

  it("times in the given zone, summer and winter", async () => {
    const { formatDateTime, formatDate } = await import("../../core/format");
    expect(formatDateTime(Date.UTC(2026, 6, 1, 10, 5), "Europe/Amsterdam", "nl")).toBe("01-07-2026 12:05");
    expect(formatDateTime(Date.UTC(2026, 0, 1, 23, 30), "Europe/Amsterdam", "nl")).toBe("02-01-2026 00:30");
    expect(formatDateTime(Date.UTC(2026, 0, 1, 23, 30, 7), "Europe/Amsterdam", "nl", { seconds: true })).toBe(
      "02-01-2026 00:30:07",
    );
    expect(formatDate(Date.UTC(2026, 0, 1, 23, 30), "Europe/Amsterdam", "nl")).toBe("02-01-2026");
  });
});
