// A youth's link and assisted entry (issue 14, items 4 and 5), for researchers (write role in her pilot):
//
// - Links: re-send her current link through the outbox (one `resend` row per open occasion and press, so a
//   press sends once even when its post is repeated; the youth's due messages of the moment join the same
//   mail), or revoke it and send a new one (the generation bump of worker/survey/links.ts). Both audited.
// - Kiosk: she fills in her open questionnaire on a group computer. The researcher's press creates a kiosk
//   session (only the token's hash is stored) and opens /k/<token>, a youth page without staff chrome. The
//   session ends at submit, after KIOSK_IDLE_MS without input (the page's background saves and every request
//   count as input; the page's script clears the screen after as long without input) or at KIOSK_MAX_MS.
//   An ended session shows an empty page, so Back shows nothing (every answer is no-store). Answers are
//   stored with mode `kiosk` and the researcher as `entered_by`; opening and submitting are audited.
// - Phone: the researcher enters her answers on a staff form during a call: mode `phone`, `entered_by`.
import { renderStaffView } from "../http/staff-view";
import { Hono, type Context } from "hono";
import { BODY_LIMITS, enforceBodyLimit } from "../http/body-limit";
import { mount, page, type Pilot } from "../http/operation";
import { renderToString } from "preact-render-to-string";
import type { Env } from "../env";
import { AppError } from "../errors";
import { audit } from "../lib/audit";
import { b64url, sha256Hex } from "../lib/crypto";
import { YOUTH_HEADERS } from "../lib/render";
import { deliverOutbox } from "../reminders/outbox";
import { localDate } from "../schedule/schedule";
import { DEFAULT_QUICK_EXIT, quickExitOf } from "../studies/settings";
import { askedOf, definitionsFor } from "../studies/instruments";
import { participantByCode } from "../studies/participants";
import { parseAnswers } from "../survey/answers";
import { ANSWERING_STATUSES, isUnanswered } from "../studies/occasion-sql";
import { estimateMinutes, lengthText } from "../../core/questionnaire-length";
import { MessagePage, QuestionnairePage } from "../../web/pages/Questionnaire";
import { PhoneEntryPage, YouthLinksPage, type OpenOccasion } from "../../web/pages/staff/YouthLinks";
import { pickLang, t, type MessageKey } from "../../core/i18n/messages";
import { actorOf, formBody, type StaffEnv } from "../http/auth";
import { staffPageError } from "../http/page-error";
import {
  createKioskSession,
  hasEmail,
  keepKioskAlive,
  kioskSession,
  type KioskRow,
  type OpenRow,
  openOccasionRows,
  queueResend,
  revokeAndQueue,
  storeAssisted,
  touchKioskSession,
} from "./assisted-queries";
import { HOUR_MS, MINUTE_MS } from "../../core/time";

/** A kiosk page clears after this long without input; a submit after it stores nothing. */
export const KIOSK_IDLE_MS = 5 * MINUTE_MS;
/** A kiosk session ends after this long whatever happens. */
export const KIOSK_MAX_MS = 2 * HOUR_MS;
const KIOSK_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const PRESS_RE = /^[A-Za-z0-9_-]{22}$/;
/** Form fields that steer the youth's page, not answers (the kiosk form is the youth's form). */
const CONTROL = new Set(["lang", "nav", "page", "edit", "seq", "context", "_csrf"]);

/** The largest assisted questionnaire posted at once (as a youth's page post). */
const ANSWERS_LIMIT = 64 * 1024;
const randomToken = (bytes: number) => b64url(crypto.getRandomValues(new Uint8Array(bytes)));

/** Her open questionnaires (opened, not closed, not answered), shortest first, with their link's state. */
async function openOccasions(d1: D1Database, participantId: number, now: number) {
  const results = await openOccasionRows(d1, participantId, now);
  const versions = (r: OpenRow) => JSON.parse(r.instrument_version_ids) as number[];
  const defs = await definitionsFor(d1, [...new Set(results.flatMap(versions))]);
  return results
    .map((r) => ({ row: r, asked: askedOf(defs, versions(r), r.participant_status) }))
    .map(({ row, asked }) => ({ row, asked, minutes: estimateMinutes(asked.flatMap((a) => a.items)) }))
    .sort((a, b) => a.minutes - b.minutes || a.row.id - b.row.id);
}

/** The open questionnaire the request names (`match` on its id); a conflict when it is not (or no longer) open. */
async function openOccasion(d1: D1Database, participantId: number, now: number, match: (id: number) => boolean) {
  const o = (await openOccasions(d1, participantId, now)).find((x) => match(x.row.id));
  if (!o) throw new AppError("conflict", "This questionnaire is not (or no longer) open");
  return o;
}

