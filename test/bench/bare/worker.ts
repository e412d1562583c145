// A bare Hono + D1 Worker: GET reads one row, POST parses a form and inserts one row. Nothing else.
import { Hono } from "hono";

type Env = { DB: D1Database };
let ready: Promise<unknown> | undefined;
const table = (db: D1Database) =>
  (ready ??= db.batch([
    db.prepare(
      "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, at INTEGER NOT NULL)",
    ),
    db.prepare("INSERT OR IGNORE INTO t (id, body, at) VALUES (1, 'x', 0)"),
  ]));

export default new Hono<{ Bindings: Env }>()
  .get("/read", async (c) => {
    await table(c.env.DB);
    const row = await c.env.DB.prepare("SELECT id, body FROM t WHERE id = ?")
      .bind(1)
      .first<{ id: number; body: string }>();
    return c.html(`<!doctype html><title>bare</title><p>${row?.id}</p>`);
  })
  .post("/write", async (c) => {
    await table(c.env.DB);
    const form = await c.req.parseBody();
    await c.env.DB.prepare("INSERT INTO t (body, at) VALUES (?, ?)").bind(JSON.stringify(form), Date.now()).run();
    return c.redirect("/read", 303);
  });
