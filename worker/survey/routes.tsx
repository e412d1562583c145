import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Env } from "../env";
import { ERROR_STATUS } from "../errors";
import { askedOf, definitionsFor } from "../studies/instruments";
import { MessagePage, QuestionnairePage, type AskedInstrument, type FormState } from "../../web/pages/Questionnaire";
import { pickLang, t, type Lang, type MessageKey } from "../../web/i18n/messages";
import { b64url, hmacToken, sha256Hex, timingSafeEqual } from "../lib/crypto";
import { renderPage } from "../lib/render";
import { parseAnswers, type AnswerRow } from "./answers";
import { estimateMinutes, lengthText } from "./length";
import type { ResolvedLink } from "./links";
import { nextQuestionnairePath } from "./next";
import { unanswered } from "./occasion-sql";
import { pageItemKeys, planPages } from "./pages";
import {
  contextOf,
  draftValues,
  pageSaveStatements,
  readStatements,
  resolveStatement,
  submitStatements,
  SUBMIT_COMPLETES_AT,
  whyNotCompleted,
  type DraftRow,
  type LinkContext,
  type LinkRow,
  type PageSave,
} from "./store";
import { MINUTE_MS } from "../../core/time";

const DEFAULT_QUICK_EXIT = "https://www.google.nl/";
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** The GET's one write: when the youth first opened the questionnaire (for the median time to complete). */
export const FIRST_OPENED_SQL = "INSERT OR IGNORE INTO occasion_timings (occasion_id, first_opened_at) VALUES (?, ?)";
/** Form fields that steer the page, not answers. */
const CONTROL = new Set(["lang", "nav", "page", "edit", "seq", "ctx"]);

/**
 * What a link stands for that never changes (its occasion, the youth, the instrument versions asked),
 * with her status and the pilot's quick-exit address as last read: kept in the isolate for a minute so a
 * POST knows what to validate without a D1 round trip. Whether anything is stored is decided inside
 * each statement by the link's current state (worker/survey/store.ts), never by this cache.
 */
const CONTEXTS = new Map<string, { ctx: LinkContext; at: number }>();
const CONTEXT_TTL_MS = MINUTE_MS;
function remember(hash: string, ctx: LinkContext, now: number) {
  if (CONTEXTS.size >= 2000) CONTEXTS.delete(CONTEXTS.keys().next().value!);
  CONTEXTS.set(hash, { ctx, at: now });
}
/** Tests only: forget every cached link context, as an isolate that never served her GET would. */
export const forgetLinkContexts = () => CONTEXTS.clear();

async function contextFor(
  env: Env,
  hash: string,
  signed: string | undefined,
  now: number,
): Promise<LinkContext | null> {
  const hit = CONTEXTS.get(hash);
  if (hit && now - hit.at < CONTEXT_TTL_MS && hit.ctx.state === "open") return hit.ctx;
  const fromForm = signed ? await verifyContext(env, hash, signed) : null;
  if (fromForm) return fromForm;
  const ctx = contextOf((await resolveStatement(env.DB, hash).first<LinkRow>()) ?? undefined, now);
  if (ctx) remember(hash, ctx, now);
  return ctx;
}

/**
 * The same fixed facts, signed into the page's form (`ctx`, HMAC with LINK_SECRET, bound to the link's
 * hash), so a POST that reaches an isolate which never served her GET needs no D1 read either. Only what
 * to validate comes from it; the statements check the link themselves.
 */
export async function signContext(
  env: Env,
  hash: string,
  ctx: Pick<LinkContext, "occasionId" | "participantId" | "versionIds" | "participantStatus" | "quickExitUrl">,
): Promise<string> {
  const payload = b64url(
    new TextEncoder().encode(
      JSON.stringify([
        ctx.occasionId,
        ctx.participantId,
        ctx.versionIds,
        ctx.participantStatus,
        ctx.quickExitUrl ?? null,
      ]),
    ),
  );
  return `${payload}.${await hmacToken(env.LINK_SECRET, `form-context:${hash}:${payload}`)}`;
}

