// The single source of truth for the data model. SQL migrations in ./migrations are generated from
// this file by drizzle-kit (`npm run db:generate`); never edit a generated migration by hand.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const id = () => integer("id").primaryKey({ autoIncrement: true });
/** Epoch milliseconds; all instants are UTC, time zones only matter at the edges (schedule, quiet hours). */
const ms = (name: string) => integer(name);
const createdAt = () => ms("created_at").notNull().default(sql`(unixepoch() * 1000)`);

export const studies = sqliteTable("studies", {
  id: id(),
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

/**
 * A pilot is a walled garden: every staff query is scoped by pilot_id. `settings` holds schedule and reminder policy.
 */
export const pilots = sqliteTable("pilots", {
  id: id(),
  studyId: integer("study_id")
    .notNull()
    .references(() => studies.id),
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  organisation: text("organisation").notNull(),
  timezone: text("timezone").notNull().default("Europe/Amsterdam"),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export const staffUsers = sqliteTable("staff_users", {
  id: id(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  disabledAt: ms("disabled_at"),
  createdAt: createdAt(),
});

export const STAFF_ROLES = ["researcher", "coordinator", "project_coordinator"] as const;
/** pilot_id null = all pilots (project coordinator). */
export const staffRoles = sqliteTable(
  "staff_roles",
  {
    id: id(),
    userId: integer("user_id")
      .notNull()
      .references(() => staffUsers.id),
    pilotId: integer("pilot_id").references(() => pilots.id),
    role: text("role", { enum: STAFF_ROLES }).notNull(),
  },
  (t) => [uniqueIndex("staff_roles_user_pilot_role").on(t.userId, t.pilotId, t.role)],
);

/** Hashed API tokens (also the dev admin token); scope = pilots + role. */
export const apiTokens = sqliteTable("api_tokens", {
  id: id(),
  userId: integer("user_id").references(() => staffUsers.id),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  role: text("role").notNull(),
  pilotIds: text("pilot_ids", { mode: "json" }).$type<number[] | null>(),
  revokedAt: ms("revoked_at"),
  lastUsedAt: ms("last_used_at"),
  /**
   * refused from this instant on (401, like revoked); NULL for tokens made before expiry existed: created_at + 90 days
   */
  expiresAt: ms("expires_at"),
  createdAt: createdAt(),
});

export const staffSessions = sqliteTable("staff_sessions", {
  id: id(),
  userId: integer("user_id")
    .notNull()
    .references(() => staffUsers.id),
  tokenHash: text("token_hash").notNull().unique(),
  expiresAt: ms("expires_at").notNull(),
  createdAt: createdAt(),
});

export const magicLinks = sqliteTable("magic_links", {
  id: id(),
  userId: integer("user_id")
    .notNull()
    .references(() => staffUsers.id),
  tokenHash: text("token_hash").notNull().unique(),
  expiresAt: ms("expires_at").notNull(),
  usedAt: ms("used_at"),
  createdAt: createdAt(),
});

export const PARTICIPANT_STATUSES = ["active", "paused", "left_care", "withdrawn", "completed"] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/** Pseudonymous: no name, no date of birth, no contact data here. */
export const participants = sqliteTable(
  "participants",
  {
    id: id(),
    pilotId: integer("pilot_id")
      .notNull()
      .references(() => pilots.id),
    code: text("code").notNull(),
    pilotStartDate: text("pilot_start_date").notNull(), // YYYY-MM-DD in the pilot's zone
    status: text("status", { enum: PARTICIPANT_STATUSES }).notNull().default("active"),
    consentBy: text("consent_by", { enum: ["self", "guardian"] }).notNull(),
    consentDate: text("consent_date").notNull(),
    consentRecordedBy: integer("consent_recorded_by").references(() => staffUsers.id),
    leftCareAt: text("left_care_at"),
    remindersPausedUntil: ms("reminders_paused_until"),
    /**
     * Raised by every erasure of her answers: a recompute writes her indicators only while this still holds
     * the value it read with her answers (worker/analysis/recompute.ts), so a recompute in flight during an
     * erase cannot write them back.
     */
    eraseGeneration: integer("erase_generation").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("participants_pilot_code").on(t.pilotId, t.code)],
);

/**
 * Contact data kept apart from answers, AES-GCM encrypted, each value `k<key id>.<base64 iv||ciphertext>`
 * (or plain base64 from before key ids; worker/lib/contact-keys.ts); erased on withdrawal. `key_version` is
 * not used: the key id travels in each value, since the two addresses of a row may sit under different keys.
 */
export const participantContacts = sqliteTable("participant_contacts", {
  participantId: integer("participant_id")
    .primaryKey()
    .references(() => participants.id),
  emailEnc: text("email_enc"),
  mentorEmailEnc: text("mentor_email_enc"),
  keyVersion: integer("key_version").notNull().default(1),
  updatedAt: ms("updated_at").notNull(),
});

export const INSTRUMENT_KINDS = ["frequent", "wave", "staff"] as const;
export const instruments = sqliteTable("instruments", {
  id: id(),
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  kind: text("kind", { enum: INSTRUMENT_KINDS }).notNull(),
  pilotId: integer("pilot_id").references(() => pilots.id), // pilot-specific items
  licensed: integer("licensed", { mode: "boolean" }).notNull().default(false),
});

/** Definitions are immutable once answered; a change makes a new version. */
export const instrumentVersions = sqliteTable(
  "instrument_versions",
  {
    id: id(),
    instrumentId: integer("instrument_id")
      .notNull()
      .references(() => instruments.id),
    version: integer("version").notNull(),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    complete: integer("complete", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("instrument_versions_instrument_version").on(t.instrumentId, t.version)],
);

export const OCCASION_STATUSES = ["open", "started", "completed", "missed", "cancelled"] as const;
export type OccasionStatus = (typeof OCCASION_STATUSES)[number];
export const occasions = sqliteTable(
  "occasions",
  {
    id: id(),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    kind: text("kind", { enum: ["frequent", "wave"] }).notNull(),
    wave: text("wave", { enum: ["T1", "T2", "T3"] }),
    seq: integer("seq").notNull(),
    dueDate: text("due_date").notNull(),
    opensAt: ms("opens_at").notNull(),
    closesAt: ms("closes_at").notNull(),
    status: text("status", { enum: OCCASION_STATUSES }).notNull().default("open"),
    /** instrument version ids asked at this occasion, fixed when it opens */
    instrumentVersionIds: text("instrument_version_ids", { mode: "json" }).$type<number[]>().notNull(),
    startedAt: ms("started_at"),
    completedAt: ms("completed_at"),
    /** her answers to this occasion were erased on request: counted as erased, neither answered nor non-response */
    answersErasedAt: ms("answers_erased_at"),
    /**
     * The generation of her personal link (worker/survey/links.ts: HMAC(LINK_SECRET, occasion:generation)):
     * raised when a researcher revokes the link and issues a new one, or her e-mail address changes.
     */
    linkGeneration: integer("link_generation").notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("occasions_participant_kind_seq").on(t.participantId, t.kind, t.seq),
    index("occasions_status_closes").on(t.status, t.closesAt),
  ],
);

/** Only the SHA-256 of a link token is stored. */
export const secureLinks = sqliteTable(
  "secure_links",
  {
    id: id(),
    occasionId: integer("occasion_id")
      .notNull()
      .references(() => occasions.id),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: ms("expires_at").notNull(),
    revokedAt: ms("revoked_at"),
    usedAt: ms("used_at"),
    createdAt: createdAt(),
  },
  // Marking a link used on submit, revoking on withdrawal, and SQLite's foreign-key check from occasions
  // look links up by occasion (test/scale/query-plans.test.ts).
  (t) => [index("secure_links_occasion").on(t.occasionId)],
);

export const RESPONSE_MODES = ["self", "kiosk", "phone", "import"] as const;
export const responses = sqliteTable(
  "responses",
  {
    id: id(),
    occasionId: integer("occasion_id")
      .notNull()
      .references(() => occasions.id),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    instrumentVersionId: integer("instrument_version_id")
      .notNull()
      .references(() => instrumentVersions.id),
    itemKey: text("item_key").notNull(),
    /** null with notApplicable=false never happens: an untouched item is simply not stored */
    value: real("value"),
    notApplicable: integer("not_applicable", { mode: "boolean" }).notNull().default(false),
    comment: text("comment"),
    answeredAt: ms("answered_at").notNull(),
    mode: text("mode", { enum: RESPONSE_MODES }).notNull(),
    /** assisted entry (kiosk, phone): the staff user who opened the kiosk or entered the answers */
    enteredBy: integer("entered_by").references(() => staffUsers.id),
  },
  (t) => [
    uniqueIndex("responses_occasion_item").on(t.occasionId, t.instrumentVersionId, t.itemKey),
    index("responses_participant").on(t.participantId),
  ],
);

/**
 * A youth's answers saved page by page before she submits (issue 14): never read by analysis, summaries
 * or downloads, which read `responses` only. The final submit copies these rows into `responses` and
 * deletes them in the same D1 batch; erasure of a participant must delete them too (comments live here).
 */
export const draftAnswers = sqliteTable(
  "draft_answers",
  {
    occasionId: integer("occasion_id")
      .notNull()
      .references(() => occasions.id),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    instrumentVersionId: integer("instrument_version_id").notNull(),
    itemKey: text("item_key").notNull(),
    value: real("value"),
    notApplicable: integer("not_applicable", { mode: "boolean" }).notNull().default(false),
    comment: text("comment"),
    savedAt: ms("saved_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.occasionId, t.instrumentVersionId, t.itemKey] }),
    index("draft_answers_participant").on(t.participantId),
  ],
);

/**
 * One row per occasion with a draft: the page she was on (resume), and per page the stamp of the newest
 * save (`{"<page>": edit * 1000 + seq}`), so a replayed or late save of older content never overwrites a newer one.
 */
export const drafts = sqliteTable(
  "drafts",
  {
    occasionId: integer("occasion_id")
      .primaryKey()
      .references(() => occasions.id),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    page: integer("page").notNull().default(0),
    stamps: text("stamps", { mode: "json" }).$type<Record<string, number>>().notNull().default({}),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [index("drafts_participant").on(t.participantId)],
);

/** Started-but-not-submitted and completion timing (median time to complete). */
export const occasionTimings = sqliteTable("occasion_timings", {
  occasionId: integer("occasion_id")
    .primaryKey()
    .references(() => occasions.id),
  firstOpenedAt: ms("first_opened_at").notNull(),
  submittedAt: ms("submitted_at"),
});

/** `resend`: a researcher re-sent her current link (one row per open occasion and press). */
export const OUTBOX_KINDS = ["invitation", "reminder", "mentor", "resend"] as const;
export const OUTBOX_STATUSES = ["queued", "sending", "sent", "failed", "cancelled"] as const;
/** Exactly-once delivery: one row per (occasion, kind, seq); a sender claims a row atomically before sending. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: id(),
    key: text("key").notNull().unique(), // `${occasionId}:${kind}:${seq}`
    occasionId: integer("occasion_id")
      .notNull()
      .references(() => occasions.id),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    pilotId: integer("pilot_id")
      .notNull()
      .references(() => pilots.id),
    kind: text("kind", { enum: OUTBOX_KINDS }).notNull(),
    seq: integer("seq").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ms("next_attempt_at").notNull(),
    claimId: text("claim_id"),
    claimedAt: ms("claimed_at"),
    /** set when this claim's send began: a stale claim without it was never attempted */
    sendStartedAt: ms("send_started_at"),
    lastError: text("last_error"),
    messageId: text("message_id"),
    runId: integer("run_id"),
    sentAt: ms("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("outbox_status_next").on(t.status, t.nextAttemptAt),
    index("outbox_pilot").on(t.pilotId),
    // Planning joins what was sent per open occasion, a submit cancels its occasion's queued messages.
    index("outbox_occasion").on(t.occasionId),
    // The researcher's overview reads a pilot's messages per chunk of youths.
    index("outbox_pilot_participant").on(t.pilotId, t.participantId),
  ],
);

/**
 * A questionnaire opened on a group computer by a researcher (kiosk mode, issue 14 item 4): only the
 * SHA-256 of the kiosk token is stored; it ends at submit, after KIOSK_IDLE_MS without input, or at expiry.
 */
export const kioskSessions = sqliteTable(
  "kiosk_sessions",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    occasionId: integer("occasion_id")
      .notNull()
      .references(() => occasions.id),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    pilotId: integer("pilot_id")
      .notNull()
      .references(() => pilots.id),
    staffUserId: integer("staff_user_id")
      .notNull()
      .references(() => staffUsers.id),
    lastSeenAt: ms("last_seen_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
    endedAt: ms("ended_at"),
    createdAt: createdAt(),
  },
  (t) => [index("kiosk_sessions_occasion").on(t.occasionId)],
);

export const reminderRuns = sqliteTable(
  "reminder_runs",
  {
    id: id(),
    pilotId: integer("pilot_id").references(() => pilots.id), // null = all pilots (cron)
    trigger: text("trigger", { enum: ["cron", "manual", "api"] }).notNull(),
    triggeredBy: text("triggered_by").notNull(),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull(),
    startedAt: ms("started_at").notNull(),
    finishedAt: ms("finished_at"),
    counts: text("counts", { mode: "json" }).$type<Record<string, number>>(),
  },
  // The next run closes records a dying run left open (finished_at IS NULL): found through this index.
  (t) => [index("reminder_runs_unfinished").on(t.finishedAt, t.startedAt)],
);

/** Stored per youth × indicator so downloads read, never compute. */
export const indicatorResults = sqliteTable(
  "indicator_results",
  {
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    indicator: text("indicator").notNull(),
    n: integer("n").notNull(),
    mean: real("mean"),
    min: real("min"),
    max: real("max"),
    slopePerMeasurement: real("slope_per_measurement"),
    slopePerDay: real("slope_per_day"),
    kendallS: real("kendall_s"),
    varianceS: real("variance_s"),
    z: real("z"),
    p: real("p"),
    trend: text("trend", { enum: ["up", "down"] }),
    band: text("band", { enum: ["high", "middle", "low"] }),
    fingerprint: text("fingerprint").notNull(),
    computedAt: ms("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.participantId, t.indicator] })],
);

/** Participants whose answers changed since their indicators were last computed. */
export const recomputeQueue = sqliteTable("recompute_queue", {
  participantId: integer("participant_id")
    .primaryKey()
    .references(() => participants.id),
  requestedAt: ms("requested_at").notNull(),
});

/** Staff-completed forms (background characteristics, RIS-L), one current version per participant and form. */
export const staffForms = sqliteTable(
  "staff_forms",
  {
    id: id(),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    form: text("form", { enum: ["background", "risl"] }).notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    updatedBy: integer("updated_by").references(() => staffUsers.id),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [uniqueIndex("staff_forms_participant_form").on(t.participantId, t.form)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: id(),
    at: ms("at").notNull(),
    actorType: text("actor_type", { enum: ["staff", "token", "system", "youth"] }).notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    pilotId: integer("pilot_id"),
    target: text("target"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  // pilot + action: who paused reminders (reminders page) and the admin's filtered audit view.
  (t) => [index("audit_log_at").on(t.at), index("audit_log_pilot_action").on(t.pilotId, t.action)],
);

/** Staff signals (issue 15): rules evaluated by the scheduled recompute (worker/signals/rules.ts). */
export const SIGNAL_RULES = [
  "trend_down",
  "low_twice",
  "drop_vs_median",
  "reliable_deterioration",
  "missed_in_row",
] as const;
export type SignalRule = (typeof SIGNAL_RULES)[number];
/**
 * One row per youth × rule × indicator (`response` for missed occasions). `evidenceKey` identifies the
 * measurements that raised it: an acknowledged signal opens again only when a later evaluation finds
 * evidence with another key (a new measurement), never for the same evidence.
 */
export const signals = sqliteTable(
  "signals",
  {
    id: id(),
    pilotId: integer("pilot_id")
      .notNull()
      .references(() => pilots.id),
    participantId: integer("participant_id")
      .notNull()
      .references(() => participants.id),
    rule: text("rule", { enum: SIGNAL_RULES }).notNull(),
    indicator: text("indicator").notNull(),
    status: text("status", { enum: ["open", "acknowledged", "cleared"] })
      .notNull()
      .default("open"),
    /** what was found: values, dates, occasion ids, the threshold of the rule as configured then */
    evidence: text("evidence", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    evidenceKey: text("evidence_key").notNull(),
    raisedAt: ms("raised_at").notNull(),
    evaluatedAt: ms("evaluated_at").notNull(),
    acknowledgedAt: ms("acknowledged_at"),
    acknowledgedBy: integer("acknowledged_by").references(() => staffUsers.id),
    acknowledgeNote: text("acknowledge_note"),
    /** when the pilot's discreet staff e-mail mentioned this signal (null = not yet / mail off) */
    notifiedAt: ms("notified_at"),
  },
  (t) => [
    uniqueIndex("signals_participant_rule_indicator").on(t.participantId, t.rule, t.indicator),
    index("signals_pilot_status").on(t.pilotId, t.status),
  ],
);

/** A pilot's codebook for light qualitative coding of comments (issue 15). */
export const commentCodes = sqliteTable(
  "comment_codes",
  {
    id: id(),
    pilotId: integer("pilot_id")
      .notNull()
      .references(() => pilots.id),
    label: text("label").notNull(),
    description: text("description"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("comment_codes_pilot_label").on(t.pilotId, t.label)],
);

/** A code attached to one answer's comment; deleted with the answer (erasure) or the code. */
export const commentTags = sqliteTable(
  "comment_tags",
  {
    responseId: integer("response_id")
      .notNull()
      .references(() => responses.id),
    codeId: integer("code_id")
      .notNull()
      .references(() => commentCodes.id),
    taggedBy: integer("tagged_by").references(() => staffUsers.id),
    taggedAt: ms("tagged_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.codeId] }), index("comment_tags_code").on(t.codeId)],
);
