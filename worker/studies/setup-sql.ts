// What an empty database needs before a study can run, as plain SQL statements: the built-in instrument
// definitions (version 1) and the first admin. One owner for both paths that install them — the Worker
// runs the statements through D1 (ensureBuiltInInstruments, on pilot creation and every scheduled run),
// and `npm run setup` renders the same statements into a file for `wrangler d1 execute` (so setup works
// before the Worker is deployed). Pure: no runtime imports, `now` as a parameter. Every statement is
// idempotent, so running them twice, or again after an interrupted run, changes nothing.
import { BUILT_IN } from "../../schema/instruments/definitions";

export type SqlValue = string | number | null;
export type SqlStatement = { sql: string; params: SqlValue[] };

/**
 * Installs every built-in instrument as version 1 unless it exists; a pilot's built-in items
 * (definitions with `pilot`) are attached to the pilot with that key once it exists. 10 definitions:
 * at most 3 statements each, all in one D1 batch.
 */
export function builtInInstrumentStatements(now: number): SqlStatement[] {
  return BUILT_IN.flatMap((def) => [
    {
      sql:
        "INSERT INTO instruments (key, name, kind, pilot_id, licensed) VALUES (?1, ?2, " +
        "?3, (SELECT id FROM pilots WHERE key = ?4), ?5) ON CONFLICT (key) DO NOTHING",
      params: [def.key, def.title.nl, def.kind, def.pilot ?? null, def.kind === "wave" ? 1 : 0],
    },
    ...(def.pilot
      ? [
          {
            sql:
              "UPDATE instruments SET pilot_id = (SELECT id FROM pilots " +
              "WHERE key = ?1) WHERE key = ?2 AND pilot_id IS NULL",
            params: [def.pilot, def.key],
          },
        ]
      : []),
    {
      sql:
        "INSERT INTO instrument_versions (instrument_id, version, definition, complete, created_at) SELECT " +
        "id, 1, ?1, 1, ?2 FROM instruments WHERE key = ?3 ON CONFLICT (instrument_id, version) DO NOTHING",
      params: [JSON.stringify(def), now, def.key],
    },
  ]);
}

/**
 * The first admin, only while the database has no active admin: the audit entry is written by the same
 * condition, so it records exactly the run that created her. `email` must be validated and normalised
 * (lower case) by the caller.
 */
export function firstAdminStatements(email: string, name: string, now: number): SqlStatement[] {
  const noAdmin = "NOT EXISTS (SELECT 1 FROM staff_users WHERE is_admin = 1 AND disabled_at IS NULL)";
  return [
    {
      sql:
        `INSERT INTO audit_log (at, actor_type, actor_id, action, target, details) ` +
        `SELECT ?1, 'system', 'setup', 'setup.first_admin', ?2, NULL WHERE ${noAdmin}`,
      params: [now, `email:${email}`],
    },
    {
      // An existing (non-admin) staff user with this address becomes the admin; otherwise a new one.
      sql:
        `INSERT INTO staff_users (email, name, is_admin, created_at) SELECT ?1, ?2, 1, ?3 ` +
        `WHERE ${noAdmin} ON CONFLICT (email) DO UPDATE SET is_admin = 1, disabled_at = NULL`,
      params: [email, name, now],
    },
  ];
}

/** A statement with its parameters written in as SQL literals, for a .sql file (`wrangler d1 execute --file`). */
export function inlineSql(s: SqlStatement): string {
  const literal = (v: SqlValue) =>
    v === null
      ? "NULL"
      : typeof v === "number"
        ? Number.isFinite(v)
          ? String(v)
          : "NULL"
        : `'${v.replace(/'/g, "''")}'`;
  // One pass over the SQL text: a value that itself contains "?1" is never rescanned.
  const out = s.sql.replace(/\?(\d+)/g, (_, n: string) => {
    const i = Number(n);
    if (i < 1 || i > s.params.length) throw new Error(`unbound parameter ?${n} in: ${s.sql}`);
    return literal(s.params[i - 1]!);
  });
  return `${out};`;
}
