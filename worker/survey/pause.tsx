// The youth's "no reminders for two weeks" link from every invitation and reminder: GET asks, POST
// pauses. The token is opaque (AES-GCM of the youth's id and an expiry, see reminders/outbox.ts
// pauseToken): it shows no participant id, nothing is stored for it, and it expires when the occasion
// it was mailed for closes.
// Pausing is idempotent (a second press changes nothing), audited with the youth's code as actor and
// listed for researchers (GET /api/v1/pilots/:pilot/reminder-pauses).
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { YouthLayout } from "../../web/components/Layout";
import { pickLang, t, type Lang } from "../../web/i18n/messages";
import { getDb } from "../db";
import type { Env } from "../env";
import { audit } from "../lib/audit";
import { renderPage } from "../lib/render";
import { verifyPauseToken } from "../reminders/outbox";
import { DAY_MS } from "../../core/time";

export const PAUSE_DAYS = 14;
const DEFAULT_QUICK_EXIT = "https://www.google.nl/";

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
  const r = await env.DB.prepare(
    "SELECT p.id, p.code, p.pilot_id, p.status, p.reminders_paused_until, pl.timezone, pl.settings FROM participants p JOIN pilots pl ON pl.id = p.pilot_id WHERE p.id = ?",
  )
    .bind(id)
    .first<{
      id: number;
      code: string;
      pilot_id: number;
      status: string;
      reminders_paused_until: number | null;
      timezone: string;
      settings: string | null;
    }>();
  // Withdrawn youths get no contact at all, so their old links lead nowhere.
  if (!r || r.status === "withdrawn") return null;
  const settings = r.settings ? (JSON.parse(r.settings) as { quickExitUrl?: string }) : {};
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
    bodyLimit({ maxSize: 1024, onError: (c) => invalid(c, pickLang(c.req.query("lang"))) }),
    async (c) => {
      const lang = pickLang(c.req.query("lang"));
      const youth = await youthFor(c.env, c.req.param("token"));
      if (!youth) return invalid(c, lang);
      const now = Date.now();
      const until = now + PAUSE_DAYS * DAY_MS;
      // Only a youth who is not paused now is paused: repeated or concurrent presses change nothing.
      // Messages already queued for her wait until the pause ends (same key, so still sent only once).
      const [pause] = await c.env.DB.batch([
        c.env.DB.prepare(
          "UPDATE participants SET reminders_paused_until = ?1 WHERE id = ?2 AND (reminders_paused_until IS NULL OR reminders_paused_until <= ?3)",
        ).bind(until, youth.id, now),
        c.env.DB.prepare(
          "UPDATE outbox SET next_attempt_at = max(next_attempt_at, ?1), last_error = 'reminders_paused' WHERE participant_id = ?2 AND status = 'queued' AND EXISTS (SELECT 1 FROM participants WHERE id = ?2 AND reminders_paused_until = ?1)",
        ).bind(until, youth.id),
      ]);
      if (pause!.meta.changes === 1) {
        await audit(getDb(c.env.DB), { type: "youth", id: youth.code }, "reminders_paused", now, {
          pilotId: youth.pilotId,
          target: `participant:${youth.id}`,
          details: { until, days: PAUSE_DAYS },
        });
        return renderPage(c, <PausePage lang={lang} youth={{ ...youth, pausedUntil: until }} action="" state="done" />);
      }
      const current = await c.env.DB.prepare("SELECT reminders_paused_until FROM participants WHERE id = ?")
        .bind(youth.id)
        .first<number>("reminders_paused_until");
      return renderPage(
        c,
        <PausePage lang={lang} youth={{ ...youth, pausedUntil: current }} action="" state="already" />,
      );
    },
  );
