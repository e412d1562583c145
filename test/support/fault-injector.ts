// The fault injector (issue 12, item 7): a wrapper of the real D1 binding that counts every D1 operation —
// a prepared statement's first/run/all/raw, a batch, an exec, and drizzle's use of them, which goes through
// the same prepare/bind/all/run/raw/batch — and makes the chosen ones fail with an error shaped like D1's.
//
// A fault is either "before" (the operation never reaches D1: nothing of it is applied, a batch is one
// transaction) or "after" (the operation is applied and committed, then the caller sees the error: a lost
// reply, as when the connection drops after D1 committed). "after" is only meaningful for writes; the suite
// uses it on operations whose SQL writes. Test code only: the Worker is handed an env whose DB is this
// wrapper and knows nothing of it.
import type { Env } from "../../worker/env";

export type FaultMode = "before" | "after";
/** One D1 operation as the injector saw it: its 1-based index, kind and SQL (a batch: every statement's). */
export type Op = {
  k: number;
  kind: "first" | "run" | "all" | "raw" | "batch" | "exec";
  sql: string[];
  writes: boolean;
  faulted?: FaultMode;
};
/** Which operations fail: by index (k → mode) or by a function of the operation. */
export type FaultPlan = Map<number, FaultMode> | ((op: Op) => FaultMode | null);

/** The message real transient D1 failures carry (the Worker must treat it as "try again", never as a bug). */
export const D1_FAULT_MESSAGE = "D1_ERROR: Network connection lost.";
export class InjectedD1Error extends Error {
  constructor(readonly op: Op) {
    super(D1_FAULT_MESSAGE);
    this.name = "Error";
  }
}

const WRITE_RE = /^\s*(insert|update|delete|replace|create|drop|alter|with\b[\s\S]*\b(insert|update|delete)\b)/i;
export const isWrite = (sql: string) => WRITE_RE.test(sql);

export class FaultyD1 {
  readonly ops: Op[] = [];
  constructor(
    readonly inner: D1Database,
    public plan: FaultPlan = new Map(),
  ) {}

  /** Runs one counted operation under the plan. */
  async op<T>(kind: Op["kind"], sql: string[], fn: () => Promise<T>): Promise<T> {
    const o: Op = { k: this.ops.length + 1, kind, sql, writes: sql.some(isWrite) };
    this.ops.push(o);
    const mode = this.plan instanceof Map ? (this.plan.get(o.k) ?? null) : this.plan(o);
    if (mode) o.faulted = mode;
    if (mode === "before") throw new InjectedD1Error(o);
    const r = await fn();
    if (mode === "after") throw new InjectedD1Error(o);
    return r;
  }

  get faults() {
    return this.ops.filter((o) => o.faulted);
  }

  /** The D1Database the Worker sees. */
  binding(): D1Database {
    const db = {
      prepare: (sql: string) => new FaultyStatement(this, this.inner.prepare(sql), sql),
      batch: <T>(stmts: D1PreparedStatement[]) =>
        this.op(
          "batch",
          stmts.map((s) => (s as unknown as FaultyStatement).sql ?? "?"),
          () => this.inner.batch<T>(stmts.map((s) => (s instanceof FaultyStatement ? s.inner : s))),
        ),
      exec: (sql: string) => this.op("exec", [sql], () => this.inner.exec(sql)),
      dump: () => this.inner.dump(),
      withSession: () => {
        throw new Error("withSession is not wrapped by the fault injector");
      },
    };
    return db as unknown as D1Database;
  }
}

class FaultyStatement {
  constructor(
    readonly d1: FaultyD1,
    readonly inner: D1PreparedStatement,
    readonly sql: string,
  ) {}
  bind(...values: unknown[]) {
    return new FaultyStatement(this.d1, this.inner.bind(...values), this.sql);
  }
  first<T>(column?: string) {
    return this.d1.op("first", [this.sql], () =>
      column === undefined ? this.inner.first<T>() : this.inner.first<T>(column),
    );
  }
  run<T>() {
    return this.d1.op("run", [this.sql], () => this.inner.run<T>());
  }
  all<T>() {
    return this.d1.op("all", [this.sql], () => this.inner.all<T>());
  }
  raw<T>(opts?: { columnNames?: boolean }) {
    return this.d1.op(
      "raw",
      [this.sql],
      (): Promise<unknown> => (opts?.columnNames ? this.inner.raw<T>({ columnNames: true }) : this.inner.raw<T>()),
    );
  }
}

/** A copy of `env` whose DB is a fresh fault injector with `plan`; `queue` receives what the Worker enqueues. */
export function faultyEnv(env: Env, plan: FaultPlan = new Map()) {
  const d1 = new FaultyD1(env.DB, plan);
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (msgs: { body: unknown }[]) => void sent.push(...msgs.map((m) => m.body)),
  };
  return { env: { ...env, DB: d1.binding(), MAIL_QUEUE: queue as unknown as Env["MAIL_QUEUE"] } as Env, d1, sent };
}

/** Every fault plan of one operation: each call index k before, and each writing call also after. */
export function exhaustivePlans(ops: Op[]): { k: number; mode: FaultMode; op: Op }[] {
  return ops.flatMap((op) => [
    { k: op.k, mode: "before" as const, op },
    ...(op.writes ? [{ k: op.k, mode: "after" as const, op }] : []),
  ]);
}
