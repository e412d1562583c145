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
