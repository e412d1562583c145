// `npm run bench`: benchmark files run in the same workerd pool (real D1, real SMTP sink) as the tests.
// They print figures (`BENCH <name>: …`) and assert only the correctness of what they measured.
import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default defineConfig(async (env) => {
  process.env.OM_BENCH = "1"; // production behaviour: no response validation
  // biome-ignore lint/suspicious/noExplicitAny: the base config object as vitest.config.ts builds it, spread below
  const config = await (base as unknown as (e: typeof env) => Promise<Record<string, any>>)(env);
  return {
    ...config,
    test: {
      ...config.test,
      include: ["test/bench/**/*.bench.ts"],
      exclude: ["node_modules/**"],
      fileParallelism: false,
      testTimeout: 900_000,
      hookTimeout: 900_000,
    },
  };
});
