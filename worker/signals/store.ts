// Staff signals (issue 15), stored: evaluated per youth after the scheduled recompute, upserted so that an
// acknowledged signal with the same evidence stays acknowledged and new evidence opens it again; read and
// acknowledged by the pilot's researchers; one discreet digest mail per pilot and run. Rules: ./rules.ts.
import type { Indicator } from "../../schema/instruments/definitions";
import { SIGNAL_RULES, type SignalRule } from "../../schema/tables";
import {
  parseSeriesIndicatorKey,
  pilotIndicators,
  readFrequentAnswers,
  type AnswerColumns,
  type WaveSeriesPoints,
} from "../analysis/recompute";
import { parseWaveIndicatorKey, waveScales, type WaveDefinition } from "../analysis/waves";
import type { Env } from "../env";
import { AppError } from "../errors";
import { audit, type Actor } from "../lib/audit";
import { createTransport, messageIdFor } from "../mail/transport";
import { signalRulesOf } from "./rules";
import { t } from "../../core/i18n/messages";
import type { Wave } from "../../core/waves";
import {
  evaluateRules,
  type FrequentSeries,
  type Measurement,
  type OccasionFact,
  type WaveScale,
  type WaveSeries,
} from "./rules";

export { SIGNAL_RULES, type SignalRule };
export type SignalStatus = "open" | "acknowledged" | "cleared";
const CHUNK = 200;

/** Per indicator her measurements with their occasion and answer time: the mean of the answered items. */
export function seriesOf(indicators: readonly Indicator[], a: AnswerColumns): FrequentSeries[] {
  return indicators.map((ind) => {
    const byOccasion = new Map<number, { at: number; sum: number; n: number }>();
    for (let i = 0; i < a.occasion.length; i++) {
      const v = a.value[i];
      if (v === null || v === undefined || a.instrument[i] !== ind.instrument || !ind.items.includes(a.item[i]!))
        continue;
      const o =
        byOccasion.get(a.occasion[i]!) ??
        byOccasion.set(a.occasion[i]!, { at: a.at[i]!, sum: 0, n: 0 }).get(a.occasion[i]!)!;
      o.sum += v;
      o.n++;
    }
    const points: Measurement[] = [...byOccasion].map(([occasionId, o]) => ({
      occasionId,
      at: o.at,
      value: o.sum / o.n,
    }));
    return { indicator: ind.key, higherIsBetter: ind.higherIsBetter, aggregate: ind.aggregate, points };
  });
}

/** Wave definitions: the latest per instrument (scales, norms) and every version by id (scoring its answers). */
type WaveDefinitions = {
  latest: Map<string, WaveDefinition>;
  byVersion: Map<number, { key: string; definition: WaveDefinition }>;
};

async function waveDefinitions(d1: D1Database): Promise<WaveDefinitions> {
  const rows = await d1
    .prepare(
      "SELECT v.id, i.key, v.version, v.definition FROM instruments i JOIN instrument_versions " +
        "v ON v.instrument_id = i.id WHERE i.kind = 'wave' ORDER BY v.version",
    )
    .raw<[number, string, number, string]>();
  const byVersion = new Map(
    rows.map(([id, key, , def]) => [id, { key, definition: JSON.parse(def) as WaveDefinition }]),
  );
  return { latest: new Map([...byVersion.values()].map((v) => [v.key, v.definition])), byVersion };
}

const UPSERT =
  `INSERT INTO signals (pilot_id, participant_id, rule, indicator, ` +
  `status, evidence, evidence_key, raised_at, evaluated_at)
  SELECT ?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?7
  -- her erase generation as read with her answers: an erasure since then writes nothing back
  WHERE (SELECT erase_generation FROM participants WHERE id = ?2) = ?8
  ON CONFLICT (participant_id, rule, indicator) DO UPDATE SET
    status = CASE WHEN signals.evidence_key = excluded.evidence_key ` +
  `AND signals.status <> 'cleared' THEN signals.status ELSE 'open' END,
    raised_at = CASE WHEN signals.evidence_key = excluded.evidence_key AND ` +
  `signals.status <> 'cleared' THEN signals.raised_at ELSE excluded.raised_at END,
    acknowledged_at = CASE WHEN signals.evidence_key = excluded.evidence_key ` +
  `AND signals.status <> 'cleared' THEN signals.acknowledged_at END,
    acknowledged_by = CASE WHEN signals.evidence_key = excluded.evidence_key ` +
  `AND signals.status <> 'cleared' THEN signals.acknowledged_by END,
    acknowledge_note = CASE WHEN signals.evidence_key = excluded.evidence_key ` +
  `AND signals.status <> 'cleared' THEN signals.acknowledge_note END,
    notified_at = CASE WHEN signals.evidence_key = excluded.evidence_key ` +
  `AND signals.status <> 'cleared' THEN signals.notified_at END,
    evidence = excluded.evidence, evidence_key = excluded.evidence_key, evaluated_at = excluded.evaluated_at`;

