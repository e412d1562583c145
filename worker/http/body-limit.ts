// One way to bound a request body, for every route that reads one: the declared Content-Length is
// checked first, and the body itself is counted while it is read, so a chunked body (no length) is
// refused as soon as it passes the limit instead of after it was read whole. One error for all of them:
// AppError("payload_too_large"), which the JSON API answers with its envelope, the staff pages with their
// error page and the youth's paths with the youth page (413).
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError } from "../errors";

/** The body limits, by what is posted (bytes). */
export const BODY_LIMITS = {
  /** a button press: confirm a sign-in link, recompute, pause */
  tiny: 1024,
  /** a small staff form: sign-in, status change, withdraw */
  smallForm: 4 * 1024,
  /** the pilot-settings form */
  settingsForm: 8 * 1024,
  /** a JSON request body of the API */
  json: 64 * 1024,
} as const;

const kib = (n: number) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${Math.round(n / 1024)} KiB`);

/** The one error of a body over its limit. */
export const bodyTooLarge = (max: number) => new AppError("payload_too_large", `Body larger than ${kib(max)}`);

/**
 * Holds the request body to `max` bytes. A declared Content-Length over the limit is refused at once; a
 * declared one within it is all there is (the runtime frames the body by it), so nothing is read here.
 * A body without a length (chunked) is read now, counted as it arrives and refused as soon as it passes
 * the limit; the request is then replaced by a buffered copy with its Content-Length, so whoever reads
 * it next (parseBody, json, text, Hono's bodyLimit) reads it from memory. A body someone already read
 * (the CSRF check parses forms) was bounded by them and is left alone.
 */
export async function enforceBodyLimit(
  c: Context,
  max: number,
  tooLarge: () => Error = () => bodyTooLarge(max),
): Promise<void> {
  const declared = c.req.header("content-length");
  const chunked = declared === undefined || c.req.header("transfer-encoding") !== undefined;
  if (declared !== undefined && Number(declared) > max) throw tooLarge();
  const raw = c.req.raw;
  if (!chunked || !raw.body || raw.bodyUsed) return;
  const reader = raw.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    body.set(ch, at);
    at += ch.length;
  }
  const headers = new Headers(raw.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(size));
  c.req.raw = new Request(raw, { body, headers });
}

/** For a body its reader counts as it streams (an upload): only a declared Content-Length over `max` is refused. */
export async function enforceDeclaredLength(c: Context, max: number, tooLarge: () => Error = () => bodyTooLarge(max)) {
  if (Number(c.req.header("content-length") ?? "0") > max) throw tooLarge();
}

/**
 * Middleware: the body within `max` bytes (see enforceBodyLimit), before the handler reads it. `refuse` answers
 * a body over the limit where the common error does not fit (the youth's pages answer with her own page).
 */
export const limitBody = (max: number, refuse?: (c: Context) => Response | Promise<Response>) =>
  createMiddleware(async (c, next) => {
    try {
      await enforceBodyLimit(c, max);
    } catch (e) {
      if (refuse && e instanceof AppError && e.code === "payload_too_large") return refuse(c);
      throw e;
    }
    await next();
  });
