// A fast, non-cryptographic 64-bit fingerprint (two FNV-1a lanes) of a recompute's input. It only decides
// whether stored indicators are still current, so collisions are a staleness risk, not a security one;
// a synchronous hash keeps the full recompute of 10,000 youths well inside its budget.

export function fingerprint(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Fingerprint of a tag and a series of points, hashing the exact bits of every number (no string building). */
export function fingerprintPoints(tag: string, points: readonly { day: number; value: number }[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ points.length;
  const mix = (c: number) => {
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  };
  for (let i = 0; i < tag.length; i++) mix(tag.charCodeAt(i));
  for (const p of points) {
    f64[0] = p.day;
    mix(u32[0]!);
    mix(u32[1]!);
    f64[0] = p.value;
    mix(u32[0]!);
    mix(u32[1]!);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
