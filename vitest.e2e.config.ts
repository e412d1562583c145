// End-to-end tests in Node against the real stack: `wrangler dev` (workerd + local D1), maildev over
// SMTP, and Debian's Chromium driven by playwright-core. test/e2e/global-setup.ts starts them once.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