async function verifyContext(env: Env, hash: string, signed: string): Promise<LinkContext | null> {
  const m = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(signed);
  if (!m || !timingSafeEqual(await hmacToken(env.LINK_SECRET, `form-context:${hash}:${m[1]}`), m[2]!)) return null;
  try {
    const [occasionId, participantId, versionIds, participantStatus, quickExitUrl] = JSON.parse(
      atob(m[1]!.replace(/-/g, "+").replace(/_/g, "/")),
    ) as [number, number, number[], string, string | null];
    if (
      !Number.isInteger(occasionId) ||
      !Number.isInteger(participantId) ||
      !Array.isArray(versionIds) ||
      !versionIds.every(Number.isInteger)
    )
      return null;
    return {
      occasionId,
      participantId,
      versionIds,
      participantStatus,
      quickExitUrl: quickExitUrl ?? undefined,
      state: "open",
      draftPage: null,
    };
  } catch {
    return null;
  }
}

type Ctx = Context<{ Bindings: Env }>;
const quickExit = (ctx: LinkContext | null) => ctx?.quickExitUrl ?? DEFAULT_QUICK_EXIT;
const intParam = (v: unknown) => (typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : null);

async function hashOf(token: string) {
  return TOKEN_RE.test(token) ? sha256Hex(token) : null;
}

async function askedFor(d1: D1Database, ctx: LinkContext): Promise<AskedInstrument[]> {
  return askedOf(await definitionsFor(d1, ctx.versionIds), ctx.versionIds, ctx.participantStatus);
}

async function renderQuestionnaire(
  c: Ctx,
  o: {
    lang: Lang;
    token: string;
    ctx: LinkContext;
    asked: AskedInstrument[];
    page: number;
    now: number;
    state?: FormState;
    notice?: string;
  },
  status: 200 | 400 = 200,
) {
  const signed = await signContext(c.env, await sha256Hex(o.token), o.ctx);
  const pages = planPages(o.asked);
  const page = Math.min(Math.max(o.page, 1), pages.length);
  const other = o.lang === "nl" ? "en" : "nl";
  return renderPage(
    c,
    <QuestionnairePage
      lang={o.lang}
      action={`/q/${o.token}?lang=${o.lang}`}
      draftUrl={`/q/${o.token}/draft?lang=${o.lang}`}
      langHref={`?lang=${other}&p=${page}`}
      quickExitUrl={quickExit(o.ctx)}
      instruments={pages[page - 1]!}
      page={page}
      pages={pages.length}
      minutes={page === 1 ? lengthText(estimateMinutes(o.asked.flatMap((a) => a.items)), o.lang) : undefined}
      edit={o.now}
      context={signed}
      state={o.state}
      notice={o.notice}
    />,
    status,
  );
}

/** Reads the posted form; anything but plain fields (JSON, files, repeated keys) comes back as tampering. */
async function readForm(c: Ctx): Promise<{ control: Record<string, string>; answers: Record<string, unknown> }> {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    form = { "": [] }; // unparsable body: treated as tampering by parseAnswers
  }
  const control: Record<string, string> = {};
  const answers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    if (CONTROL.has(k) && typeof v === "string") control[k] = v;
    else if (CONTROL.has(k))
      answers[`${k}[]`] = v; // repeated control field: tampering
    else answers[k] = v;
  }
  return { control, answers };
}

type SaveOutcome =
  | { kind: "invalid" | "closed"; ctx: LinkContext | null }
  | { kind: "errors"; ctx: LinkContext; asked: AskedInstrument[]; page: number; state: FormState }
  | {
      kind: "saved" | "stale" | "completed" | "empty";
      ctx: LinkContext;
      asked: AskedInstrument[];
      page: number;
      pages: number;
    };

/**
 * A page save (Next, Back, a background save) or the final submit: validates the page's fields, then
 * one D1 batch — the link's current state, the page's draft rows and stamp, and for a submit the copy
 * into `responses` and the completion.
 */