/**
 * Evaluates the rules for the given youths at `now` and stores the outcome: a new finding opens a signal,
 * the same evidence leaves it as it is (acknowledged stays acknowledged), other evidence opens it again,
 * and a signal whose condition no longer holds becomes `cleared`. Returns how many signals were opened.
 */
export async function evaluateSignals(
  d1: D1Database,
  participantIds: number[],
  now: number,
): Promise<{ evaluated: number; opened: number; cleared: number }> {
  const result = { evaluated: 0, opened: 0, cleared: 0 };
  if (!participantIds.length) return result;
  const defs = await waveDefinitions(d1);
  // a pilot's indicators from its stored instrument versions (worker/analysis/README.md); retired pilot items
  // (no longer asked) raise no signals
  const indicatorsOf = new Map<string, Indicator[]>();
  for (let c = 0; c < participantIds.length; c += CHUNK) {
    const ids = participantIds.slice(c, c + CHUNK);
    const json = JSON.stringify(ids);
    const [people, waves, occasions, existing] = await d1.batch<Record<string, unknown>>([
      d1
        .prepare(
          `SELECT p.id, p.pilot_id, p.status, p.erase_generation, pl.key, pl.timezone, ` +
            `pl.settings FROM participants p JOIN pilots pl ON pl.id = p.pilot_id
         WHERE p.id IN (SELECT value FROM json_each(?))`,
        )
        .bind(json),
      d1
        .prepare(
          "SELECT participant_id, indicator, mean FROM indicator_results WHERE participant_id " +
            "IN (SELECT value FROM json_each(?)) AND indicator LIKE 'wave:%' AND mean IS NOT NULL",
        )
        .bind(json),
      d1
        .prepare(
          "SELECT id, participant_id, kind, seq, due_date, closes_at, status " +
            "FROM occasions WHERE participant_id IN (SELECT value FROM json_each(?))",
        )
        .bind(json),
      d1
        .prepare(
          "SELECT id, participant_id, rule, indicator, status, evidence_key " +
            "FROM signals WHERE participant_id IN (SELECT value FROM json_each(?))",
        )
        .bind(json),
    ]);
    // her frequent answers and the series of a wave instrument asked at its own interval, as the recompute reads them
    const { answers, series } = await readFrequentAnswers(d1, ids);
    const group = <T extends { participant_id: number }>(rows: T[]) => {
      const m = new Map<number, T[]>();
      for (const r of rows) (m.get(r.participant_id) ?? m.set(r.participant_id, []).get(r.participant_id)!).push(r);
      return m;
    };
    const wavesBy = group(waves!.results as { participant_id: number; indicator: string; mean: number }[]);
    const occBy = group(
      occasions!.results as {
        participant_id: number;
        id: number;
        kind: "frequent" | "wave";
        seq: number;
        due_date: string;
        closes_at: number;
        status: string;
      }[],
    );
    const oldBy = group(
      existing!.results as {
        participant_id: number;
        id: number;
        rule: SignalRule;
        indicator: string;
        status: SignalStatus;
        evidence_key: string;
      }[],
    );
    const stmts: D1PreparedStatement[] = [];
    const clear: number[] = [];
    for (const { key } of people!.results as { key: string }[]) {
      if (!indicatorsOf.has(key))
        indicatorsOf.set(
          key,
          (await pilotIndicators(d1, key)).filter((i) => !i.retired),
        );
    }
    for (const p of people!.results as {
      id: number;
      pilot_id: number;
      status: string;
      erase_generation: number;
      key: string;
      timezone: string;
      settings: string;
    }[]) {
      result.evaluated++;
      const rules = signalRulesOf(p);
      // A withdrawn youth is no longer followed: her signals clear.
      const findings =
        p.status === "withdrawn"
          ? []
          : evaluateRules(
              {
                frequent: answers.has(p.id) ? seriesOf(indicatorsOf.get(p.key)!, answers.get(p.id)!) : [],
                waves: waveScalesOf(wavesBy.get(p.id) ?? [], defs.latest),
                series: seriesFacts(series.get(p.id) ?? [], defs.latest),
                occasions: (occBy.get(p.id) ?? []).map(
                  (o): OccasionFact => ({
                    id: o.id,
                    kind: o.kind,
                    seq: o.seq,
                    dueDate: o.due_date,
                    closesAt: o.closes_at,
                    status: o.status,
                  }),
                ),
              },
              rules,
              now,
            );
      const old = new Map((oldBy.get(p.id) ?? []).map((s) => [`${s.rule}|${s.indicator}`, s]));
      for (const f of findings) {
        const prev = old.get(`${f.rule}|${f.indicator}`);
        old.delete(`${f.rule}|${f.indicator}`);
        if (prev && prev.evidence_key === f.evidenceKey && prev.status !== "cleared") continue;
        result.opened++;
        stmts.push(
          d1
            .prepare(UPSERT)
            .bind(
              p.pilot_id,
              p.id,
              f.rule,
              f.indicator,
              JSON.stringify({ ...f.evidence, rule: f.rule, indicator: f.indicator, evaluatedAt: now }),
              f.evidenceKey,
              now,
              p.erase_generation,
            ),
        );
      }
      for (const s of old.values()) if (s.status !== "cleared") clear.push(s.id);
    }
    if (clear.length)
      stmts.push(
        d1
          .prepare(
            "UPDATE signals SET status = 'cleared', evaluated_at = ?2 WHERE " +
              "id IN (SELECT value FROM json_each(?1)) AND status <> 'cleared'",
          )
          .bind(JSON.stringify(clear), now),
      );
    result.cleared += clear.length;
    if (stmts.length) await d1.batch(stmts);
  }
  return result;
}

