import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getDb } from "../db";
import type { Env } from "../env";
import { loadAsked } from "../studies/instruments";
import { MessagePage, QuestionnairePage } from "../../web/pages/Questionnaire";
import { pickLang, t, type Lang } from "../../web/i18n/messages";
import { renderPage } from "../lib/render";
import { parseAnswers } from "./answers";
import { resolveLink, type ResolvedLink } from "./links";

const DEFAULT_QUICK_EXIT = "https://www.google.nl/";
const quickExit = (r: ResolvedLink | null) => (r?.pilot.settings as { quickExitUrl?: string } | undefined)?.quickExitUrl ?? DEFAULT_QUICK_EXIT;
const OPEN = new Set(["open", "started"]);
/** The GET's one write: when the youth first opened the questionnaire (for the median time to complete). */
export const FIRST_OPENED_SQL = "INSERT OR IGNORE INTO occasion_timings (occasion_id, first_opened_at) VALUES (?, ?)";

/** The youth-facing questionnaire: GET shows it, POST stores it once. */
export const surveyRoutes = new Hono<{ Bindings: Env }>()
  .get("/q/done", (c) => {
    const lang = pickLang(c.req.query("lang"));
    return renderPage(c, <MessagePage lang={lang} quickExitUrl={DEFAULT_QUICK_EXIT} title={t("youth.thanks.title", lang)} body={t("youth.thanks.body", lang)} />);
  })
  .get("/q/:token", async (c) => {
    const lang = pickLang(c.req.query("lang"));
    const db = getDb(c.env.DB);
    const now = Date.now();
    const r = await resolveLink(db, c.req.param("token"), now);
    if (!r) return invalid(c, lang, r);
    if (!OPEN.has(r.occasion.status)) return already(c, lang, r);
    await c.env.DB.prepare(FIRST_OPENED_SQL).bind(r.occasion.id, now).run();
    const asked = await loadAsked(db, r.occasion.instrumentVersionIds, r.participant.status);
    return renderPage(c, <QuestionnairePage lang={lang} action={`/q/${c.req.param("token")}?lang=${lang}`} quickExitUrl={quickExit(r)} instruments={asked} />);
  })
  .post(
    "/q/:token",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => {
        const lang = pickLang(c.req.query("lang"));
        return renderPage(c, <MessagePage lang={lang} quickExitUrl={DEFAULT_QUICK_EXIT} title={t("youth.error.fix", lang)} body={t("youth.error.tooLarge", lang)} />, 413);
      },
    }),
    async (c) => {
      const lang = pickLang(c.req.query("lang"));
      const db = getDb(c.env.DB);
      const now = Date.now();
      const r = await resolveLink(db, c.req.param("token"), now);
      if (!r) return invalid(c, lang, r);
      if (!OPEN.has(r.occasion.status)) return already(c, lang, r);
      const asked = await loadAsked(db, r.occasion.instrumentVersionIds, r.participant.status);
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody({ all: true });
      } catch {
        form = { "": [] }; // unparsable body: treated as tampering below
      }
      const parsed = parseAnswers(form, asked);
      if (!parsed.ok) {
        const state = {
          values: parsed.values,
          errors: Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [k, t(v, lang)])),
          formError: t(parsed.formError, lang),
        };
        return renderPage(c, <QuestionnairePage lang={lang} action={`/q/${c.req.param("token")}?lang=${lang}`} quickExitUrl={quickExit(r)} instruments={asked} state={state} />, 400);
      }
      const stored = await storeAnswers(c.env.DB, r, parsed.rows, now, "self");
      if (!stored) return already(c, lang, r);
      return c.redirect(`/q/done?lang=${lang}`, 303);
    },
  );

/**
 * Stores all answers and completes the occasion in one D1 transaction. Each insert is guarded by the
 * occasion still being open and the completing UPDATE runs last, so of two concurrent submits exactly
 * one stores anything; the other sees changes = 0 and nothing of it is kept.
 */
export async function storeAnswers(d1: D1Database, r: ResolvedLink, rows: ReturnType<typeof parseAnswers> extends infer P ? (P extends { ok: true; rows: infer R } ? R : never) : never, now: number, mode: "self" | "kiosk" | "phone") {
  const occ = r.occasion.id;
  const guard = "EXISTS (SELECT 1 FROM occasions WHERE id = ? AND status IN ('open','started'))";
  const stmts = rows.map((a) =>
    d1
      .prepare(
        `INSERT INTO responses (occasion_id, participant_id, instrument_version_id, item_key, value, not_applicable, comment, answered_at, mode)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${guard}`,
      )
      .bind(occ, r.participant.id, a.versionId, a.itemKey, a.value, a.notApplicable ? 1 : 0, a.comment, now, mode, occ),
  );
  stmts.push(
    d1.prepare(`UPDATE secure_links SET used_at = ? WHERE occasion_id = ? AND used_at IS NULL AND ${guard}`).bind(now, occ, occ),
    d1.prepare(`UPDATE occasion_timings SET submitted_at = ? WHERE occasion_id = ? AND ${guard}`).bind(now, occ, occ),
    d1.prepare(`INSERT INTO recompute_queue (participant_id, requested_at) SELECT ?, ? WHERE ${guard} ON CONFLICT (participant_id) DO UPDATE SET requested_at = excluded.requested_at`).bind(r.participant.id, now, occ),
    d1.prepare(`UPDATE outbox SET status = 'cancelled', last_error = 'completed' WHERE occasion_id = ? AND status = 'queued' AND ${guard}`).bind(occ, occ),
    d1.prepare("UPDATE occasions SET status = 'completed', completed_at = ? WHERE id = ? AND status IN ('open','started')").bind(now, occ),
  );
  const results = await d1.batch(stmts);
  return (results[results.length - 1]?.meta.changes ?? 0) === 1;
}

function invalid(c: Parameters<typeof renderPage>[0], lang: Lang, r: ResolvedLink | null) {
  return renderPage(c, <MessagePage lang={lang} quickExitUrl={quickExit(r)} title={t("youth.invalid.title", lang)} body={t("youth.invalid.body", lang)} />, 404);
}

function already(c: Parameters<typeof renderPage>[0], lang: Lang, r: ResolvedLink) {
  return renderPage(c, <MessagePage lang={lang} quickExitUrl={quickExit(r)} title={t("youth.already.title", lang)} body={t("youth.already.body", lang)} />, 409);
}
