// Node-side tooling tests (`npm run test:tooling`): the deploy scripts, setup and other CLIs run as
// child processes against temp copies of wrangler.toml. No workerd pool; one file at a time because
// they spawn wrangler and share the 2 CPU cores with the rest of `npm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/tooling/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