async function savePage(
  c: Ctx,
  token: string,
  nav: "next" | "back" | "stay" | "submit",
  control: Record<string, string>,
  answers: Record<string, unknown>,
  now: number,
): Promise<SaveOutcome> {
  const d1 = c.env.DB;
  const hash = await hashOf(token);
  if (!hash) return { kind: "invalid", ctx: null };
  const cached = await contextFor(c.env, hash, control.ctx, now);
  if (!cached || cached.state === "invalid") return { kind: "invalid", ctx: cached };
  if (cached.state === "closed") return { kind: "closed", ctx: cached };
  const asked = await askedFor(d1, cached);
  const pages = planPages(asked);
  // A send without a page number is the whole questionnaire in one form (a form from before pages, or an
  // assisted entry): its items are all asked items, saved as "page 0".
  const whole = control.page === undefined && nav === "submit";
  const pageNo = control.page === undefined ? (whole ? 0 : 1) : intParam(control.page);
  const tampered =
    pageNo === null ||
    pageNo < (whole ? 0 : 1) ||
    pageNo > pages.length ||
    Object.keys(answers).some((k) => k.endsWith("[]"));
  const page = whole ? 0 : Math.min(Math.max(pageNo ?? 1, 1), pages.length);
  const shown = whole ? asked : pages[page - 1]!;
  const parsed = parseAnswers(answers, shown, { allowEmpty: true });
  if (tampered || !parsed.ok) {
    const lang = pickLang(c.req.query("lang"));
    const p = parsed.ok
      ? {
          errors: {},
          values: Object.fromEntries(
            Object.entries(answers).filter((e): e is [string, string] => typeof e[1] === "string"),
          ),
        }
      : parsed;
    // the page again; for a whole-questionnaire form, the first page with a field in error
    const firstError = Object.keys(p.errors)[0]?.split(".").slice(1).join(".");
    const errorPage = whole
      ? Math.max(1, pages.findIndex((pg) => pageItemKeys(pg).includes(firstError ?? "")) + 1)
      : page;
    return {
      kind: "errors",
      ctx: cached,
      asked,
      page: errorPage,
      state: {
        values: p.values,
        errors: Object.fromEntries(Object.entries(p.errors).map(([k, v]) => [k, t(v, lang)])),
        formError: t("youth.error.fix", lang),
      },
    };
  }
  const edit = intParam(control.edit);
  const seq = Math.min(intParam(control.seq) ?? 0, 999);
  // A page rendered later wins over one rendered earlier; within one window the later save wins. A save
  // without a render time (an old form) counts as rendered now. Never later than now: a forged future
  // stamp could otherwise lock the page.
  const stamp = Math.min(edit ?? now, now) * 1000 + seq;
  const cursor =
    nav === "next" ? Math.min(page + 1, pages.length) : nav === "back" ? Math.max(page - 1, 1) : Math.max(page, 1);
  const save: PageSave = {
    occasionId: cached.occasionId,
    participantId: cached.participantId,
    hash,
    now,
    page,
    cursor,
    stamp,
    itemKeys: pageItemKeys(shown),
    rows: parsed.rows as AnswerRow[],
  };
  const stmts = [
    resolveStatement(d1, hash),
    ...pageSaveStatements(d1, save, { forSubmit: nav === "submit" }),
    ...(nav === "submit" ? submitStatements(d1, save, "self") : []),
  ];
  const results = await d1.batch(stmts);
  const fresh = contextOf((results[0]!.results[0] as LinkRow | undefined) ?? undefined, now);
  if (fresh) remember(hash, fresh, now);
  if (!fresh || fresh.state === "invalid") return { kind: "invalid", ctx: fresh ?? cached };
  if (fresh.state === "closed") return { kind: "closed", ctx: fresh };
  const saved = (results[4]!.meta.changes ?? 0) > 0;
  if (nav !== "submit") return { kind: saved ? "saved" : "stale", ctx: fresh, asked, page, pages: pages.length };
  if ((results[5 + SUBMIT_COMPLETES_AT]!.meta.changes ?? 0) === 1)
    return { kind: "completed", ctx: fresh, asked, page, pages: pages.length };
  return { kind: await whyNotCompleted(d1, save), ctx: fresh, asked, page, pages: pages.length };
}

/**
 * The draft endpoint's refusals, in the app's one error envelope (the island ignores the body; scripts and
 * the fuzz suite read it): `message` names the reason (too_large, newer_save, closed, invalid, invalid_link).
 */
function draftRefused(c: Ctx, code: "payload_too_large" | "conflict" | "validation" | "not_found", reason: string) {
  c.header("Cache-Control", "no-store");
  const requestId = (c.get as (k: string) => unknown)("requestId");
  return c.json(
    { error: { code, message: reason, requestId: typeof requestId === "string" ? requestId : "" } },
    ERROR_STATUS[code],
  );
}

const tooLarge = (c: Ctx) => {
  const lang = pickLang(c.req.query("lang"));
  return renderPage(
    c,
    <MessagePage
      lang={lang}
      quickExitUrl={DEFAULT_QUICK_EXIT}
      title={t("youth.error.fix", lang)}
      body={t("youth.error.tooLarge", lang)}
    />,
    413,
  );
};

