// The youth's "no reminders for two weeks" link from every invitation and reminder: GET asks, POST
// pauses. The token is opaque (AES-GCM of the youth's id and an expiry, see ./pause-token.ts
// pauseToken): it shows no participant id, nothing is stored for it, and it expires when the occasion
// it was mailed for closes.
// Pausing is idempotent (a second press changes nothing), audited with the youth's code as actor and
// listed for researchers (GET /api/v1/pilots/:pilot/reminder-pauses).
import { BODY_LIMITS, limitBody } from "../http/body-limit";
import { Hono, type Context } from "hono";
import { YouthLayout } from "../../web/components/Layout";
import { pickLang, t, type Lang } from "../../core/i18n/messages";
import type { Env } from "../env";
import { renderPage } from "../lib/render";
import { auditPause, pausedUntil, pauseReminders, pauseYouth } from "./pause-queries";
import { verifyPauseToken } from "./pause-token";
import { DAY_MS } from "../../core/time";
import { DEFAULT_QUICK_EXIT, parseSettings } from "../studies/settings";

export const PAUSE_DAYS = 14;

type Youth = {
  id: number;
  code: string;
  pilotId: number;
  status: string;
  pausedUntil: number | null;
  timezone: string;
  quickExitUrl: string;
};

async function youthFor(env: Env, token: string): Promise<Youth | null> {
  const id = await verifyPauseToken(env, token);
  if (id === null) return null;
  const r = await pauseYouth(env.DB, id);
  // Withdrawn youths get no contact at all, so their old links lead nowhere.
  if (!r || r.status === "withdrawn") return null;
  const settings = parseSettings(r.settings);
  return {
    id: r.id,
    code: r.code,
    pilotId: r.pilot_id,
    status: r.status,
    pausedUntil: r.reminders_paused_until,
    timezone: r.timezone,
    quickExitUrl: settings.quickExitUrl ?? DEFAULT_QUICK_EXIT,
  };
}

const dateText = (ms: number, lang: Lang, timezone: string) =>
  new Intl.DateTimeFormat(lang === "nl" ? "nl-NL" : "en-GB", {
    day: "numeric",
    month: "long",
    timeZone: timezone,
  }).format(ms);

function PausePage({
  lang,
  youth,
  action,
  state,
}: {
  lang: Lang;
  youth: Youth;
  action: string;
  state: "ask" | "done" | "already";
}) {
  return (
    <YouthLayout lang={lang} quickExitUrl={youth.quickExitUrl}>
      <p class="lang">
        <a href={`?lang=${lang === "nl" ? "en" : "nl"}`}>{lang === "nl" ? "English" : "Nederlands"}</a>
      </p>
      <h1>{t("youth.pause.title", lang)}</h1>
      {state === "ask" ? (
        <>
          <p>{t("pause.confirm", lang)}</p>
          <form method="post" action={action}>
            <button type="submit">{t("youth.pause.button", lang)}</button>
          </form>
        </>
      ) : (
        <>
          <p>{state === "done" ? t("youth.pause.body", lang) : t("pause.already", lang)}</p>
          <p>
            {t("pause.until", lang)} {dateText(youth.pausedUntil!, lang, youth.timezone)}.
          </p>
        </>
      )}
    </YouthLayout>
  );
}

function invalid(c: Context, lang: Lang) {
  return renderPage(
    c,
    <YouthLayout lang={lang} quickExitUrl={DEFAULT_QUICK_EXIT}>
      <h1>{t("youth.invalid.title", lang)}</h1>
      <p>{t("pause.invalid", lang)}</p>
    </YouthLayout>,
    404,
  );
}

export const pauseRoutes = new Hono<{ Bindings: Env }>()
  .get("/p/:token", async (c) => {
    const lang = pickLang(c.req.query("lang"));
    const youth = await youthFor(c.env, c.req.param("token"));
    if (!youth) return invalid(c, lang);
    const paused = youth.pausedUntil !== null && youth.pausedUntil > Date.now();
    return renderPage(
      c,
      <PausePage
        lang={lang}
        youth={youth}
        action={`/p/${c.req.param("token")}?lang=${lang}`}
        state={paused ? "already" : "ask"}
      />,
    );
  })
  .post(
    "/p/:token",
    limitBody(BODY_LIMITS.tiny, (c) => invalid(c, pickLang(c.req.query("lang")))),
    async (c) => {
      const lang = pickLang(c.req.query("lang"));
      const youth = await youthFor(c.env, c.req.param("token"));
      if (!youth) return invalid(c, lang);
      const now = Date.now();
      const until = now + PAUSE_DAYS * DAY_MS;
      if (await pauseReminders(c.env.DB, youth.id, until, now)) {
        await auditPause(c.env.DB, youth, until, now, PAUSE_DAYS);
        return renderPage(c, <PausePage lang={lang} youth={{ ...youth, pausedUntil: until }} action="" state="done" />);
      }
      const current = await pausedUntil(c.env.DB, youth.id);
      return renderPage(
        c,
        <PausePage lang={lang} youth={{ ...youth, pausedUntil: current }} action="" state="already" />,
      );
    },
  );
