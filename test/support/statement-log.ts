// A D1 binding that records every statement the app's own code executes (SQL text and bound values),
// then forwards it to the real database. The query-plan test and the scale bench run real code paths
// through it, so the SQL they EXPLAIN or count is exactly the SQL the code sends: when a query changes,
// what is checked changes with it.
export type Recorded = { sql: string; params: unknown[]; phase: string };

export type Counts = { statements: number; rowsWritten: number; rowsRead: number };

export class StatementLog {
  readonly entries: Recorded[] = [];
  phase = "";
  /**
   * Statements sent and D1's own rows_written / rows_read (from result meta; `raw()` and `first()` report none) per
   * phase.
   */
  readonly counts = new Map<string, Counts>();
  /** keep = false: count only (a bench sends hundreds of thousands of statements). */
  constructor(private readonly keep = true) {}
  private current(): Counts {
    let c = this.counts.get(this.phase);
    if (!c) this.counts.set(this.phase, (c = { statements: 0, rowsWritten: 0, rowsRead: 0 }));
    return c;
  }
  note(sql: string, params: unknown[]) {
    if (this.keep) this.entries.push({ sql, params, phase: this.phase });
    this.current().statements++;
  }
  meta(meta: D1Meta | undefined) {
    if (!meta) return;
    const c = this.current();
    c.rowsWritten += meta.rows_written ?? 0;
    c.rowsRead += meta.rows_read ?? 0;
  }
  /** Counters of a phase (zeros if it sent nothing). */
  of(phase: string): Counts {
    return { ...(this.counts.get(phase) ?? { statements: 0, rowsWritten: 0, rowsRead: 0 }) };
  }
  /** Distinct statements (by SQL text) of the given phases, first bound values kept. */
  distinct(phases?: string[]): Recorded[] {
    const seen = new Map<string, Recorded>();
    for (const e of this.entries) if ((!phases || phases.includes(e.phase)) && !seen.has(e.sql)) seen.set(e.sql, e);
    return [...seen.values()];
  }
}

const INNER = Symbol("inner");

class RecordingStatement {
  [INNER]: D1PreparedStatement;
  constructor(
    inner: D1PreparedStatement,
    readonly sql: string,
    readonly params: unknown[],
    private log: StatementLog,
  ) {
    this[INNER] = inner;
  }
  bind(...values: unknown[]) {
    return new RecordingStatement(this[INNER].bind(...values), this.sql, values, this.log);
  }
  async first(col?: string) {
    this.log.note(this.sql, this.params);
    return col === undefined ? this[INNER].first() : this[INNER].first(col);
  }
  async run() {
    this.log.note(this.sql, this.params);
    const r = await this[INNER].run();
    this.log.meta(r.meta);
    return r;
  }
  async all() {
    this.log.note(this.sql, this.params);
    const r = await this[INNER].all();
    this.log.meta(r.meta);
    return r;
  }
  async raw(opts?: { columnNames?: boolean }) {
    this.log.note(this.sql, this.params);
    return this[INNER].raw(opts as { columnNames: true });
  }
}

export function recordingD1(inner: D1Database, log: StatementLog): D1Database {
  const d1 = {
    prepare: (sql: string) => new RecordingStatement(inner.prepare(sql), sql, [], log),
    async batch(stmts: RecordingStatement[]) {
      for (const s of stmts) log.note(s.sql, s.params);
      const res = await inner.batch(stmts.map((s) => s[INNER]));
      for (const r of res) log.meta(r.meta);
      return res;
    },
    exec: (sql: string) => {
      log.note(sql, []);
      return inner.exec(sql);
    },
    dump: () => inner.dump(),
    withSession: () => {
      throw new Error("recordingD1: sessions are not recorded");
    },
  };
  return d1 as unknown as D1Database;
}

export type PlanRow = { id: number; parent: number; notused: number; detail: string };

/** `EXPLAIN QUERY PLAN` of a recorded statement, with the values it was run with. */
export async function explain(d1: D1Database, r: Pick<Recorded, "sql" | "params">): Promise<PlanRow[]> {
  const { results } = await d1
    .prepare(`EXPLAIN QUERY PLAN ${r.sql}`)
    .bind(...r.params)
    .all<PlanRow>();
  return results;
}

/** The plan as an indented tree, the way the sqlite3 shell prints it. */
export function planText(rows: PlanRow[]): string {
  const depth = new Map<number, number>([[0, 0]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${"  ".repeat(d - 1)}${r.detail}`;
    })
    .join("\n");
}
