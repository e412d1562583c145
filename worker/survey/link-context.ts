// What a link stands for, kept so that a youth's POST needs no D1 read to know what to validate: an isolate
// cache for a minute, and the same facts signed into the page's form. Whether anything is stored is decided
// inside each statement by the link's current state (./store.ts), never by these.
import { MINUTE_MS } from "../../core/time";
import type { Env } from "../env";
import { b64url, hmacToken, timingSafeEqual } from "../lib/crypto";
import { contextOf, type LinkContext, resolveLink } from "./store";

/**
 * What a link stands for that never changes (its occasion, the youth, the instrument versions asked),
 * with her status and the pilot's quick-exit address as last read: kept in the isolate for a minute so a
 * POST knows what to validate without a D1 round trip. Whether anything is stored is decided inside
 * each statement by the link's current state (worker/survey/store.ts), never by this cache.
 */
const CONTEXTS = new Map<string, { ctx: LinkContext; at: number }>();
const CONTEXT_TTL_MS = MINUTE_MS;
export function remember(hash: string, ctx: LinkContext, now: number) {
  if (CONTEXTS.size >= 2000) CONTEXTS.delete(CONTEXTS.keys().next().value!);
  CONTEXTS.set(hash, { ctx, at: now });
}
/** Tests only: forget every cached link context, as an isolate that never served her GET would. */
export const forgetLinkContexts = () => CONTEXTS.clear();

export async function contextFor(
  env: Env,
  hash: string,
  signed: string | undefined,
  now: number,
): Promise<LinkContext | null> {
  const hit = CONTEXTS.get(hash);
  if (hit && now - hit.at < CONTEXT_TTL_MS && hit.ctx.state === "open") return hit.ctx;
  const fromForm = signed ? await verifyContext(env, hash, signed) : null;
  if (fromForm) return fromForm;
  const ctx = contextOf(await resolveLink(env.DB, hash), now);
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

/** Forgets one link's cached context (after her final submit). */
export const forgetLinkContext = (hash: string) => CONTEXTS.delete(hash);
