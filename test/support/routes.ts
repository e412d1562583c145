// The routes of the app, read from the Hono app itself (createApp().routes), so a route any domain adds is
// walked by the authorisation matrix and the fuzz suite without touching them.
import { createApp } from "../../worker/app";

export type AppRoute = { method: string; path: string };

/** Every method + path once; middleware (ALL) and wildcard mounts left out. */
export const APP_ROUTES: AppRoute[] = (() => {
  const seen = new Set<string>();
  const out: AppRoute[] = [];
  for (const r of createApp().routes) {
    const k = `${r.method} ${r.path}`;
    if (r.method === "ALL" || r.path.includes("*") || seen.has(k)) continue;
    seen.add(k);
    out.push({ method: r.method, path: r.path });
  }
  return out;
})();
