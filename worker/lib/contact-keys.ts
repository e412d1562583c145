// Contact data at rest: AES-256-GCM with key ids, so that CONTACT_KEY can be rotated in place.
//
//   stored value   k<id>.<base64(iv || ciphertext+tag)>     e.g. k3f9a0c12.q83v…==
//   legacy value   <base64(iv || ciphertext+tag)>           written before key ids existed
//
// The id is not configured but derived from the key itself: the first 4 bytes of
// SHA-256("outcome-monitor contact key id v1:" || key), as 8 lowercase hex digits. So a key and its id can
// never disagree, whichever order `wrangler secret put` sets the secrets in. Legacy values are recognised
// by the absence of a dot (standard base64 never contains one); they are tried with the current key, then
// with each previous key — GCM's tag tells which one is right. The associated data (the row and field,
// worker/studies/contacts.ts) is the same in both formats, so a rotation re-encrypts under the same binding.
//
// Keys: CONTACT_KEY (the current key; every new ciphertext uses it) and CONTACT_KEYS_PREVIOUS (optional:
// earlier keys, base64, separated by commas or white space), which only decrypt. README "Sleutels en
// gegevens / Keys and data" gives the rotation procedure; worker/studies/contacts.ts re-encrypts.
import { decryptText, encryptText } from "./crypto";

/**
 * The two secrets of worker/env.ts this module reads (declared here, so worker/lib does not import worker/env.ts,
 * which imports contactKeyProblems: no cycle between them).
 */
export type ContactKeyEnv = { CONTACT_KEY: string; CONTACT_KEYS_PREVIOUS?: string };

const ID_LABEL = "outcome-monitor contact key id v1:";
const VERSIONED = /^k([0-9a-f]{8})\.([A-Za-z0-9+/]+={0,2})$/;
const LEGACY = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why a stored address could not be read. Messages name key ids at most: never a key, ciphertext or address. */
export class ContactDecryptError extends Error {
  constructor(
    readonly reason: "unknown_key" | "wrong_key" | "malformed",
    message: string,
  ) {
    super(message);
    this.name = "ContactDecryptError";
  }
}

/** Raw bytes of a base64 key, or null when it is not base64 of exactly 32 bytes. */
function keyBytes(b64: string): Uint8Array | null {
  if (!LEGACY.test(b64)) return null;
  try {
    const bin = atob(b64);
    return bin.length === 32 ? Uint8Array.from(bin, (c) => c.charCodeAt(0)) : null;
  } catch {
    return null;
  }
}