const YOUTH = "/staff/pilots/:pilot/youths/:code";
type Youth = { pilot: Pilot; p: Awaited<ReturnType<typeof participantByCode>>; form: Record<string, string | File> };
/** A page about one youth of the pilot, for researchers (write role): the declaration plus the youth it names. */
const youthPage = (
  decl: { method: "get" | "post"; path: string; limit?: number; form?: boolean },
  handler: (c: Context<StaffEnv>, y: Youth) => Promise<Response>,
) =>
  page({ ...decl, path: `${YOUTH}${decl.path}`, access: "write" }, async (c, { pilot, form }) =>
    handler(c, { pilot, p: await participantByCode(c.env.DB, pilot.id, c.req.param("code") ?? ""), form }),
  );

/** Sends the queued rows of a press at once and audits what happened (nothing when the press queued nothing). */
async function deliverAndAudit(
  c: Context<StaffEnv>,
  action: string,
  pilotId: number,
  code: string,
  ids: number[],
  now: number,
) {
  if (!ids.length) return;
  const counts = await deliverOutbox(c.env, ids, () => Date.now());
  await audit(c.env.DB, actorOf(c), action, now, {
    pilotId,
    target: code,
    details: { occasions: ids.length, sent: counts.sent, deferred: counts.deferred, failed: counts.failed },
  });
}

/** Parses an assisted form against the whole questionnaire (control fields and the CSRF token left out). */
function parseAssisted(form: Record<string, unknown>, asked: ReturnType<typeof askedOf>, lang: "nl" | "en") {
  const fields = Object.fromEntries(Object.entries(form).filter(([k]) => !CONTROL.has(k)));
  const parsed = parseAnswers(fields, asked);
  if (parsed.ok) return parsed;
  return {
    ok: false as const,
    state: {
      values: parsed.values,
      errors: Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [k, t(v, lang)])),
      formError: t(parsed.formError as MessageKey, lang),
    },
  };
}

export const assistedPageRoutes = mount(
  youthPage({ method: "get", path: "/links" }, async (c, { pilot, p }) => {
    const now = Date.now();
    const open = await openOccasions(c.env.DB, p.id, now);
    const done = c.req.query("done");
    const notice = (["resent", "revoked", "noAddress", "phone", "kiosk"] as const).find((d) => d === done);
    const rows: OpenOccasion[] = open.map(({ row, minutes }) => ({
      id: row.id,
      kind: row.kind,
      wave: row.wave,
      seq: row.seq,
      dueDate: row.due_date,
      closesDate: localDate(row.closes_at, pilot.timezone),
      generation: row.link_generation,
      lastSent: row.last_sent === null ? null : localDate(row.last_sent, pilot.timezone),
      minutes,
    }));
    return renderStaffView(c, YouthLinksPage, {
      pilot,
      code: p.code,
      open: rows,
      hasEmail: await hasEmail(c.env.DB, p.id),
      press: randomToken(16),
      notice,
    });
  }),
  youthPage({ method: "post", path: "/links/resend", limit: BODY_LIMITS.smallForm, form: true }, async (c, y) => {
    const { pilot, p, form } = y;
    const press = String(form.press ?? "");
    if (!PRESS_RE.test(press)) throw new AppError("validation", "Reload the page and press again");
    if (p.status === "withdrawn") throw new AppError("conflict", "A withdrawn participant is not contacted");
    const now = Date.now();
    const ids = await queueResend(c.env.DB, pilot.id, p.id, press, now);
    // A repeated post of the same press adds no row and sends nothing.
    await deliverAndAudit(c, "link.resend", pilot.id, p.code, ids, now);
    return c.redirect(`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(p.code)}/links?done=resent`, 303);
  }),
  youthPage({ method: "post", path: "/links/revoke", limit: BODY_LIMITS.smallForm, form: true }, async (c, y) => {
    const { pilot, p, form } = y;
    const press = String(form.press ?? "");
    if (form.confirm !== "1") throw new AppError("validation", "Confirm that the old link stops working");
    if (!PRESS_RE.test(press)) throw new AppError("validation", "Reload the page and press again");
    if (p.status === "withdrawn") throw new AppError("conflict", "A withdrawn participant is not contacted");
    const now = Date.now();
    // Revoked and re-queued once per press (worker/staff/assisted-queries.ts revokeAndQueue).
    const ids = await revokeAndQueue(c.env.DB, pilot.id, p.id, `${press}-new`, now);
    await deliverAndAudit(c, "link.revoke", pilot.id, p.code, ids, now);
    return c.redirect(`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(p.code)}/links?done=revoked`, 303);
  }),
  youthPage({ method: "post", path: "/kiosk", limit: BODY_LIMITS.smallForm, form: true }, async (c, y) => {
    const { pilot, p, form } = y;
    const userId = c.get("principal").userId;
    // The role allows it, but the answers must name a staff user: an API token without one cannot do this.
    if (!userId)
      throw new AppError("validation", "Kiosk mode needs a signed-in researcher (the answers record who opened it)");
    const now = Date.now();
    const occasionId = Number(form.occasion);
    const o = await openOccasion(c.env.DB, p.id, now, (id) => id === occasionId);
    const token = randomToken(32);
    await createKioskSession(c.env.DB, {
      tokenHash: await sha256Hex(token),
      occasionId,
      participantId: p.id,
      pilotId: pilot.id,
      staffUserId: userId,
      now,
      expiresAt: Math.min(now + KIOSK_MAX_MS, o.row.closes_at),
    });
    await audit(c.env.DB, actorOf(c), "kiosk.open", now, {
      pilotId: pilot.id,
      target: p.code,
      details: { occasionId },
    });
    return c.redirect(`/k/${token}`, 303);
  }),
  youthPage({ method: "get", path: "/phone/:occasion" }, async (c, { pilot, p }) => {
    const o = await openOccasion(c.env.DB, p.id, Date.now(), (id) => String(id) === c.req.param("occasion"));
    return renderStaffView(c, PhoneEntryPage, { pilot, code: p.code, occasion: o.row, asked: o.asked });
  }),
  youthPage({ method: "post", path: "/phone/:occasion", limit: ANSWERS_LIMIT }, async (c, { pilot, p }) => {
    const form = await formBody(c, { all: true });
    const userId = c.get("principal").userId;
    if (!userId)
      throw new AppError(
        "validation",
        "Phone entry needs a signed-in researcher (the answers record who entered them)",
      );
    const now = Date.now();
    const o = await openOccasion(c.env.DB, p.id, now, (id) => String(id) === c.req.param("occasion"));
    const parsed = parseAssisted(form, o.asked, "nl");
    if (!parsed.ok)
      return renderStaffView(
        c,
        PhoneEntryPage,
        { pilot, code: p.code, occasion: o.row, asked: o.asked, state: parsed.state },
        400,
      );
    const stored = await storeAssisted(
      c.env.DB,
      { occasionId: o.row.id, participantId: p.id, pilotId: pilot.id, code: p.code },
      parsed.rows,
      now,
      "phone",
      { userId, actor: actorOf(c) },
    );
    if (!stored) throw new AppError("conflict", "This questionnaire is not (or no longer) open");
    return c.redirect(`/staff/pilots/${pilot.key}/youths/${encodeURIComponent(p.code)}/links?done=phone`, 303);
  }),
  // Errors as staff pages (same statuses as the API), never the JSON envelope.
).onError(staffPageError);

