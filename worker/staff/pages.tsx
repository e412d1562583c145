// Researcher workspace (server-rendered, Dutch first): my pilots; per pilot youths × occasions; per youth
// a timeline with comments and small trend plots; the enrol form. Each page is declared with page()
// (worker/http/operation.ts): authentication (session cookie, CSRF on posts), body limit and access as the API.
import { renderStaffView } from "../http/staff-view";
import type { Context } from "hono";
import { rislScores } from "../../schema/staff-forms";
import { readBackgroundForm, readRislForm } from "../studies/background";
import { AuditPage } from "../../web/pages/staff/workspace/Audit";
import { EnrolPage, type EnrolValues } from "../../web/pages/staff/workspace/Enrol";
import { HomePage } from "../../web/pages/staff/workspace/Home";
import { ImportPage, type ImportOutcome } from "../../web/pages/staff/workspace/Import";
import { PilotPage } from "../../web/pages/staff/workspace/Pilot";
import { StaffFormPage } from "../../web/pages/staff/workspace/StaffForm";
import { type Plot, type TimelineEntry, YouthPage } from "../../web/pages/staff/workspace/Youth";
import { t } from "../../core/i18n/messages";
import type { schema } from "../db";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { daysBetween, localDate } from "../schedule/schedule";
import {
  decodeImport,
  importMeasurements,
  importParticipants,
  MAX_IMPORT_BYTES,
  MEASUREMENT_COLUMNS,
  PARTICIPANT_COLUMNS,
} from "../studies/import";
import {
  enrol,
  formName,
  participantByCode,
  pilotOverview,
  saveStaffForm,
  scheduleFor,
  staffForm,
  updateParticipant,
  withdraw,
} from "../studies/participants";
import { auditQuery, enrolBody, participantPatch, settingsBody, STAFF_FORMS } from "../studies/validators";
import { actorOf, formBody, staffUserOf, WRITE_ROLES, type Principal, type StaffEnv } from "../http/auth";
import { readAudit, visiblePilots } from "./queries";
import { renderStaffPage } from "../lib/render";
import { mount, page } from "../http/operation";
import { staffPageError } from "../http/page-error";
import { BODY_LIMITS } from "../http/body-limit";
import { effectiveSettings, SettingsConflict, settingsVersion, updateSettings } from "../studies/config";
import { instrumentNamesOf, missingInstrumentsOf } from "../studies/instruments";
import {
  changedSettings,
  formFromSettings,
  NUMBER_RANGES,
  readSettingsForm,
  settingsErrors,
  withCurrentFrequencies,
} from "../studies/settings-form";
import type { SettingsFormValues } from "../../core/settings-fields";
import { SettingsPage, type SettingsPageProps } from "../../web/pages/staff/SettingsPage";
import { YouthSignals } from "../../web/pages/staff/Signals";
import { listSignals, openSignalCounts } from "../signals/store";
import { indicatorLabels } from "../signals/routes";
import { plotDataFor } from "../reports/pilot-report";
import type { ChartData } from "../analysis/plot";
import { pilotIndicators } from "../analysis/recompute";
import { CommentsPanel } from "../../web/pages/staff/Comments";
import { youthCounts } from "../comments/queries";
import { answersOf, pilotById } from "./workspace-queries";
import { listPilots } from "./admin-service";

const card = (pilot: typeof schema.pilots.$inferSelect, p: Principal) => ({
  key: pilot.key,
  name: pilot.name,
  organisation: pilot.organisation,
  roles: p.isAdmin ? ["admin"] : p.roles.filter((r) => r.pilotId === null || r.pilotId === pilot.id).map((r) => r.role),
});
/** The props every page of one pilot takes: the signed-in user and the pilot's card with her roles in it. */
const frame = (c: Context<StaffEnv>, pilot: typeof schema.pilots.$inferSelect) => ({
  user: staffUserOf(c),
  pilot: card(pilot, c.get("principal")),
});
const IMPORT_COLUMNS = { participants: PARTICIPANT_COLUMNS, measurements: MEASUREMENT_COLUMNS };
const canWrite = (pilotId: number, p: Principal) =>
  p.isAdmin || p.roles.some((r) => WRITE_ROLES.includes(r.role) && (r.pilotId === pilotId || r.pilotId === null));

