// The fault suite's harness: drive the Worker's own handlers (./handlers.ts) with an env whose D1 fails at
// chosen operations (./fault-injector.ts), and walk every operation index of an operation.
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import type { Env } from "../../worker/env";
import { D1_FAULT_MESSAGE, faultyEnv, type FaultMode, type FaultPlan, type Op } from "./fault-injector";

export type Attempt<F> = { fixture: F; k: number; mode: FaultMode; op: Op; ops: Op[]; res?: Response; error?: unknown };

/**
 * Every fault of an operation: for k = 1, 2, … a fresh fixture, the operation with D1 failing at its k-th
 * call ("before"; and again "after" when that call writes), `check` on what the failed attempt left, then
 * `recover` (the retry without faults, or the next run) and its own checks. Stops at the first k the
 * operation never reaches. Returns the cases run and the fault-free operation count.
 */
export async function everyFault<F>(o: {
  setup: () => Promise<F>;
  // biome-ignore lint/suspicious/noConfusingVoidType: run is either a fetch (Response) or a job that returns nothing
  run: (e: Env, f: F) => Promise<Response | void>;
  check: (a: Attempt<F>) => Promise<void>;
  recover: (a: Attempt<F>) => Promise<void>;
  maxK?: number;
  /** a sample of the indices (the default: every one) */
  only?: (k: number) => boolean;
}): Promise<{ cases: number; ops: number; byMode: Record<FaultMode, number> }> {
  const byMode = { before: 0, after: 0 };
  let cases = 0;
  // A sample needs to know where the operation ends: one fault-free run counts its calls.
  let last = Infinity;
  if (o.only) {
    const { env: e, d1 } = faultyEnv(env);
    await o.run(e, await o.setup());
    last = d1.ops.length;
  }
  for (let k = 1; k <= (o.maxK ?? 400); k++) {
    if (o.only && k <= last && !o.only(k)) continue;
    for (const mode of ["before", "after"] as const) {
      const fixture = await o.setup();
      const { env: e, d1 } = faultyEnv(env, new Map([[k, mode]]));
      let res: Response | undefined;
      let error: unknown;
      try {
        res = (await o.run(e, fixture)) ?? undefined;
      } catch (err) {
        error = err;
      }
      if (d1.ops.length < k) {
        // The operation ended before its k-th D1 call: k - 1 calls in all, every one of them covered.
        expect(error, "a fault-free run must not throw").toBeUndefined();
        return { cases, ops: k - 1, byMode };
      }
      const op = d1.ops[k - 1]!;
      if (mode === "after" && !op.writes) continue;
      const a: Attempt<F> = { fixture, k, mode, op, ops: d1.ops, res, error };
      const where =
        `fault ${mode} D1 call ${k} ` +
        `(${op.kind}: ${op.sql.map((s) => s.replace(/\s+/g, " ").slice(0, 70)).join(" | ")})`;
      try {
        await o.check(a);
        await o.recover(a);
      } catch (err) {
        (err as Error).message = `${where}: ${(err as Error).message}`;
        throw err;
      }
      cases++;
      byMode[mode]++;
    }
  }
  throw new Error(`operation still running after ${o.maxK ?? 400} D1 calls`);
}

/** A failed attempt's answer: 503 with Retry-After; a youth page (quick exit, "probeer het zo nog eens"). */
export async function expectYouthRetryPage(res: Response) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(res.headers.get("content-type")).toContain("text/html");
  const html = await res.text();
  expect(html).toContain('id="quick-exit"');
  expect(html).toContain("Probeer het zo nog eens.");
  expect(html).not.toContain("D1_ERROR");
  expect(html).not.toMatch(/slachtoffer|uitbuiting|loverboy|mensenhandel|exploitation/i);
}

/** A failed API call: 503, Retry-After and the error envelope with code `unavailable`, no internals. */
export async function expectApiUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe("unavailable");
  expect(typeof body.error.requestId).toBe("string");
  expect(JSON.stringify(body)).not.toContain(D1_FAULT_MESSAGE);
}

/** The fault-logging of the Worker is expected here: keep the output readable. */
export function quietLogs() {
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "warn").mockImplementation(() => {});
  vi.spyOn(console, "log").mockImplementation(() => {});
}

export type { FaultPlan };
