import { BODY_LIMITS, limitBody } from "../http/body-limit";
import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { ERROR_STATUS } from "../errors";
import { askedOf, definitionsFor } from "../studies/instruments";
import type { AskedInstrument } from "../../schema/instruments/definitions";
import { QuestionnairePage, type FormState } from "../../web/pages/Questionnaire";
import { pickLang, t, type Lang, type MessageKey } from "../../core/i18n/messages";
import { sha256Hex } from "../lib/crypto";
import { renderPage } from "../lib/render";
import { DEFAULT_QUICK_EXIT } from "../studies/settings";
import { parseAnswers, type AnswerRow } from "./answers";
import { estimateMinutes, lengthText } from "../../core/questionnaire-length";
import { nextQuestionnairePath } from "./next";
import { pageItemKeys, planPages } from "./pages";
import { youthMessage } from "./youth-error";
import { contextFor, forgetLinkContext, remember, signContext } from "./link-context";
import {
  contextOf,
  draftValues,
  type LinkContext,
  type PageSave,
  readQuestionnaire,
  resolveLink,
  storePage,
  whyNotCompleted,
} from "./store";

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** Form fields that steer the page, not answers. */
const CONTROL = new Set(["lang", "nav", "page", "edit", "seq", "ctx"]);

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
  const stored = await storePage(d1, save, nav === "submit");
  const fresh = contextOf(stored.link, now);
  if (fresh) remember(hash, fresh, now);
  if (!fresh || fresh.state === "invalid") return { kind: "invalid", ctx: fresh ?? cached };
  if (fresh.state === "closed") return { kind: "closed", ctx: fresh };
  if (nav !== "submit") return { kind: stored.saved ? "saved" : "stale", ctx: fresh, asked, page, pages: pages.length };
  if (stored.completed) return { kind: "completed", ctx: fresh, asked, page, pages: pages.length };
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
  return youthMessage(c, lang, "youth.error.fix", "youth.error.tooLarge", 413);
};

/** The youth-facing questionnaire: GET shows a page, POST saves a page or sends the whole questionnaire once. */
export const surveyRoutes = new Hono<{ Bindings: Env }>()
  // The site root says nothing about what this is: someone who types the address sees a neutral page.
  .get("/", (c) => {
    const lang = pickLang(c.req.query("lang"));
    return youthMessage(c, lang, "youth.title", "youth.root.body");
  })
  .get("/q/done", async (c) => {
    const lang = pickLang(c.req.query("lang"));
    // One link for all her open questionnaires: after a submit, on to the next one (shortest first).
    const hash = await hashOf(c.req.query("from") ?? "");
    if (hash) {
      const now = Date.now();
      const ctx = contextOf(await resolveLink(c.env.DB, hash), now);
      const next =
        ctx && ctx.state !== "invalid"
          ? await nextQuestionnairePath(c.env, ctx.participantId, ctx.occasionId, now)
          : null;
      if (next) return c.redirect(`${next}?lang=${lang}&n=next`, 303);
    }
    return youthMessage(c, lang, "youth.thanks.title", "youth.thanks.body");
  })
  .get("/q/:token", async (c) => {
    const lang = pickLang(c.req.query("lang"));
    const token = c.req.param("token");
    const hash = await hashOf(token);
    if (!hash) return invalid(c, lang, null);
    const now = Date.now();
    // One round trip: first-opened time, the link's context and the draft (worker/survey/store.ts).
    const { link, drafts } = await readQuestionnaire(c.env.DB, hash, now);
    const ctx = contextOf(link, now);
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
      state: { values: draftValues(drafts), errors: {} },
      notice,
    });
  })
  .post(
    "/q/:token/draft",
    limitBody(BODY_LIMITS.json, (c) => draftRefused(c, "payload_too_large", "too_large")),
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
  .post("/q/:token", limitBody(BODY_LIMITS.json, tooLarge), async (c) => {
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
        forgetLinkContext(await sha256Hex(token));
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

function invalid(c: Ctx, lang: Lang, ctx: LinkContext | null) {
  // A link a researcher replaced (or that her address change revoked): a kind page pointing to the newest mail.
  if (ctx?.revoked) return youthMessage(c, lang, "youth.invalid.title", "youth.revoked.body", 404, quickExit(ctx));
  return youthMessage(c, lang, "youth.invalid.title", "youth.invalid.body", 404, quickExit(ctx));
}

function already(c: Ctx, lang: Lang, ctx: LinkContext) {
  return youthMessage(c, lang, "youth.already.title", "youth.already.body", 409, quickExit(ctx));
}
