// Small wrappers over WebCrypto. Tokens are compared by their SHA-256 hash only.
const enc = new TextEncoder();

export function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64decode(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function b64encode(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export async function sha256Hex(s: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(s)));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function randomToken(bytes = 32): string {
  return b64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string) {
  let k = hmacKeys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(secret, k);
  }
  return k;
}

/** 256-bit token derived from a server secret, so a resend can rebuild a link without storing it. */
export async function hmacToken(secret: string, purpose: string): Promise<string> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(purpose));
  return b64url(new Uint8Array(sig));
}

/** The raw 32 bytes of HMAC-SHA-256(secret, purpose). */
export async function hmacBytes(secret: string, purpose: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(purpose)));
}

/** The same HMAC as hex (for places that allow only letters and digits, such as a Message-ID). */
export async function hmacHex(secret: string, purpose: string): Promise<string> {
  return [...(await hmacBytes(secret, purpose))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const aesKeys = new Map<string, Promise<CryptoKey>>();
function aesKey(keyB64: string) {
  let k = aesKeys.get(keyB64);
  if (!k) {
    const raw = b64decode(keyB64);
    if (raw.length !== 32) throw new Error("CONTACT_KEY must be 32 bytes, base64");
    k = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    aesKeys.set(keyB64, k);
  }
  return k;
}

/** AES-256-GCM; output is base64(iv || ciphertext+tag). `aad` binds the ciphertext to its row. */
export async function encryptText(keyB64: string, plaintext: string, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: enc.encode(aad) },
      await aesKey(keyB64),
      enc.encode(plaintext),
    ),
  );
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return b64encode(out);
}

export async function decryptText(keyB64: string, data: string, aad: string): Promise<string> {
  const raw = b64decode(data);
  const pt = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: raw.slice(0, 12), additionalData: enc.encode(aad) },
    await aesKey(keyB64),
    raw.slice(12),
  );
  return new TextDecoder().decode(pt);
}

export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let r = 0;
  for (let i = 0; i < a.length; i++) r |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return r === 0;
}