export const staffPageRoutes = mount(
  page({ method: "get", path: "/staff", access: "any" }, async (c) => {
    const p = c.get("principal");
    const pilots = await visiblePilots(c.env.DB, p);
    return renderStaffView(c, HomePage, {
      pilots: pilots.map((pl) => ({ key: pl.key, name: pl.name, organisation: pl.organisation, roles: pl.roles })),
      isAdmin: p.isAdmin,
    });
  }),
  page({ method: "get", path: "/staff/audit", access: "admin" }, async (c) => {
    const q = auditQuery.safeParse(c.req.query());
    if (!q.success) throw new AppError("validation", "Invalid filter");
    const pilots = await listPilots(c.env.DB);
    const { entries, next } = await readAudit(c.env.DB, { ...q.data, limit: q.data.limit ?? 200 });
    const keyOf = new Map(pilots.map((p) => [p.id, p.key]));
    const rows = entries.map((e) => ({
      ...e,
      pilot: e.pilotId === null ? null : (keyOf.get(e.pilotId) ?? String(e.pilotId)),
    }));
    return renderStaffView(c, AuditPage, {
      rows,
      pilots: pilots.map((p) => p.key),
      filter: { pilot: q.data.pilot, action: q.data.action },
      next,
    });
  }),
  page({ method: "get", path: "/staff/pilots/:pilot", access: "read" }, async (c, { pilot }) => {
    const f = c.req.query("filter");
    const filter = f === "overdue" || f === "left_care" ? f : "all";
    // Staff signals (worker/signals): a mark beside the youth, for researchers only.
    const marks = canWrite(pilot.id, c.get("principal"))
      ? await openSignalCounts(c.env.DB, pilot.id)
      : new Map<string, number>();
    const rows = (await pilotOverview(c.env.DB, pilot, Date.now()))
      .filter((r) => (filter === "overdue" ? r.overdue : filter === "left_care" ? r.status === "left_care" : true))
      .map((r) => ({ ...r, signals: marks.get(r.code) ?? 0 }));
    const missingInstruments = await missingInstrumentsOf(c.env.DB, pilot);
    return renderStaffPage(
      c,
      <PilotPage
        {...frame(c, pilot)}
        rows={rows}
        filter={filter}
        canWrite={canWrite(pilot.id, c.get("principal"))}
        timezone={pilot.timezone}
        missingInstruments={missingInstruments}
      />,
    );
  }),
  page({ method: "get", path: "/staff/pilots/:pilot/youths/:code", access: "read" }, async (c, { pilot }) => {
    const now = Date.now();
    const p = await participantByCode(c.env.DB, pilot.id, c.req.param("code") ?? "");
    await audit(c.env.DB, actorOf(c), "participant.view", now, { pilotId: pilot.id, target: p.code });
    const schedule = await scheduleFor(c.env.DB, pilot, p, now);
    const answers = await answersOf(c.env.DB, p.id);
    const showComments = canWrite(pilot.id, c.get("principal"));
    const byOcc = new Map<number, TimelineEntry & { at: number }>();
    for (const a of answers) {
      const e = byOcc.get(a.occasionId) ?? {
        at: a.at,
        date: localDate(a.at, pilot.timezone),
        kind: a.kind,
        wave: a.wave,
        seq: a.seq,
        mode: a.mode,
        answers: [],
      };
      // Free-text comments are for the researchers who follow the youth; coordinators read scores only (DESIGN.md §3).
      e.answers.push({
        instrument: a.instrument,
        item: a.item,
        value: a.value,
        notApplicable: a.notApplicable,
        comment: showComments ? a.comment : null,
      });
      byOcc.set(a.occasionId, e);
    }
    const timeline = [...byOcc.values()].sort((a, b) => b.at - a.at);
    // Her staff signals (researchers only); their evidence points are highlighted in the plots.
    const signals = showComments ? await listSignals(c.env.DB, pilot.id, { participantId: p.id }) : [];
    const evidenceDays = (indicator: string) =>
      signals
        .filter((s) => s.indicator === indicator && s.status !== "cleared")
        .flatMap((s) => (s.evidence.values as { at: number }[] | undefined) ?? [])
        .map((v) => daysBetween(p.pilotStartDate, localDate(v.at, pilot.timezone)));
    const waveEvidenceDays = (indicator: string, chart: ChartData) => {
      const waves = signals
        .filter((s) => s.indicator === indicator && s.status !== "cleared")
        .flatMap((s) => (s.evidence.waves as { wave: string }[] | undefined) ?? [])
        .map((w) => w.wave);
      return chart.waves.filter((w) => waves.includes(w.wave)).map((w) => w.day);
    };
    // Her charts: the report's own computation (plotDataFor → worker/analysis/plot.ts), one chart per indicator.
    const charts = (await plotDataFor(c.env.DB, pilot, p.id)).get(p.code) ?? new Map();
    const plots: Plot[] = (await pilotIndicators(c.env.DB, pilot.key))
      .filter((ind) => ind.aggregate === "mean" && (charts.get(ind.key)?.points.length ?? 0) > 0)
      .map(
        (ind): Plot => ({
          key: ind.key.replace(/[^a-z0-9_-]/gi, "-"),
          title: ind.label.nl,
          chart: charts.get(ind.key)!,
          highlight: evidenceDays(ind.key),
        }),
      )
      .concat(
        // her wave charts (a scale's total), then her series of a wave instrument asked at its own interval. A
        // reliable deterioration names the scale (`tasc.totaal`) with two waves or two measurements; trend_down
        // names the series (`series:tasc.totaal`)
        [
          ...[...charts].filter(([k]) => k.startsWith("wave:")),
          ...[...charts].filter(([k]) => k.startsWith("series:")),
        ].map(([k, chart]) => ({
          key: k.replace(/[^a-z0-9_-]/gi, "-"),
          title: chart.label?.nl ?? k,
          chart,
          highlight: k.startsWith("wave:")
            ? waveEvidenceDays(k.slice("wave:".length), chart)
            : [...evidenceDays(k.slice("series:".length)), ...evidenceDays(k)],
        })),
      );
    return renderStaffPage(
      c,
      <YouthPage
        {...frame(c, pilot)}
        youth={{
          code: p.code,
          status: p.status,
          pilotStartDate: p.pilotStartDate,
          consentBy: p.consentBy,
          consentDate: p.consentDate,
        }}
        schedule={schedule}
        timeline={timeline}
        plots={plots}
        enrolled={c.req.query("enrolled") === "1"}
        canWrite={showComments}
        notice={(["withdrawn", "updated", "form"] as const).find((d) => d === c.req.query("done"))}
        signals={
          showComments && (
            <YouthSignals
              pilotKey={pilot.key}
              signals={signals}
              timezone={pilot.timezone}
              labels={await indicatorLabels(c.env.DB, pilot.key)}
              csrf={staffUserOf(c)?.csrf}
              acknowledged={c.req.query("done") === "signal"}
            />
          )
        }
        comments={
          showComments && (
            <CommentsPanel
              pilotKey={pilot.key}
              code={p.code}
              comments={answers.filter((a) => a.comment?.trim()).length}
              counts={await youthCounts(c.env.DB, pilot.id, p.id)}
            />
          )
        }
      />,
    );
  }),
  page(
    { method: "post", path: "/staff/pilots/:pilot/youths/:code/status", access: "write", limit: 4 * 1024, form: true },
    async (c, { pilot, form }) => {
      const p = await participantByCode(c.env.DB, pilot.id, c.req.param("code") ?? "");
      const parsed = participantPatch.safeParse({ status: form.status });
      if (!parsed.success) throw new AppError("validation", "Unknown status");
      await updateParticipant(c.env.DB, c.env, pilot, p, parsed.data, actorOf(c), Date.now());
      return c.redirect(`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(p.code)}?done=updated`, 303);
    },
  ),
  page(
    {
      method: "post",
      path: "/staff/pilots/:pilot/youths/:code/withdraw",
      access: "write",
      limit: 4 * 1024,
      form: true,
    },
    async (c, { pilot, form }) => {
      const p = await participantByCode(c.env.DB, pilot.id, c.req.param("code") ?? "");
      if (form.confirm !== "1") throw new AppError("validation", "Confirm the withdrawal");
      await withdraw(c.env.DB, pilot, p, actorOf(c), Date.now());
      return c.redirect(`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(p.code)}?done=withdrawn`, 303);
    },
  ),
  page(
    { method: "get", path: "/staff/pilots/:pilot/youths/:code/forms/:form", access: "write" },
    async (c, { pilot }) => {
      const form = formName(c.req.param("form") ?? "");
      const p = await participantByCode(c.env.DB, pilot.id, c.req.param("code") ?? "");
      const row = await staffForm(c.env.DB, p, form);
      await audit(c.env.DB, actorOf(c), "staff_form.read", Date.now(), {
        pilotId: pilot.id,
        target: p.code,
        details: { form, found: !!row },
      });
      const data = (row?.data ?? {}) as Record<string, unknown>;
      const scores = form === "risl" && row ? rislScores(data as Parameters<typeof rislScores>[0]) : null;
      return staffFormPage(c, pilot, p.code, form, data, { scores });
    },
  ),
  page(
    { method: "post", path: "/staff/pilots/:pilot/youths/:code/forms/:form", access: "write", limit: 32 * 1024 },
    async (c, { pilot }) => {
      const form = formName(c.req.param("form") ?? "");
      const p = await participantByCode(c.env.DB, pilot.id, c.req.param("code") ?? "");
      const fields = await formBody(c, { all: true });
      const candidate = form === "background" ? readBackgroundForm(fields) : readRislForm(fields);
      const parsed = STAFF_FORMS[form].safeParse(candidate);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        return staffFormPage(c, pilot, p.code, form, candidate, { errors }, 400);
      }
      await saveStaffForm(
        c.env.DB,
        pilot,
        p,
        form,
        parsed.data as Record<string, unknown>,
        actorOf(c),
        c.get("principal").userId ?? null,
        Date.now(),
      );
      return c.redirect(`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(p.code)}?done=form`, 303);
    },
  ),
  page({ method: "get", path: "/staff/pilots/:pilot/enrol", access: "write" }, async (c, { pilot }) =>
    renderStaffPage(c, <EnrolPage {...frame(c, pilot)} today={localDate(Date.now(), pilot.timezone)} />),
  ),
  page(
    { method: "post", path: "/staff/pilots/:pilot/enrol", access: "write", limit: 8 * 1024, form: true },
    async (c, { pilot, form }) => {
      const str = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
      const values: EnrolValues = {
        code: str("code"),
        pilotStartDate: str("pilotStartDate"),
        consentBy: str("consentBy"),
        selfAge16Plus: str("selfAge16Plus") === "1",
        consentDate: str("consentDate"),
        email: str("email"),
        mentorEmail: str("mentorEmail"),
      };
      const parsed = enrolBody.safeParse({
        code: values.code,
        pilotStartDate: values.pilotStartDate,
        consent: { by: values.consentBy, date: values.consentDate, selfAge16Plus: values.selfAge16Plus },
        email: values.email || null,
        mentorEmail: values.mentorEmail || null,
      });
      const now = Date.now();
      const today = localDate(now, pilot.timezone);
      const page = (errors: string[], status: 400 | 409) =>
        renderStaffPage(c, <EnrolPage {...frame(c, pilot)} values={values} errors={errors} today={today} />, status);
      if (!parsed.success)
        return page(
          parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
          400,
        );
      try {
        await enrol(c.env.DB, c.env, pilot, parsed.data, actorOf(c), c.get("principal").userId ?? null, now);
      } catch (e) {
        if (e instanceof AppError && e.code === "conflict") return page([t("staff.enrol.duplicate")], 409);
        if (e instanceof AppError && e.code === "validation") return page([e.message], 400);
        throw e;
      }
      return c.redirect(`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(parsed.data.code)}?enrolled=1`, 303);
    },
  ),
  page({ method: "get", path: "/staff/pilots/:pilot/settings", access: "read" }, async (c, { pilot }) => {
    const saved = c.req.query("saved");
    return settingsPage(
      c,
      pilot,
      await currentSettingsForm(c, pilot),
      {},
      saved === "1" ? "saved" : saved === "0" ? "unchanged" : undefined,
    );
  }),
  page(
    { method: "post", path: "/staff/pilots/:pilot/settings", access: "write", limit: BODY_LIMITS.settingsForm },
    async (c, { pilot }) => {
      const posted = readSettingsForm(await formBody(c, { all: true }));
      // A form rendered before someone else saved: refused with the current values (optimistic concurrency).
      if (posted.version !== undefined && posted.version !== (await settingsVersion(pilot)))
        return staleSettings(c, pilot);
      const current = await currentSettingsForm(c, pilot);
      const submitted = withCurrentFrequencies(current, posted);
      const changes = changedSettings(current, submitted);
      if (!changes) return c.redirect(`/staff/pilots/${pilot.key}/settings?saved=0`, 303);
      // Each refused field gets its message beside it; nothing is stored.
      const refuse = (paths: string[]) =>
        settingsPage(c, pilot, submitted, settingsErrors(paths, submitted, current), undefined, 400);
      const parsed = settingsBody.safeParse(changes);
      if (!parsed.success) return refuse(parsed.error.issues.map((i) => i.path.join(".")));
      try {
        await updateSettings(c.env.DB, pilot, parsed.data, actorOf(c), Date.now(), {
          ifVersion: submitted.version,
        });
      } catch (e) {
        if (e instanceof SettingsConflict) return staleSettings(c, pilot);
        if (e instanceof AppError && e.code === "validation" && Array.isArray(e.details))
          return refuse((e.details as { path: string }[]).map((d) => d.path));
        throw e;
      }
      return c.redirect(`/staff/pilots/${pilot.key}/settings?saved=1`, 303);
    },
  ),
  page({ method: "get", path: "/staff/pilots/:pilot/import", access: "write" }, async (c, { pilot }) =>
    renderStaffPage(c, <ImportPage {...frame(c, pilot)} columns={IMPORT_COLUMNS} />),
  ),
  page(
    {
      method: "post",
      path: "/staff/pilots/:pilot/import",
      access: "write",
      limit: MAX_IMPORT_BYTES + 16 * 1024,
      form: true,
    },
    async (c, { pilot, form }) => {
      const kind = form.kind === "measurements" ? "measurements" : "participants";
      const dryRun = form.action !== "commit";
      const file = form.file;
      const page = (outcome: ImportOutcome, status: 200 | 201 | 400 | 413) =>
        renderStaffPage(
          c,
          <ImportPage {...frame(c, pilot)} columns={IMPORT_COLUMNS} outcome={outcome} kind={kind} />,
          status as 200,
        );
      if (!(file instanceof File) || file.size === 0) return page({ message: t("staff.import.noFile") }, 400);
      if (file.size > MAX_IMPORT_BYTES) return page({ message: t("error.payload_too_large") }, 413);
      // UTF-8, or Windows-1252 as Dutch Excel saves a plain CSV (worker/studies/import.ts decodeImport).
      const text = decodeImport(new Uint8Array(await file.arrayBuffer()));
      const run = { env: c.env, pilot, text, dryRun, actor: actorOf(c), recordedBy: c.get("principal").userId ?? null };
      try {
        const report = await (kind === "participants" ? importParticipants : importMeasurements)({
          ...run,
          now: Date.now(),
        });
        return page(report, report.ok ? (dryRun ? 200 : 201) : 400);
      } catch (e) {
        if (
          e instanceof AppError &&
          (e.code === "validation" || e.code === "payload_too_large" || e.code === "conflict")
        )
          return page({ message: e.message }, e.code === "payload_too_large" ? 413 : 400);
        throw e;
      }
    },
  ),
).onError(staffPageError);

