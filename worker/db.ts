import { drizzle } from "drizzle-orm/d1";
import * as schema from "../schema/tables";

/** Built per request or job from the binding; no module-level singleton. */
export const getDb = (d1: D1Database) => drizzle(d1, { schema });
export { schema };
