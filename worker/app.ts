import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { ISLANDS_JS, ISLANDS_JS_PATH } from "../web/generated/assets";
import { devRoutes } from "./dev/routes";
import { isDev, type Env } from "./env";
import { AppError, ERROR_STATUS, isTransientError, RETRY_AFTER_SECONDS } from "./errors";
import { securityHeaders } from "./lib/headers";
import { reportPages } from "./reports/pages";
import { reportRoutes } from "./reports/routes";
import { reminderPageRoutes, reminderRoutes } from "./jobs/routes";
import { adminRoutes } from "./staff/admin";
import { adminPageRoutes } from "./staff/admin-pages";
import { staffApiRoutes } from "./staff/api";
import { buildOpenApi } from "./http/openapi";
import { validateResponses } from "./http/validate-responses";
import { staffPageRoutes } from "./staff/pages";
import { assistedPageRoutes, kioskRoutes } from "./staff/assisted";
import { signInRoutes } from "./staff/signin";
import { signalPageRoutes, signalRoutes } from "./signals/routes";
import { commentApiRoutes, commentPageRoutes } from "./comments";
import { studyRoutes } from "./studies/routes";
import { archivePageRoutes, archiveRoutes } from "./studies/archive-routes";
import { contactRoutes } from "./studies/contact-routes";
import { pauseRoutes } from "./survey/pause";
import { surveyRoutes } from "./survey/routes";
import { isYouthPath, youthErrorPage } from "./survey/youth-error";

/** The whole HTTP surface; tests build the same app through the worker's fetch. */
export function createApp() {
  const app = new Hono<{ Bindings: Env; Variables: { requestId: string } }>();
  // First, so it sees every answer last: security headers and no-store on all of them (worker/lib/headers.ts).
  app.use(securityHeaders);
  app.use(requestId());
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get(ISLANDS_JS_PATH, (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(ISLANDS_JS);
  });
  // Public API description; registered before the /api/v1 sub-apps whose middleware requires staff.
  app.get("/api/v1/openapi.json", (c) => c.json(buildOpenApi(app.routes, { dev: isDev(c.env) })));
  // Around every API route below: with VALIDATE_RESPONSES=1 each answer must match its description.
  app.use("/api/v1/*", validateResponses);
  app.route("/", surveyRoutes);
  app.route("/", pauseRoutes);
  app.route("/api/v1", reportRoutes);
  app.route("/reports", reportPages);
  app.route("/api/v1", reminderRoutes);
  app.route("/", reminderPageRoutes);
  app.route("/api/v1", signalRoutes);
  app.route("/", signalPageRoutes);
  app.route("/api/v1", commentApiRoutes).route("/", commentPageRoutes);
  app.route("/api/v1", devRoutes);
  app.route("/", signInRoutes);
  app.route("/", staffPageRoutes);
  app.route("/", assistedPageRoutes);
  app.route("/", kioskRoutes);
  app.route("/api/v1", staffApiRoutes);
  app.route("/api/v1", adminRoutes);
  app.route("/api/v1", studyRoutes);
  app.route("/api/v1", archiveRoutes);
  app.route("/api/v1", contactRoutes);
  app.route("/", archivePageRoutes);
  app.route("/", adminPageRoutes);

  // A youth never sees the JSON envelope: on her paths every error is her page with the quick exit.
  app.notFound((c) =>
    isYouthPath(c.req.path)
      ? youthErrorPage(c, 404)
      : c.json({ error: { code: "not_found", message: "Not found", requestId: c.get("requestId") } }, 404),
  );
  app.onError((err, c) => {
    const rid = c.get("requestId");
    // D1 failed for a moment: every write is one batch (one transaction), so nothing is half-stored and the
    // same request may simply be sent again. 503 with Retry-After, never a 500 that reads like a bug.
    if (isTransientError(err)) {
      console.error(
        JSON.stringify({
          event: "transient_error",
          requestId: rid,
          error: err instanceof Error ? err.message.slice(0, 300) : String(err),
        }),
      );
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      if (isYouthPath(c.req.path)) return youthErrorPage(c, 503);
      return c.json(
        { error: { code: "unavailable", message: "Temporarily unavailable; try again shortly", requestId: rid } },
        503,
      );
    }
    if (isYouthPath(c.req.path)) {
      const status = err instanceof AppError || err instanceof HTTPException ? err.status : 500;
      if (status >= 500)
        console.error(
          JSON.stringify({
            event: "unhandled_error",
            requestId: rid,
            error: err instanceof Error ? err.message : String(err),
          }),
        );
      return youthErrorPage(c, status);
    }
    if (err instanceof AppError) {
      return c.json(
        {
          error: {
            code: err.code,
            message: err.message,
            requestId: rid,
            ...(err.details ? { details: err.details } : {}),
          },
        },
        err.status,
      );
    }
    if (err instanceof HTTPException) {
      const code = (Object.entries(ERROR_STATUS).find(([, s]) => s === err.status)?.[0] ??
        "internal") as keyof typeof ERROR_STATUS;
      return c.json({ error: { code, message: err.message || code, requestId: rid } }, err.status);
    }
    // Never echo internals (or personal data) to the client; the log line carries the request id.
    console.error(
      JSON.stringify({
        event: "unhandled_error",
        requestId: rid,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    return c.json({ error: { code: "internal", message: "Internal error", requestId: rid } }, 500);
  });
  return app;
}