/** A wave scale's direction and norm (the total's `totalNorm` included), as the wave tables read them. */
function scaleFacts(scale: ReturnType<typeof waveScales>[number]) {
  return {
    higherIsBetter: scale.higherIsBetter,
    norm: scale.norm ? { sd: scale.norm.sd, reliability: scale.norm.reliability } : null,
  };
}

function waveScalesOf(rows: { indicator: string; mean: number }[], defs: Map<string, WaveDefinition>): WaveScale[] {
  const byScale = new Map<string, WaveScale>();
  for (const r of rows) {
    const k = parseWaveIndicatorKey(r.indicator);
    const def = k && defs.get(k.instrument);
    const scale = def && waveScales(def).find((s) => s.key === k.subscale);
    if (!k || !scale) continue;
    const key = `${k.instrument}.${k.subscale}`;
    const w = byScale.get(key) ?? byScale.set(key, { indicator: key, ...scaleFacts(scale), scores: [] }).get(key)!;
    w.scores.push({ wave: k.wave as "T1" | "T2" | "T3", score: r.mean });
  }
  return [...byScale.values()];
}

/**
 * Her series of each wave instrument asked at its own interval (the recompute's computeWaveSeries: every measurement,
 * interval and T waves alike, scored per occasion and version), with the scale's direction and norm from the
 * instrument's latest version, as in waveScalesOf.
 */
function seriesFacts(list: WaveSeriesPoints[], latest: Map<string, WaveDefinition>): WaveSeries[] {
  return list.flatMap(({ indicator, points }) => {
    const k = parseSeriesIndicatorKey(indicator);
    const def = k && latest.get(k.instrument);
    const scale = def && waveScales(def).find((s) => s.key === k.subscale);
    if (!k || !scale) return [];
    const measured = points.map(({ occasionId, at, wave, value }) => ({
      occasionId,
      at,
      value,
      wave: wave as Wave | null,
    }));
    return [{ indicator: `${k.instrument}.${k.subscale}`, ...scaleFacts(scale), points: measured }];
  });
}

/**
 * Every youth of a pilot evaluated at `now`: after a researcher's full recompute, whose rewritten indicators (a
 * changed norm or computation) the scheduled run would not look at again.
 */
export async function evaluatePilotSignals(d1: D1Database, pilotId: number, now: number) {
  const ids = await d1
    .prepare("SELECT id FROM participants WHERE pilot_id = ? ORDER BY id")
    .bind(pilotId)
    .raw<[number]>();
  return evaluateSignals(
    d1,
    ids.map(([id]) => id),
    now,
  );
}

