// The youth's pause link token ("no reminders for two weeks"): made for each invitation and reminder by
// worker/reminders/outbox.ts, read by the pause page (worker/survey/pause.tsx). Like her questionnaire link
// (./links.ts), it belongs to the youth's side of the app.
import { DAY_MS } from "../../core/time";
import type { Env } from "../env";
import { b64url, hmacBytes } from "../lib/crypto";

/**
 * Pause links ("no reminders for two weeks", in every invitation and reminder) are opaque: AES-256-GCM
 * of (participant id, expiry) under a key derived from LINK_SECRET, so the link shows no participant id
 * and nothing is stored for it. The IV is derived from the plaintext (HMAC), so the same youth and expiry
 * always give the same link (a resend carries the same text). A pause link expires when the occasion it
 * was mailed for closes: every reminder of that occasion is sent before its close, so the link outlives
 * each message that carries it, and dies with the occasion (a later occasion's mail carries a new one).
 */
export const PAUSE_TOKEN_RE = /^[A-Za-z0-9_-]{59}$/; // 12-byte IV + 16-byte plaintext + 16-byte tag
/** Expiry of a pause link made without an occasion (tests, tools): the longest response window. */
export const DEFAULT_PAUSE_LINK_MS = 28 * DAY_MS;
const pauseKeys = new Map<string, Promise<CryptoKey>>();
function pauseKey(secret: string) {
  let k = pauseKeys.get(secret);
  if (!k) {
    k = crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(`pause-link-key:${secret}`))
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    pauseKeys.set(secret, k);
  }
  return k;
}
const b64urlDecode = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));

/** The pause link token of a youth, valid until `expiresAt` (the occasion's close). */
export async function pauseToken(
  env: Env,
  participantId: number,
  expiresAt: number = Date.now() + DEFAULT_PAUSE_LINK_MS,
): Promise<string> {
  const plain = new Uint8Array(16);
  const view = new DataView(plain.buffer);
  view.setFloat64(0, participantId);
  view.setFloat64(8, Math.floor(expiresAt));
  const iv = (await hmacBytes(env.LINK_SECRET, `pause-iv:${participantId}:${Math.floor(expiresAt)}`)).slice(0, 12);
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode("pause-link") },
      await pauseKey(env.LINK_SECRET),
      plain,
    ),
  );
  const out = new Uint8Array(12 + ct.length);
  out.set(iv);
  out.set(ct, 12);
  return b64url(out);
}

/**
 * The participant id of a genuine, unexpired pause token (made with LINK_SECRET, or LINK_SECRET_PREVIOUS
 * while rotating), else null: malformed, tampered, made with another secret, or past its occasion's close.
 */
export async function verifyPauseToken(env: Env, token: string, now = Date.now()): Promise<number | null> {
  if (!PAUSE_TOKEN_RE.test(token)) return null;
  const raw = b64urlDecode(token);
  // During a LINK_SECRET rotation, pause links mailed before it (LINK_SECRET_PREVIOUS) keep working.
  for (const secret of [env.LINK_SECRET, env.LINK_SECRET_PREVIOUS]) {
    if (!secret) continue;
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: raw.slice(0, 12), additionalData: new TextEncoder().encode("pause-link") },
        await pauseKey(secret),
        raw.slice(12),
      );
    } catch {
      continue;
    }
    const view = new DataView(plain);
    const id = view.getFloat64(0);
    const expiresAt = view.getFloat64(8);
    if (!Number.isSafeInteger(id) || id <= 0 || !(expiresAt > now)) return null;
    return id;
  }
  return null;
}