/** The key id of a 32-byte key (synchronous, so the start-up guard can check ids are unique). */
export function contactKeyIdOfBytes(raw: Uint8Array): string {
  const label = new TextEncoder().encode(ID_LABEL);
  const msg = new Uint8Array(label.length + raw.length);
  msg.set(label);
  msg.set(raw, label.length);
  return [...sha256(msg).slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key id of a base64 key, or null if it is not a 32-byte base64 key. */
export function contactKeyId(keyB64: string): string | null {
  const raw = keyBytes(keyB64.trim());
  return raw ? contactKeyIdOfBytes(raw) : null;
}

/** CONTACT_KEYS_PREVIOUS split into its entries (commas or white space between them). */
export const previousKeyEntries = (v: string | undefined) => (v ?? "").split(/[\s,]+/).filter(Boolean);

/**
 * What is wrong with CONTACT_KEY and CONTACT_KEYS_PREVIOUS, as log lines naming entries by position and
 * never by value. The current key may also appear among the previous ones (that is how a rotation
 * starts: the old key is put into CONTACT_KEYS_PREVIOUS first, then CONTACT_KEY is replaced), and a key
 * listed twice is harmless; two different keys with the same id are refused.
 */
export function contactKeyProblems(env: ContactKeyEnv): string[] {
  const problems: string[] = [];
  const seen = new Map<string, { raw: string; name: string }>();
  const add = (b64: string, name: string) => {
    const raw = keyBytes(b64);
    if (!raw) return false;
    const id = contactKeyIdOfBytes(raw);
    const other = seen.get(id);
    if (other && other.raw !== b64)
      problems.push(
        `secret CONTACT_KEYS_PREVIOUS: ${name} and ${other.name} are ` +
          `different keys with the same key id k${id}; generate another key`,
      );
    else if (!other) seen.set(id, { raw: b64, name });
    return true;
  };
  if (env.CONTACT_KEY && !add(env.CONTACT_KEY.trim(), "CONTACT_KEY")) {
    problems.push("secret CONTACT_KEY must be 32 random bytes in base64 (openssl rand -base64 32)");
  }
  const entries = previousKeyEntries(env.CONTACT_KEYS_PREVIOUS);
  entries.forEach((b64, i) => {
    const name = `entry ${i + 1} of ${entries.length}`;
    if (!add(b64, name))
      problems.push(
        `secret CONTACT_KEYS_PREVIOUS: ${name} is not 32 random bytes in base64 (keys separated by commas or spaces)`,
      );
  });
  return problems;
}

type Keyring = { currentId: string; current: string; byId: Map<string, string> };
const keyrings = new Map<string, Keyring>();

/**
 * The configured keys by id; throws (naming no key) when a key is unusable — the start-up guard refuses such a config
 * first.
 */
export function contactKeyring(env: ContactKeyEnv): Keyring {
  const cacheKey = `${env.CONTACT_KEY}\n${env.CONTACT_KEYS_PREVIOUS ?? ""}`;
  let ring = keyrings.get(cacheKey);
  if (ring) return ring;
  const problems = contactKeyProblems(env);
  if (!env.CONTACT_KEY) problems.unshift("secret CONTACT_KEY is missing");
  if (problems.length) throw new Error(problems.join("; "));
  const current = env.CONTACT_KEY.trim();
  const currentId = contactKeyId(current)!;
  const byId = new Map([[currentId, current]]);
  for (const b64 of previousKeyEntries(env.CONTACT_KEYS_PREVIOUS)) byId.set(contactKeyId(b64)!, b64);
  ring = { currentId, current, byId };
  keyrings.set(cacheKey, ring);
  return ring;
}

export const currentContactKeyId = (env: ContactKeyEnv) => contactKeyring(env).currentId;

/** The key id a stored value names; null for a legacy value (no id); undefined when it is no ciphertext at all. */
export function storedKeyId(stored: string): string | null | undefined {
  const m = VERSIONED.exec(stored);
  if (m) return m[1]!;
  return LEGACY.test(stored) ? null : undefined;
}

/** Encrypts with the current key: `k<id>.<base64>`. */
export async function encryptContact(env: ContactKeyEnv, plaintext: string, aad: string): Promise<string> {
  const ring = contactKeyring(env);
  return `k${ring.currentId}.${await encryptText(ring.current, plaintext, aad)}`;
}

/** Decrypts a stored value with the key it names (legacy values: the current key, then the previous ones). */
export async function decryptContact(env: ContactKeyEnv, stored: string, aad: string): Promise<string> {
  return (await openContact(env, stored, aad)).plaintext;
}

/** As decryptContact, and which key opened it. */
export async function openContact(
  env: ContactKeyEnv,
  stored: string,
  aad: string,
): Promise<{ plaintext: string; keyId: string; legacy: boolean }> {
  const ring = contactKeyring(env);
  const id = storedKeyId(stored);
  if (id === undefined) throw new ContactDecryptError("malformed", "stored contact value is not a contact ciphertext");
  if (id !== null) {
    const key = ring.byId.get(id);
    if (!key)
      throw new ContactDecryptError(
        "unknown_key",
        `contact address is encrypted with key k${id}, which is not configured (CONTACT_KEY or CONTACT_KEYS_PREVIOUS)`,
      );
    const body = VERSIONED.exec(stored)![2]!;
    try {
      return { plaintext: await decryptText(key, body, aad), keyId: id, legacy: false };
    } catch {
      throw new ContactDecryptError(
        "wrong_key",
        `contact address does not decrypt with key k${id}: altered, or copied from another row`,
      );
    }
  }
  // Legacy: the current key first (the usual case), then every previous one.
  for (const [keyId, key] of [
    [ring.currentId, ring.current] as const,
    ...[...ring.byId].filter(([k]) => k !== ring.currentId),
  ]) {
    try {
      return { plaintext: await decryptText(key, stored, aad), keyId, legacy: true };
    } catch {
      // not this key
    }
  }
  throw new ContactDecryptError(
    "wrong_key",
    "contact address (written without a key id) does not decrypt " +
      "with any configured key (CONTACT_KEY or CONTACT_KEYS_PREVIOUS)",
  );
}

// SHA-256 (FIPS 180-4), synchronous: WebCrypto's digest is async, and the start-up guard is not.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

export function sha256(msg: Uint8Array): Uint8Array {
  const len = msg.length;
  const padded = new Uint8Array((((len + 8) >> 6) + 1) << 6);
  padded.set(msg);
  padded[len] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(len / 0x20000000));
  view.setUint32(padded.length - 4, (len << 3) >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!,
        b = w[i - 2]!;
      w[i] =
        (w[i - 16]! + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + w[i - 7]! + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10))) >>>
        0;
    }
    let a = h[0]!,
      b = h[1]!,
      c = h[2]!,
      d = h[3]!,
      e = h[4]!,
      f = h[5]!,
      g = h[6]!,
      hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => {
      h[i] = h[i]! + v;
    });
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) ov.setUint32(i * 4, h[i]!);
  return out;
}
