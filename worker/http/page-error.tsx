// The staff pages' refusals as pages: an AppError (401, 403, 404, 409, 413, …) becomes the staff error page with
// its status, a transient D1 failure a 503 page with Retry-After. Mount page routes with .onError(staffPageError).
import { renderStaffView } from "./staff-view";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { t, type MessageKey } from "../../core/i18n/messages";
import { StaffErrorPage } from "../../web/pages/staff/workspace/Error";
import { AppError, isTransientError, RETRY_AFTER_SECONDS } from "../errors";
import type { StaffEnv } from "./auth";

/** Staff pages answer errors with a page, not the JSON envelope; the status is the same as the API's. */
export function staffPageError(err: Error, c: Context<StaffEnv>) {
  if (isTransientError(err)) {
    // D1 failed for a moment; every write is one batch, so nothing is half-stored and the form may be sent again.
    console.error(JSON.stringify({ event: "transient_error", error: err.message.slice(0, 300) }));
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
    return renderStaffView(
      c,
      StaffErrorPage,
      { title: t("unavailable.title"), body: t("unavailable.body"), status: 503 },
      503 as 500,
    );
  }
  const status = err instanceof AppError ? err.status : err instanceof HTTPException ? err.status : 500;
  if (status === 500) console.error(JSON.stringify({ event: "staff_page_error", error: err.message }));
  const code = err instanceof AppError ? err.code : status === 500 ? "internal" : "validation";
  const body = status === 401 ? t("staff.signIn.required") : t(`error.${code}` as MessageKey);
  return renderStaffView(c, StaffErrorPage, { title: t("staff.error.title"), body, status }, status as 400);
}
