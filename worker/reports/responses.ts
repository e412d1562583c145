// Response schemas of the reports API: the per-pilot summary model (summary.json; the CSV and HTML
// renderers read the same model, and worker/reports/summary.ts derives its types from these schemas) and
// the recompute result. Strict objects: a field the description does not name is a mismatch in the tests.
import { z } from "zod";
import { INTEGRAL_SECTION_KEYS } from "../../core/report-sections";
import { indicatorResults, occasions, PARTICIPANT_STATUSES } from "../../schema/tables";
import { norm } from "../studies/validators";

const text = z.strictObject({ nl: z.string(), en: z.string() });
export const wave = z.enum(occasions.wave.enumValues);
const band = z.enum(indicatorResults.band.enumValues);
export const flag = z.enum(["++", "--"]).nullable();
export const change = z.enum(["improved", "deteriorated"]).nullable();
/** Report table 2.3: GCI-R against the norm's ±1 SD, ATMQ against its percentiles, TASC against the own group at T1. */
export const bandMethod = z.enum(["normSd", "normPercentiles", "ownGroupT1Sd"]);

/** One stored indicator_results row as the summary reads it (participantId is the internal id). */
export const storedIndicator = z.strictObject({
  participantId: z.int(),
  indicator: z.string(),
  n: z.int().min(0),
  mean: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  slopePerMeasurement: z.number().nullable(),
  slopePerDay: z.number().nullable(),
  kendallS: z.number().nullable(),
  p: z.number().nullable(),
  trend: z.enum(indicatorResults.trend.enumValues).nullable(),
  band: band.nullable(),
});

/** A table cell: wave cells name the wave they show (null: none yet beyond T1); n = measurements or youths. */
export const cell = z.strictObject({
  value: z.number().nullable(),
  band: band.nullable(),
  flag,
  wave: wave.nullable().optional(),
  n: z.int().min(0).optional(),
  /** "nr": due and not answered (non-response); an empty cell without it is not yet due or not filled in */
  mark: z.literal("nr").optional(),
});

/** Column groups of report table 3.3, in its order: Doelgroep, Behandelkenmerken, Pilotspecifiek, Uitkomsten. */
export const integralSection = z.enum(INTEGRAL_SECTION_KEYS);
/** What each band means for one indicator, with its cut-offs (report table 2.3); null: no band. */
export const bandRule = z.strictObject({ high: text, middle: text, low: text }).nullable();

export const integralColumn = z.strictObject({
  key: z.string(),
  label: text,
  group: z.enum(["risl", "wave", "frequent"]),
  section: integralSection,
  instrument: z.string().optional(),
  subscale: z.string().optional(),
  bandRule,
});

const waveCell = cell.extend({
  nonResponse: z.boolean(),
  /** her answers to this wave were erased on request: not non-response, not a score */
  erased: z.boolean(),
});
const rci = z.number().nullable();
export const waveRow = z.strictObject({
  code: z.string(),
  scores: z.strictObject({ T1: waveCell, T2: waveCell, T3: waveCell }),
  /** RCI against the previous answered wave and against T1 */
  changes: z.strictObject({
    T2vsT1: change,
    T3vsT2: change,
    T3vsT1: change,
    rci: z.strictObject({ T2vsT1: rci, T3vsT2: rci, T3vsT1: rci }),
  }),
  /** Bijlage 1 table 4 (TASC): her first and last measurement, the change between them by RCI */
  firstLast: z
    .strictObject({
      first: z.strictObject({ wave, value: z.number() }).nullable(),
      last: z.strictObject({ wave, value: z.number(), band: band.nullable(), change, rci }).nullable(),
    })
    .optional(),
});

const count = z.int().min(0);
/** A count below the pilot's minimum cell size is never given: count null, suppressed true ("< 3"). */
const protectedCount = z.strictObject({ count: count.nullable(), suppressed: z.boolean() });