/** The youth-facing questionnaire: GET shows a page, POST saves a page or sends the whole questionnaire once. */
export const surveyRoutes = new Hono<{ Bindings: Env }>()
  // The site root says nothing about what this is: someone who types the address sees a neutral page.
  .get("/", (c) => {
    const lang = pickLang(c.req.query("lang"));
    return renderPage(
      c,
      <MessagePage
        lang={lang}
        quickExitUrl={DEFAULT_QUICK_EXIT}
        title={t("youth.title", lang)}
        body={t("youth.root.body", lang)}
      />,
    );
  })
  .get("/q/done", async (c) => {
    const lang = pickLang(c.req.query("lang"));
    // One link for all her open questionnaires: after a submit, on to the next one (shortest first).
    const hash = await hashOf(c.req.query("from") ?? "");
    if (hash) {
      const now = Date.now();
      const ctx = contextOf((await resolveStatement(c.env.DB, hash).first<LinkRow>()) ?? undefined, now);
      const next =
        ctx && ctx.state !== "invalid"
          ? await nextQuestionnairePath(c.env, ctx.participantId, ctx.occasionId, now)
          : null;
      if (next) return c.redirect(`${next}?lang=${lang}&n=next`, 303);
    }
    return renderPage(
      c,
      <MessagePage
        lang={lang}
        quickExitUrl={DEFAULT_QUICK_EXIT}
        title={t("youth.thanks.title", lang)}
        body={t("youth.thanks.body", lang)}
      />,
    );
  })
  .get("/q/:token", async (c) => {
    const lang = pickLang(c.req.query("lang"));
    const token = c.req.param("token");
    const hash = await hashOf(token);
    if (!hash) return invalid(c, lang, null);
    const now = Date.now();
    // One round trip: first-opened time, the link's context and the draft (worker/survey/store.ts).
    const [, link, drafts] = await c.env.DB.batch(readStatements(c.env.DB, hash, now));
    const ctx = contextOf((link!.results[0] as LinkRow | undefined) ?? undefined, now);
    if (!ctx || ctx.state === "invalid") return invalid(c, lang, ctx);
    if (ctx.state === "closed") return already(c, lang, ctx);
    remember(hash, ctx, now);
    const asked = await askedFor(c.env.DB, ctx);
    const requested = intParam(c.req.query("p"));
    const n = c.req.query("n");
    const notice = n === "stale" ? t("youth.stale", lang) : n === "next" ? t("youth.next.notice", lang) : undefined;
    return renderQuestionnaire(c, {
      lang,
      token,
      ctx,
      asked,
      page: requested ?? ctx.draftPage ?? 1,
      now,
      state: { values: draftValues(drafts!.results as DraftRow[]), errors: {} },
      notice,
    });
  })
  .post(
    "/q/:token/draft",
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => draftRefused(c, "payload_too_large", "too_large") }),
    async (c) => {
      const token = c.req.param("token");
      const { control, answers } = await readForm(c);
      const r = await savePage(c, token, "stay", control, answers, Date.now());
      c.header("Cache-Control", "no-store");
      switch (r.kind) {
        case "saved":
          return c.json({ saved: true });
        case "stale":
          return draftRefused(c, "conflict", "newer_save");
        case "closed":
          return draftRefused(c, "conflict", "closed");
        case "errors":
          return draftRefused(c, "validation", "invalid");
        default:
          return draftRefused(c, "not_found", "invalid_link");
      }
    },
  )
  .post("/q/:token", bodyLimit({ maxSize: 64 * 1024, onError: tooLarge }), async (c) => {
    const lang = pickLang(c.req.query("lang"));
    const token = c.req.param("token");
    const now = Date.now();
    const { control, answers } = await readForm(c);
    const nav = control.nav === "next" || control.nav === "back" ? control.nav : "submit";
    const r = await savePage(c, token, nav, control, answers, now);
    const here = (p: number, extra = "") => `/q/${token}?lang=${lang}&p=${p}${extra}`;
    switch (r.kind) {
      case "invalid":
        return invalid(c, lang, r.ctx);
      case "closed":
        return already(c, lang, r.ctx!);
      case "errors":
        return renderQuestionnaire(
          c,
          { lang, token, ctx: r.ctx, asked: r.asked, page: r.page, now, state: r.state },
          400,
        );
      case "stale":
        return c.redirect(here(r.page, "&n=stale"), 303);
      case "saved":
        return c.redirect(here(nav === "next" ? Math.min(r.page + 1, r.pages) : Math.max(r.page - 1, 1)), 303);
      case "completed":
        CONTEXTS.delete(await sha256Hex(token));
        // The thank-you page continues to her next open questionnaire, if any (one link for all of them).
        return c.redirect(`/q/done?lang=${lang}&from=${token}`, 303);
      case "empty": {
        // Nothing answered on any page: this page again, with what she sent and the message.
        const values = Object.fromEntries(
          Object.entries(answers).filter((e): e is [string, string] => typeof e[1] === "string"),
        );
        return renderQuestionnaire(
          c,
          {
            lang,
            token,
            ctx: r.ctx,
            asked: r.asked,
            page: r.page,
            now,
            state: { values, errors: {}, formError: t("youth.error.empty" as MessageKey, lang) },
          },
          400,
        );
      }
    }
  });