const kioskLive = (r: KioskRow | null, now: number): r is KioskRow =>
  !!r &&
  r.ended_at === null &&
  r.expires_at > now &&
  now - r.last_seen_at <= KIOSK_IDLE_MS &&
  isUnanswered(r.occasion_status) &&
  (ANSWERING_STATUSES as readonly string[]).includes(r.participant_status);

type YouthCtx = Context<{ Bindings: Env }>;
function youthHtml(c: YouthCtx, html: string, status: 200 | 400 | 404 = 200) {
  for (const [k, v] of Object.entries(YOUTH_HEADERS)) c.header(k, v);
  return c.html(`<!doctype html>${html}`, status);
}
function endedPage(c: YouthCtx, status: 200 | 404) {
  const lang = pickLang(c.req.query("lang"));
  return youthHtml(
    c,
    renderToString(
      <MessagePage
        lang={lang}
        quickExitUrl={DEFAULT_QUICK_EXIT}
        title={t("youth.kiosk.ended.title", lang)}
        body={t("youth.kiosk.ended.body", lang)}
      />,
    ),
    status,
  );
}
const ended = (c: YouthCtx) => c.redirect(`/k/ended?lang=${pickLang(c.req.query("lang"))}`, 303);

/** The page's own script (script-src 'self'): clears the screen after KIOSK_IDLE_MS without input. */
const KIOSK_JS =
  `(()=>{const ms=${KIOSK_IDLE_MS};let t;const ` +
  `clear=()=>{document.body.innerHTML="";location.replace("/k/ended"+location.search)};const ` +
  `reset=()=>{clearTimeout(t);t=setTimeout(clear,ms)};for(const e of ` +
  `["input","change","keydown","pointerdown","touchstart","scroll"])addEventListener(e,reset,{passive:true,` +
  `capture:true});reset();addEventListener("pageshow",(e)=>{if(e.persisted)location.reload()})})();`;