/** Report table 3.1: fixed fields only (no free text); statistics of fewer youths than the minimum are withheld. */
export const backgroundTableSchema = z.strictObject({
  n: z.int().min(1),
  minCellSize: z.int().min(1),
  numeric: z.array(
    z.strictObject({
      field: z.string(),
      label: text,
      ...protectedCount.shape,
      mean: z.number().nullable(),
      sd: z.number().nullable(),
      min: z.number().nullable(),
      max: z.number().nullable(),
    }),
  ),
  categorical: z.array(
    z.strictObject({
      field: z.string(),
      label: text,
      counts: z.array(z.strictObject({ value: z.string(), label: text, ...protectedCount.shape })),
    }),
  ),
});

export const summarySchema = z.strictObject({
  pilot: z.strictObject({ key: z.string(), name: z.string(), organisation: z.string(), timezone: z.string() }),
  participantCount: z.int().min(0),
  /** the pilot's report settings: minimum cell size, RIS-L cut-offs from the study group or the pilot's own */
  settings: z.strictObject({ minCellSize: z.int().min(1), rislNormGroup: z.enum(["study", "pilot"]) }),
  /** Table 3.3: per youth the RIS-L sums, the last wave beyond T1 and the frequent indicators */
  integral: z.strictObject({
    columns: z.array(integralColumn),
    rows: z.array(z.strictObject({ code: z.string(), cells: z.record(z.string(), cell) })),
    groupMean: z.record(z.string(), cell),
  }),
  waveTables: z.array(
    z.strictObject({
      instrument: z.string(),
      subscale: z.string(),
      label: text,
      higherIsBetter: z.boolean(),
      bandMethod,
      norm: norm.nullable(),
      /** "firstLast": Bijlage 1 table 4 (TASC) shows first and last measurement */
      layout: z.enum(["waves", "firstLast"]),
      bandRule,
      rows: z.array(waveRow),
      /** the group-mean row: per wave the mean of the youths' scores (n youths), and of first and last */
      groupMean: z.strictObject({ T1: cell, T2: cell, T3: cell, first: cell, last: cell }),
    }),
  ),
  frequentTables: z.array(
    z.strictObject({
      indicator: z.string(),
      label: text,
      aggregate: z.enum(["mean", "count_yes"]),
      /** a pilot item whose wording changed: each instrument version that asked it with its wording, oldest first */
      versions: z.array(z.strictObject({ version: z.int().min(1), text })).optional(),
      /** a pilot item the newest instrument version no longer asks (its series ended) */
      retired: z.boolean().optional(),
      bandRule,
      rows: z.array(storedIndicator.omit({ participantId: true }).extend({ code: z.string(), flag })),
      /** the group-mean row: mean number of measurements and mean of the youths' means */
      groupMean: z.strictObject({ n: z.number().nullable(), mean: z.number().nullable(), band: band.nullable() }),
    }),
  ),
  response: z.strictObject({
    /** erased: invited waves whose answers were erased on request (neither completed nor non-response) */
    perWave: z.array(
      z.strictObject({ wave, invited: z.int().min(0), completed: z.int().min(0), erased: z.int().min(0) }),
    ),
    perYouth: z.array(
      z.strictObject({
        code: z.string(),
        status: z.enum(PARTICIPANT_STATUSES),
        scheduled: z.int().min(0),
        completed: z.int().min(0),
        /**
         * frequent occasions whose answers were erased on request (part of scheduled; not completed, not non-response)
         */
        erased: z.int().min(0),
        waves: z.strictObject({
          T1: z.enum(["completed", "missed", "erased"]).nullable(),
          T2: z.enum(["completed", "missed", "erased"]).nullable(),
          T3: z.enum(["completed", "missed", "erased"]).nullable(),
        }),
      }),
    ),
    medianCompletionMinutes: z.number().nullable(),
  }),
  /** null without background forms */
  background: backgroundTableSchema.nullable(),
  warnings: z.array(z.string()),
});

export const recomputeResponse = z.strictObject({
  pilot: z.string(),
  participants: z.int().min(0),
  changed: z.int().min(0),
  /** staff signals opened and cleared by the evaluation that follows the recompute */
  signals: z.strictObject({ opened: z.int().min(0), cleared: z.int().min(0) }),
  force: z.boolean(),
  ms: z.int().min(0),
});
