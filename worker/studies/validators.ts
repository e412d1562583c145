// Request and response schemas of the studies API (zod v4: they also generate the OpenAPI document, and
// the response schemas are checked against every answer in the tests, see worker/http/validate-responses.ts).
import { z } from "zod";
import { TOKEN_MAX_DAYS } from "../../core/api-tokens";
import { occasions, PARTICIPANT_STATUSES, participants } from "../../schema/tables";
import { WAVE_EVERY_WEEKS } from "../schedule/schedule";
import { SIGNAL_LIMITS } from "../signals/rules";
import { REPORT_SETTING_LIMITS } from "./report-settings";
import {
  AGE_RANGE,
  BACKGROUND_FIELDS,
  BACKGROUND_OPTIONS,
  type BackgroundFieldKind,
  type BackgroundListField,
  DSM_CODES_MAX,
  MULTI_FIELDS,
  OTHER_FIELDS,
  optionKeys,
  otherField,
  RISL_ANSWERS,
  RISL_PARTS,
  type RislPart,
  TEXT_MAX,
} from "../../schema/staff-forms";

type DateField = "careStartDate" | "pilotStartDate" | "pilotEndDate";

export const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** Words that must never reach a youth (DESIGN.md §4): rejected in anything youth-facing a pilot configures. */
export const FORBIDDEN_WORDS = /slachtoffer|uitbuit|loverboy|mensenhandel|exploitation|exploit|victim|trafficking/i;

/** Dates this study can mean; year 9999 also breaks the time-zone arithmetic (the next day is year 10000). */
export const DATE_MIN = "1900-01-01";
export const DATE_MAX = "2999-12-31";
const isRealDate = (s: string) => {
  if (!DATE_RE.test(s) || s < DATE_MIN || s > DATE_MAX) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};
export const isoDate = z.string().refine(isRealDate, { message: "Expected a real date as YYYY-MM-DD (1900–2999)" });
export const code = z
  .string()
  .regex(CODE_RE, { message: "Code: 2–32 letters, digits, - or _, starting with a letter or digit" });
export const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
const neutral = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !FORBIDDEN_WORDS.test(s), { message: "Contains a word that may not reach a youth" })
    .refine((s) => !/[<>]/.test(s), { message: "No markup" });
const text = (max: number) => z.object({ nl: neutral(max), en: neutral(max) }).strict();

export const consent = z
  .object({
    by: z.enum(["self", "guardian"]),
    date: isoDate,
    /** consent by the youth herself requires her to be 16 or older */
    selfAge16Plus: z.boolean().optional(),
  })
  .strict()
  .refine((c) => c.by === "guardian" || c.selfAge16Plus === true, {
    message: "Self consent requires the youth to be 16 or older (selfAge16Plus: true)",
    path: ["selfAge16Plus"],
  });

export const enrolBody = z
  .object({
    code,
    pilotStartDate: isoDate,
    consent,
    email: email.nullable().optional(),
    mentorEmail: email.nullable().optional(),
  })
  .strict();

export const participantPatch = z
  .object({
    status: z
      .enum(PARTICIPANT_STATUSES.filter((s) => s !== "withdrawn") as ["active", "paused", "left_care", "completed"])
      .optional(),
    leftCareAt: isoDate.nullable().optional(),
    email: email.nullable().optional(),
    mentorEmail: email.nullable().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "Nothing to change" });
export type ParticipantPatch = z.infer<typeof participantPatch>;

export const eraseBody = z.object({ confirmCode: code }).strict();

export const listQuery = z.object({ status: z.enum(PARTICIPANT_STATUSES).optional() }).strict();

/** Staff signal rules (worker/signals/rules.ts): impossible thresholds are refused, nothing is stored. */
const threshold = (k: keyof typeof SIGNAL_LIMITS) =>
  z.number().int().min(SIGNAL_LIMITS[k].min).max(SIGNAL_LIMITS[k].max).optional();
const signalSettings = z
  .object({
    trendDown: z.boolean().optional(),
    lowTwice: z.boolean().optional(),
    lowCount: threshold("lowCount"),
    dropVsMedian: z.boolean().optional(),
    dropPoints: threshold("dropPoints"),
    dropMinEarlier: threshold("dropMinEarlier"),
    reliableDeterioration: z.boolean().optional(),
    missedInRow: z.boolean().optional(),
    missedCount: threshold("missedCount"),
    mail: z.boolean().optional(),
  })
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
/**
 * Quotes and control characters (C0, DEL, C1, the Unicode line and paragraph separators) cannot stand in
 * a From: display name: refused here, checked before trimming, so the API and the settings page say so
 * beside the field instead of the mail silently dropping the name.
 */