async function kioskPage(
  c: YouthCtx,
  token: string,
  r: KioskRow,
  now: number,
  state?: { values: Record<string, string>; errors: Record<string, string>; formError?: string },
) {
  const lang = pickLang(c.req.query("lang"));
  const versions = JSON.parse(r.instrument_version_ids) as number[];
  const asked = askedOf(await definitionsFor(c.env.DB, versions), versions, r.participant_status);
  const quickExitUrl = quickExitOf(r);
  const html = renderToString(
    <QuestionnairePage
      lang={lang}
      action={`/k/${token}?lang=${lang}`}
      draftUrl={`/k/${token}/alive?lang=${lang}`}
      langHref={`?lang=${lang === "nl" ? "en" : "nl"}`}
      quickExitUrl={quickExitUrl}
      instruments={asked.filter((a) => a.items.length > 0)}
      page={1}
      pages={1}
      minutes={lengthText(estimateMinutes(asked.flatMap((a) => a.items)), lang)}
      edit={now}
      state={state}
    />,
  );
  // Without scripts the page still clears after the idle time (a refresh to the empty page).
  const head =
    `<noscript><meta http-equiv="refresh" ` + `content="${KIOSK_IDLE_MS / 1000};url=/k/ended?lang=${lang}"></noscript>`;
  return youthHtml(
    c,
    html.replace("</head>", `${head}</head>`).replace("</body>", `<script src="/k/kiosk.js" defer></script></body>`),
    state ? 400 : 200,
  );
}

/** The live kiosk session the path's token names, with its token's hash and the time; null when it is not live. */
async function liveSession(c: YouthCtx) {
  const token = c.req.param("token") ?? "";
  if (!KIOSK_TOKEN_RE.test(token)) return null;
  const now = Date.now();
  const hash = await sha256Hex(token);
  const r = await kioskSession(c.env.DB, hash);
  return kioskLive(r, now) ? { token, hash, r, now } : null;
}

/** A kiosk post within ANSWERS_LIMIT (worker/http/body-limit.ts); one over it is answered as an ended session. */
async function withinLimit(c: YouthCtx) {
  try {
    await enforceBodyLimit(c, ANSWERS_LIMIT);
    return true;
  } catch (e) {
    if (e instanceof AppError && e.code === "payload_too_large") return false;
    throw e;
  }
}

/** The kiosk on a group computer: a youth page, no staff chrome; public like /q/ (the token is the key). */
export const kioskRoutes = new Hono<{ Bindings: Env }>()
  .get("/k/kiosk.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-store");
    return c.body(KIOSK_JS);
  })
  .get("/k/ended", (c) => endedPage(c, 200))
  .get("/k/:token", async (c) => {
    const live = await liveSession(c);
    if (!live) return ended(c);
    const { token, hash, r, now } = live;
    await touchKioskSession(c.env.DB, hash, now);
    return kioskPage(c, token, r, now);
  })
  // The page's background saves: nothing is kept but the time of the input (the idle clock restarts).
  .post("/k/:token/alive", async (c) => {
    if (!(await withinLimit(c))) return endedPage(c, 404);
    const token = c.req.param("token");
    const now = Date.now();
    c.header("Cache-Control", "no-store");
    if (
      KIOSK_TOKEN_RE.test(token) &&
      (await keepKioskAlive(c.env.DB, await sha256Hex(token), now, now - KIOSK_IDLE_MS))
    )
      return c.json({ saved: true });
    // Ended, idle too long or unknown: the empty page (the page's script ignores the body of a refused save).
    return endedPage(c, 404);
  })
  .post("/k/:token", async (c) => {
    if (!(await withinLimit(c))) return ended(c);
    const live = await liveSession(c);
    if (!live) return ended(c);
    const { token, hash, r, now } = live;
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch {
      form = { "": [] };
    }
    const versions = JSON.parse(r.instrument_version_ids) as number[];
    const asked = askedOf(await definitionsFor(c.env.DB, versions), versions, r.participant_status);
    const lang = pickLang(c.req.query("lang"));
    const parsed = parseAssisted(form, asked, lang);
    if (!parsed.ok) {
      await touchKioskSession(c.env.DB, hash, now);
      return kioskPage(c, token, r, now, parsed.state);
    }
    // Stored or not (the session ran out meanwhile), the page clears: nothing of hers stays on the screen.
    await storeAssisted(
      c.env.DB,
      { occasionId: r.occasion_id, participantId: r.participant_id, pilotId: r.pilot_id, code: r.code },
      parsed.rows,
      now,
      "kiosk",
      { userId: r.staff_user_id, actor: { type: "staff", id: `staff:${r.staff_user_id}` } },
      { hash, idleSince: now - KIOSK_IDLE_MS },
    );
    return ended(c);
  });