type Pilot = typeof schema.pilots.$inferSelect;
/** A staff form of a youth: as stored (with its scores) or as posted and refused (with the reasons). */
function staffFormPage(
  c: Context<StaffEnv>,
  pilot: Pilot,
  code: string,
  form: "background" | "risl",
  values: Record<string, unknown>,
  extra: { scores?: Parameters<typeof StaffFormPage>[0]["scores"]; errors?: string[] },
  status: 200 | 400 = 200,
) {
  return renderStaffPage(
    c,
    <StaffFormPage {...frame(c, pilot)} code={code} form={form} values={values} {...extra} />,
    status,
  );
}
/** The form's values for the stored settings, with their version (sent back as a hidden field). */
const currentSettingsForm = async (c: Context<StaffEnv>, pilot: Pilot): Promise<SettingsFormValues> => ({
  ...formFromSettings(effectiveSettings(pilot, c.env.MAIL_FROM_NAME)),
  version: await settingsVersion(pilot),
});
async function settingsPage(
  c: Context<StaffEnv>,
  pilot: Pilot,
  values: SettingsFormValues,
  errors: SettingsPageProps["errors"],
  saved?: SettingsPageProps["saved"],
  status: 200 | 400 | 409 = 200,
  stale = false,
) {
  const { timezone, frequent, wave } = effectiveSettings(pilot, c.env.MAIL_FROM_NAME);
  const instrumentNames = await instrumentNamesOf(c.env.DB, [...frequent, ...wave]);
  // A refused form keeps the version it was rendered with, so a corrected resubmit is still checked against it.
  const version = values.version ?? (await settingsVersion(pilot));
  return renderStaffView(
    c,
    SettingsPage,
    {
      pilot,
      values,
      ranges: NUMBER_RANGES,
      instrumentNames,
      fixed: { timezone, frequent, wave },
      canWrite: canWrite(pilot.id, c.get("principal")),
      errors,
      saved,
      version,
      stale,
    },
    status,
  );
}
/** A stale edit: 409 with the values stored now (and their version) and a notice; nothing was stored. */
async function staleSettings(c: Context<StaffEnv>, pilot: Pilot) {
  const current = (await pilotById(c.env.DB, pilot.id)) ?? pilot;
  return settingsPage(c, current, await currentSettingsForm(c, current), {}, undefined, 409, true);
}