/** A changed rule setting: the pilot's youths are evaluated again by the next run (through the recompute queue). */
export async function requestPilotEvaluation(d1: D1Database, pilotId: number, now: number) {
  await d1
    .prepare(
      "INSERT INTO recompute_queue (participant_id, requested_at) SELECT id, ?2 FROM participants WHERE " +
        "pilot_id = ?1 ON CONFLICT (participant_id) DO UPDATE SET requested_at = excluded.requested_at",
    )
    .bind(pilotId, now)
    .run();
}

// ---- reading and acknowledging ------------------------------------------------------------------------

export type SignalView = {
  id: number;
  participantCode: string;
  rule: SignalRule;
  indicator: string;
  status: SignalStatus;
  evidence: Record<string, unknown>;
  raisedAt: number;
  evaluatedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
};

/** A pilot's signals (open and acknowledged by default; `cleared` or `all` on request), newest first. */
export async function listSignals(
  d1: D1Database,
  pilotId: number,
  opts: { status?: SignalStatus | "all"; participantId?: number } = {},
): Promise<SignalView[]> {
  const status = opts.status ?? null;
  const { results } = await d1
    .prepare(
      `SELECT s.id, p.code AS participantCode, s.rule, s.indicator, s.status, s.evidence, s.raised_at AS raisedAt,
              s.evaluated_at AS evaluatedAt, s.acknowledged_at AS acknowledgedAt, u.name AS acknowledgedBy,
              s.acknowledge_note AS note
       FROM signals s JOIN participants p ON p.id = s.participant_id LEFT JOIN staff_users u ON u.id = s.acknowledged_by
       WHERE s.pilot_id = ?1 AND (?2 IS NULL AND s.status IN ('open', 'acknowledged') ` +
        `OR ?2 = 'all' OR s.status = ?2) AND (?3 IS NULL OR s.participant_id = ?3)
       ORDER BY s.status = 'open' DESC, s.raised_at DESC, s.id DESC LIMIT 2000`,
    )
    .bind(pilotId, status, opts.participantId ?? null)
    .all<Omit<SignalView, "evidence"> & { evidence: string }>();
  return results.map((r) => ({ ...r, evidence: JSON.parse(r.evidence) as Record<string, unknown> }));
}

/** Open signals per youth of a pilot (the mark beside her code in the youth list). */
export async function openSignalCounts(d1: D1Database, pilotId: number): Promise<Map<string, number>> {
  const { results } = await d1
    .prepare(
      "SELECT p.code, COUNT(*) AS n FROM signals s JOIN participants p ON p.id = " +
        "s.participant_id WHERE s.pilot_id = ? AND s.status = 'open' GROUP BY p.code",
    )
    .bind(pilotId)
    .all<{ code: string; n: number }>();
  return new Map(results.map((r) => [r.code, r.n]));
}

export const NOTE_MAX = 500;
const ID_RE = /^[1-9]\d{0,15}$/;

/**
 * Acknowledges an open signal of this pilot with a short note, audited. A signal of another pilot is
 * "not found" here; one already acknowledged or cleared is a conflict. One conditional UPDATE: nothing half-stored.
 */
export async function acknowledgeSignal(
  d1: D1Database,
  pilotId: number,
  idParam: string,
  note: string,
  actor: Actor,
  userId: number | null,
  now: number,
) {
  if (!ID_RE.test(idParam)) throw new AppError("validation", "Signal id must be a positive integer");
  const text = note.trim();
  if (!text) throw new AppError("validation", "Write a short note (what was done or decided)");
  if (text.length > NOTE_MAX) throw new AppError("validation", `The note is at most ${NOTE_MAX} characters`);
  const id = Number(idParam);
  const row = await d1
    .prepare("SELECT id, status, rule, indicator, participant_id FROM signals WHERE id = ? AND pilot_id = ?")
    .bind(id, pilotId)
    .first<{ id: number; status: SignalStatus; rule: string; indicator: string; participant_id: number }>();
  if (!row) throw new AppError("not_found", "No such signal in this pilot");
  const res = await d1
    .prepare(
      "UPDATE signals SET status = 'acknowledged', acknowledged_at = ?1, acknowledged_by " +
        "= ?2, acknowledge_note = ?3 WHERE id = ?4 AND pilot_id = ?5 AND status = 'open'",
    )
    .bind(now, userId, text, id, pilotId)
    .run();
  if (!res.meta.changes)
    throw new AppError("conflict", `Only an open signal can be acknowledged (this one is ${row.status})`);
  // The note itself stays out of the audit log (it may name circumstances); its length is enough there.
  await audit(d1, actor, "signal.acknowledge", now, {
    pilotId,
    target: `signal:${id}`,
    details: { rule: row.rule, indicator: row.indicator, participantId: row.participant_id, noteLength: text.length },
  });
  return (await listSignals(d1, pilotId, { status: "all" })).find((s) => s.id === id)!;
}

