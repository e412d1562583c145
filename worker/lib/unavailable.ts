// The answer of a Worker that refuses to serve because its configuration is unsafe (worker/env.ts
// configProblems): a neutral 503 page in Dutch and English — a youth may see it on her phone — with no
// detail of what is wrong; the reason is in the log line `config_refused`.
import { t } from "../../core/i18n/messages";
import { withSecurityHeaders } from "./headers";
import { YOUTH_HEADERS } from "./render";

export function unavailableResponse(request: Request): Response {
  const headers = { ...YOUTH_HEADERS, "Retry-After": "300" };
  if (new URL(request.url).pathname.startsWith("/api/")) {
    return withSecurityHeaders(
      Response.json({ error: { code: "unavailable", message: "Service unavailable" } }, { status: 503, headers }),
      request.url,
    );
  }
  const html =
    `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, ` +
    `initial-scale=1"><meta name="robots" ` +
    `content="noindex"><title>${t("unavailable.title", "nl")}</title></head><body><main>` +
    `<h1>${t("unavailable.title", "nl")}</h1><p>${t("unavailable.body", "nl")}</p><p ` +
    `lang="en">${t("unavailable.title", "en")}. ${t("unavailable.body", "en")}</p></main></body></html>`;
  return withSecurityHeaders(
    new Response(html, { status: 503, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } }),
    request.url,
  );
}