/**
 * Stores all answers and completes the occasion in one D1 transaction (assisted entry and the scale
 * bench; the youth's own form goes through her draft, worker/survey/store.ts). Each insert is guarded by
 * the occasion still being open and the completing UPDATE runs last, so of two concurrent submits exactly
 * one stores anything; the other sees changes = 0 and nothing of it is kept. A draft of the occasion is
 * deleted with it.
 */
export async function storeAnswers(
  d1: D1Database,
  r: Pick<ResolvedLink, "occasion" | "participant">,
  rows: AnswerRow[],
  now: number,
  mode: "self" | "kiosk" | "phone",
) {
  const occ = r.occasion.id;
  const guard = `EXISTS (SELECT 1 FROM occasions WHERE id = ? AND ${unanswered("")})`;
  const stmts = rows.map((a) =>
    d1
      .prepare(
        `INSERT INTO responses (occasion_id, participant_id, instrument_version_id, item_key, value, not_applicable, comment, answered_at, mode)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${guard}`,
      )
      .bind(occ, r.participant.id, a.versionId, a.itemKey, a.value, a.notApplicable ? 1 : 0, a.comment, now, mode, occ),
  );
  stmts.push(
    d1
      .prepare(`UPDATE secure_links SET used_at = ? WHERE occasion_id = ? AND used_at IS NULL AND ${guard}`)
      .bind(now, occ, occ),
    d1.prepare(`UPDATE occasion_timings SET submitted_at = ? WHERE occasion_id = ? AND ${guard}`).bind(now, occ, occ),
    d1
      .prepare(
        `INSERT INTO recompute_queue (participant_id, requested_at) SELECT ?, ? WHERE ${guard} ON CONFLICT (participant_id) DO UPDATE SET requested_at = excluded.requested_at`,
      )
      .bind(r.participant.id, now, occ),
    d1
      .prepare(
        `UPDATE outbox SET status = 'cancelled', last_error = 'completed' WHERE occasion_id = ? AND status = 'queued' AND ${guard}`,
      )
      .bind(occ, occ),
    d1.prepare(`DELETE FROM draft_answers WHERE occasion_id = ? AND ${guard}`).bind(occ, occ),
    d1.prepare(`DELETE FROM drafts WHERE occasion_id = ? AND ${guard}`).bind(occ, occ),
    d1
      .prepare(`UPDATE occasions SET status = 'completed', completed_at = ? WHERE id = ? AND ${unanswered("")}`)
      .bind(now, occ),
  );
  const results = await d1.batch(stmts);
  return (results[results.length - 1]?.meta.changes ?? 0) === 1;
}

function invalid(c: Ctx, lang: Lang, ctx: LinkContext | null) {
  // A link a researcher replaced (or that her address change revoked): a kind page pointing to the newest mail.
  if (ctx?.revoked)
    return renderPage(
      c,
      <MessagePage
        lang={lang}
        quickExitUrl={quickExit(ctx)}
        title={t("youth.invalid.title", lang)}
        body={t("youth.revoked.body", lang)}
      />,
      404,
    );
  return renderPage(
    c,
    <MessagePage
      lang={lang}
      quickExitUrl={quickExit(ctx)}
      title={t("youth.invalid.title", lang)}
      body={t("youth.invalid.body", lang)}
    />,
    404,
  );
}

function already(c: Ctx, lang: Lang, ctx: LinkContext) {
  return renderPage(
    c,
    <MessagePage
      lang={lang}
      quickExitUrl={quickExit(ctx)}
      title={t("youth.already.title", lang)}
      body={t("youth.already.body", lang)}
    />,
    409,
  );
}