// ---- the discreet digest mail -----------------------------------------------------------------------------

/**
 * For every pilot with the mail switched on: when signals opened that no mail mentioned yet, one mail to each
 * of the pilot's researchers with the count and a link to the signals page — no youth code, no content, and a
 * neutral subject. The signals are claimed first (notified_at), so two runs never mail the same ones; a mail
 * the transport refuses releases its claim for the next run.
 */
export async function notifySignals(env: Env, now: number, pilotId?: number): Promise<{ mailed: number }> {
  const pilots = await env.DB.prepare("SELECT id, key, timezone, settings FROM pilots WHERE (?1 IS NULL OR id = ?1)")
    .bind(pilotId ?? null)
    .all<{ id: number; key: string; timezone: string; settings: string }>();
  let mailed = 0;
  for (const pl of pilots.results) {
    if (!signalRulesOf(pl).mail) continue;
    const claimed = await env.DB.prepare(
      "UPDATE signals SET notified_at = ?1 WHERE pilot_id = ?2 " +
        "AND status = 'open' AND notified_at IS NULL RETURNING id",
    )
      .bind(now, pl.id)
      .all<{ id: number }>();
    if (!claimed.results.length) continue;
    const ids = JSON.stringify(claimed.results.map((r) => r.id));
    const release = () =>
      env.DB.prepare(
        "UPDATE signals SET notified_at = NULL WHERE id IN (SELECT value FROM json_each(?1)) AND notified_at = ?2",
      )
        .bind(ids, now)
        .run();
    const to = await env.DB.prepare(
      "SELECT DISTINCT u.email FROM staff_roles r JOIN staff_users u ON u.id = r.user_id WHERE " +
        "r.pilot_id = ? AND r.role = 'researcher' AND u.disabled_at IS NULL ORDER BY u.email",
    )
      .bind(pl.id)
      .all<{ email: string }>();
    if (!to.results.length) {
      await release();
      continue;
    }
    const mail = digestMail(env, pl.key, claimed.results.length);
    let transport: Awaited<ReturnType<typeof createTransport>>;
    try {
      transport = await createTransport(env);
    } catch {
      console.error(JSON.stringify({ event: "signal_mail_failed", pilotId: pl.id, reason: "transport" }));
      await release();
      continue;
    }
    let failed = 0;
    try {
      for (const { email } of to.results) {
        const res = await transport.send({
          to: email,
          ...mail,
          messageId: await messageIdFor(env, `signal-digest:${pl.id}:${now}:${email}`),
        });
        if (res.accepted) mailed++;
        else failed++;
      }
    } finally {
      await transport.close();
    }
    if (failed) {
      // No address in the log; the next run tries again when no researcher got it.
      console.error(JSON.stringify({ event: "signal_mail_failed", pilotId: pl.id, failed }));
      if (failed === to.results.length) await release();
    }
  }
  return { mailed };
}

export function digestMail(env: Pick<Env, "PUBLIC_URL">, pilotKey: string, count: number) {
  const link = `${env.PUBLIC_URL.replace(/\/$/, "")}/staff/pilots/${encodeURIComponent(pilotKey)}/signals`;
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const body = (lang: "nl" | "en") => t("signals.mail.body", lang).replace("{count}", String(count));
  return {
    subject: t("signals.mail.subject", "nl"),
    text: [body("nl"), "", link, "", "---", "", body("en"), "", link].join("\r\n"),
    html:
      `<!doctype html><html lang="nl"><head><meta ` +
      `charset="utf-8"><title>${esc(t("signals.mail.subject", "nl"))}</title>` +
      `</head><body><p>${esc(body("nl"))}</p><p><a ` +
      `href="${esc(link)}">${esc(link)}</a></p><hr><div lang="en"><p>${esc(body("en"))}</p></div></body></html>`,
  };
}