export const SENDER_NAME_FORBIDDEN = /["\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
export const senderName = z
  .string()
  .refine((s) => !SENDER_NAME_FORBIDDEN.test(s), { message: "No quotes or control characters (line breaks, tabs)" })
  .pipe(neutral(60));
export const settingsBody = z
  .object({
    timezone: z.string().min(1).max(64).optional(),
    senderName: senderName.optional(),
    quickExitUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .refine((u) => !FORBIDDEN_WORDS.test(u), { message: "Contains a word that may not reach a youth" })
      .optional(),
    schedule: z
      .object({
        frequentIntervalDays: z.number().int().min(14).max(28).optional(),
        frequentWindowDays: z.number().int().min(1).max(28).optional(),
        waveOffsetsDays: z
          .object({ T1: z.literal(0), T2: z.number().int().min(1).max(730), T3: z.number().int().min(2).max(1095) })
          .strict()
          .optional(),
        waveWindowDays: z.number().int().min(1).max(120).optional(),
        studyLengthDays: z.number().int().min(0).max(1095).optional(),
        instrumentEvery: z.record(z.string().max(64), z.number().int().min(1).max(12)).optional(),
        /** a wave instrument asked at its own interval besides T1/T2/T3 (worker/analysis/README.md) */
        waveSchedules: z
          .record(
            z.string().max(64),
            z.object({ everyWeeks: z.number().int().min(WAVE_EVERY_WEEKS.min).max(WAVE_EVERY_WEEKS.max) }).strict(),
          )
          .optional(),
      })
      .strict()
      .optional(),
    reminders: z
      .object({
        firstReminderAfterDays: z.number().int().min(0).max(60).optional(),
        maxReminders: z.number().int().min(0).max(10).optional(),
        minSpacingDays: z.number().int().min(0).max(60).optional(),
        quietHours: z.object({ start: hhmm, end: hhmm }).strict().optional(),
        quietWeekdays: z.array(z.number().int().min(1).max(7)).max(6).optional(),
        mentorAfterLastReminder: z.boolean().optional(),
        mentorAfterDays: z.number().int().min(0).max(60).optional(),
      })
      .strict()
      .optional(),
    frequentInstruments: z.array(z.string().min(1).max(64)).min(1).max(12).optional(),
    waveInstruments: z.array(z.string().min(1).max(64)).max(6).optional(),
    signals: signalSettings.optional(),
    /** summaries: the smallest count shown (below it "< n") and whose RIS-L scores set the RIS-L cut-offs */
    reports: z
      .object({
        minCellSize: z
          .number()
          .int()
          .min(REPORT_SETTING_LIMITS.minCellSize.min)
          .max(REPORT_SETTING_LIMITS.minCellSize.max)
          .optional(),
        rislNormGroup: z.enum(["study", "pilot"]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const itemKey = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);
export const pilotItemsBody = z
  .object({
    items: z
      .array(
        z.discriminatedUnion("type", [
          z
            .object({
              key: itemKey,
              type: z.literal("slider"),
              text: text(300),
              low: text(60).optional(),
              high: text(60).optional(),
              onlyWhenLeftCare: z.boolean().optional(),
            })
            .strict(),
          z.object({ key: itemKey, type: z.literal("yesno"), text: text(300) }).strict(),
        ]),
      )
      .min(1)
      .max(12)
      .refine((items) => new Set(items.map((i) => i.key)).size === items.length, {
        message: "Item keys must be unique",
      }),
  })
  .strict();
export type PilotItems = z.infer<typeof pilotItemsBody>;

export const norm = z
  .object({
    mean: z.number().finite(),
    sd: z.number().finite().positive(),
    reliability: z.number().min(0).lt(1),
    p25: z.number().finite().optional(),
    p75: z.number().finite().optional(),
    demo: z.boolean().optional(),
  })
  .strict()
  .refine((n) => (n.p25 === undefined) === (n.p75 === undefined) && (n.p25 === undefined || n.p25 < n.p75!), {
    message: "p25 and p75 come together and p25 < p75",
  });

/**
 * A wave-instrument definition file as the licence holder supplies it (items, scale, subscales, reverse keys, norms).
 */
export const instrumentDefinitionBody = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/),
    kind: z.literal("wave"),
    title: text(120),
    scale: z
      .object({ min: z.number().int(), max: z.number().int(), labels: z.array(text(60)) })
      .strict()
      .refine((s) => s.max > s.min && s.max - s.min <= 10 && s.labels.length === s.max - s.min + 1, {
        message: "max > min, at most 11 points, one label per point",
      }),
    subscales: z
      .array(z.object({ key: itemKey, label: text(80), higherIsBetter: z.boolean(), norm: norm.optional() }).strict())
      .min(1)
      .max(12),
    items: z
      .array(
        z
          .object({
            key: itemKey,
            type: z.literal("likert"),
            text: text(400),
            subscale: itemKey,
            reverse: z.boolean().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(200),
    /** norm of the total over all items (e.g. GCI-R "Totaal leefklimaat") */
    totalNorm: norm.optional(),
    demo: z.boolean().optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const subs = new Set(d.subscales.map((s) => s.key));
    if (subs.size !== d.subscales.length)
      ctx.addIssue({ code: "custom", message: "Subscale keys must be unique", path: ["subscales"] });
    if (new Set(d.items.map((i) => i.key)).size !== d.items.length)
      ctx.addIssue({ code: "custom", message: "Item keys must be unique", path: ["items"] });
    d.items.forEach((it, i) => {
      if (!subs.has(it.subscale))
        ctx.addIssue({ code: "custom", message: `Unknown subscale ${it.subscale}`, path: ["items", i, "subscale"] });
    });
    for (const s of d.subscales)
      if (!d.items.some((i) => i.subscale === s.key))
        ctx.addIssue({ code: "custom", message: `Subscale ${s.key} has no items`, path: ["subscales"] });
  });

/** API tokens expire: 90 days unless chosen otherwise at creation, at most a year (core/api-tokens.ts). */
export const tokenBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    role: z.enum(["researcher", "coordinator", "project_coordinator", "admin"]),
    pilots: z.array(z.string().min(1).max(40)).max(20).optional(),
    /** days the token is valid from its creation (default 90, at most 365) */
    expiresInDays: z.int().min(1).max(TOKEN_MAX_DAYS).optional(),
  })
  .strict()
  .refine(
    (b) => (b.role === "researcher" || b.role === "coordinator" ? (b.pilots?.length ?? 0) > 0 : !b.pilots?.length),
    {
      message: "Researcher and coordinator tokens need pilots; project coordinator and admin tokens cover all pilots",
      path: ["pilots"],
    },
  );

export const auditQuery = z
  .object({
    pilot: z.string().max(40).optional(),
    action: z.string().max(80).optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export const importQuery = z.object({ dryRun: z.enum(["true", "false", "1", "0"]).optional() }).strict();

// Staff forms (DESIGN.md §2.3): built from their definitions in schema/staff-forms.ts.
const ynu = z.enum(RISL_ANSWERS);
const shortText = z.string().trim().max(TEXT_MAX.text);
const otherText = z.string().trim().min(1).max(TEXT_MAX.other);
const one = (f: BackgroundListField) => z.enum(optionKeys(f));
const backgroundField: Record<BackgroundFieldKind, (f: BackgroundListField) => z.ZodType> = {
  number: () => z.number().int().min(AGE_RANGE.min).max(AGE_RANGE.max),
  date: () => isoDate,
  text: () => shortText,
  list: () => z.array(z.string().trim().max(TEXT_MAX.dsmCode)).max(DSM_CODES_MAX),
  select: one,
  checkboxes: (f) => z.array(one(f)).max(BACKGROUND_OPTIONS[f].length),
};
/**
 * Background characteristics (report table 3.1): every field optional, in page order; the categorical
 * fields are fixed lists with "anders, namelijk" as `other` plus `<field>Other` (right after its field);
 * referral reason and DSM codes stay free text for the file and never reach a summary.
 */
export const backgroundForm = z
  .object(
    Object.fromEntries(
      BACKGROUND_FIELDS.flatMap(([name, kind]) => [
        [name, backgroundField[kind](name as BackgroundListField).optional()],
        ...(OTHER_FIELDS.includes(name as BackgroundListField)
          ? [[otherField(name as BackgroundListField), otherText.optional()]]
          : []),
      ]),
    ) as Record<string, z.ZodOptional<z.ZodType>>,
  )
  .strict()
  .superRefine((form, ctx) => {
    const f = form as Record<string, unknown> & Partial<Record<DateField, string>>;
    for (const field of OTHER_FIELDS) {
      const v = f[field];
      const chosen = Array.isArray(v) ? v.includes("other") : v === "other";
      const text = f[otherField(field)];
      if (chosen && text === undefined)
        ctx.addIssue({
          code: "custom",
          path: [otherField(field)],
          message: "Vul 'anders, namelijk' in / Name the other answer",
        });
      if (!chosen && text !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [otherField(field)],
          message: "Alleen bij het antwoord 'anders' / Only with the answer 'other'",
        });
    }
    for (const field of MULTI_FIELDS) {
      const v = f[field];
      if (Array.isArray(v) && new Set(v).size !== v.length)
        ctx.addIssue({ code: "custom", path: [field], message: "Elke keuze één keer / Each option once" });
    }
    if (f.careStartDate && f.pilotStartDate && f.careStartDate > f.pilotStartDate)
      ctx.addIssue({
        code: "custom",
        path: ["careStartDate"],
        message: "Start zorg ligt na de start van de pilot / Care start is after the pilot start",
      });
    if (f.pilotEndDate && f.pilotStartDate && f.pilotEndDate < f.pilotStartDate)
      ctx.addIssue({
        code: "custom",
        path: ["pilotEndDate"],
        message: "Einde pilot ligt voor de start / Pilot end is before the pilot start",
      });
  });
/** The RIS-L: per part (schema/staff-forms.ts) each item answered yes, no or unknown. */
export const rislForm = z
  .object(
    Object.fromEntries(RISL_PARTS.map((p) => [p.key, z.array(ynu).length(p.items)])) as Record<
      RislPart,
      z.ZodArray<typeof ynu>
    >,
  )
  .strict();

/** The staff forms by name (`/forms/{form}`): background characteristics and the RIS-L. */
export const STAFF_FORMS = { background: backgroundForm, risl: rislForm } as const;
export type StaffFormName = keyof typeof STAFF_FORMS;

export const rislScoresResponse = z.strictObject({
  signals: z.int().min(0),
  risks: z.int().min(0),
  protective: z.int().min(0),
});

export const pilotBody = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, { message: "key: 2–40 lowercase letters, digits or -" }),
    name: z.string().trim().min(1).max(120),
    organisation: z.string().trim().min(1).max(120),
    timezone: z.string().min(1).max(64).optional(),
  })
  .strict();

/** PATCH /pilots/{pilot} and the admin page: name, organisation, time zone and instruments (the key never changes). */
export const pilotPatchBody = z
  .object({
    name: pilotBody.shape.name.optional(),
    organisation: pilotBody.shape.organisation.optional(),
    timezone: pilotBody.shape.timezone,
    frequentInstruments: settingsBody.shape.frequentInstruments,
    waveInstruments: settingsBody.shape.waveInstruments,
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "Nothing to change" });
export type PilotPatch = z.infer<typeof pilotPatchBody>;

const roleGrant = z
  .object({
    pilot: z.string().min(1).max(40).nullable(),
    role: z.enum(["researcher", "coordinator", "project_coordinator"]),
  })
  .strict();
const roleGrants = z
  .array(roleGrant)
  .max(50)
  .refine((rs) => rs.every((r) => (r.role === "project_coordinator") === (r.pilot === null)), {
    message: "project_coordinator has pilot null; researcher and coordinator name a pilot",
  });

export const staffUserBody = z
  .object({
    email,
    name: z.string().trim().min(1).max(120),
    isAdmin: z.boolean().optional(),
    roles: roleGrants.optional(),
  })
  .strict();
export const staffRolesBody = z.object({ roles: roleGrants }).strict();

// ---- Responses ---------------------------------------------------------------------------------------
// Epoch milliseconds are integers; dates are YYYY-MM-DD strings in the pilot's zone; absent values are
// null, never a missing key (except where marked optional).

const epochMs = z.int();
const dateString = z.string().regex(DATE_RE);

/** A saved instrument definition: a new version, or the unchanged current one (created: false). */
export const instrumentVersionResponse = z.strictObject({
  instrument: z.string(),
  version: z.int().min(1),
  versionId: z.int(),
  created: z.boolean(),
});

const scheduleSettings = settingsBody.shape.schedule.unwrap();
const reminderSettings = settingsBody.shape.reminders.unwrap();
/** The effective configuration: stored values over the defaults. instrumentEvery is absent unless set. */
export const settingsResponse = z.strictObject({
  pilot: z.string(),
  name: z.string(),
  timezone: z.string(),
  senderName: z.string(),
  quickExitUrl: z.string(),
  schedule: scheduleSettings.required({
    frequentIntervalDays: true,
    frequentWindowDays: true,
    waveOffsetsDays: true,
    waveWindowDays: true,
    studyLengthDays: true,
  }),
  reminders: reminderSettings.required(),
  frequent: z.array(z.string()),
  wave: z.array(z.string()),
  signals: signalSettings.required(),
  reports: settingsBody.shape.reports.unwrap().required(),
});

export const scheduledOccasion = z.strictObject({
  kind: z.enum(occasions.kind.enumValues),
  wave: z.enum(occasions.wave.enumValues).nullable(),
  seq: z.int(),
  dueDate: dateString,
  /** null for an occasion outside the plan (imported) */
  closesDate: dateString.nullable(),
  instruments: z.array(z.string()),
  /** "planned": not yet opened; "overdue": still open while the first reminder is already due */
  state: z.enum(["answered", "open", "overdue", "missed", "cancelled", "planned"]),
  completedAt: epochMs.nullable(),
});

/** A participant as staff see her: never contact data. */
export const publicParticipantResponse = z.strictObject({
  code: z.string(),
  pilotStartDate: dateString,
  status: z.enum(PARTICIPANT_STATUSES),
  consent: z.strictObject({
    by: z.enum(participants.consentBy.enumValues),
    date: dateString,
    recordedBy: z.int().nullable(),
  }),
  leftCareAt: dateString.nullable(),
  remindersPausedUntil: epochMs.nullable(),
  createdAt: epochMs,
});

export const overviewRow = z.strictObject({
  code: z.string(),
  status: z.enum(PARTICIPANT_STATUSES),
  pilotStartDate: dateString,
  leftCareAt: dateString.nullable(),
  occasions: z.array(scheduledOccasion),
  lastContactAt: epochMs.nullable(),
  nextReminderAt: epochMs.nullable(),
  overdue: z.boolean(),
});

export const participantListResponse = z.strictObject({ participants: z.array(overviewRow) });
export const enrolResponse = z.strictObject({
  participant: publicParticipantResponse,
  schedule: z.array(scheduledOccasion),
});
export const participantResponse = z.strictObject({
  participant: publicParticipantResponse.extend({ hasEmail: z.boolean(), hasMentorEmail: z.boolean() }),
  schedule: z.array(scheduledOccasion),
});
export const participantPatchResponse = z.strictObject({ participant: publicParticipantResponse });
export const withdrawResponse = z.strictObject({
  code: z.string(),
  status: z.literal("withdrawn"),
  contactErased: z.literal(true),
});
/** The confirmation of an erasure: what was erased (her occasions stay, marked erased, for the response figures). */
export const eraseResponse = z.strictObject({
  code: z.string(),
  erasedResponses: z.int().min(0),
  /** background and RIS-L forms: erased with her answers */
  erasedStaffForms: z.int().min(0),
  /** stored indicator results and wave scores */
  erasedIndicators: z.int().min(0),
  /** occasions now counted as erased in the response figures */
  erasedOccasions: z.int().min(0),
});

/** A staff form as stored (the request schemas describe what may be stored), with the RIS-L scores. */
export const staffFormResponse = z.discriminatedUnion("form", [
  z.strictObject({ form: z.literal("background"), data: backgroundForm, updatedAt: epochMs }),
  z.strictObject({ form: z.literal("risl"), data: rislForm, updatedAt: epochMs, scores: rislScoresResponse }),
]);

export const rowError = z.strictObject({ line: z.int().min(1), column: z.string().optional(), reason: z.string() });
/** A CSV import: every bad row with its line; `committed` rows were stored (0 in a dry run). */
export const importReport = z.strictObject({
  kind: z.enum(["participants", "measurements"]),
  dryRun: z.boolean(),
  ok: z.boolean(),
  rows: z.int().min(0),
  errors: z.array(rowError),
  committed: z.int().min(0),
});
