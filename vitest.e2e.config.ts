// End-to-end tests in Node against the real stack: `wrangler dev` (workerd + local D1), maildev over
// SMTP, and Debian's Chromium driven by playwright-core. test/e2e/global-setup.ts starts them once.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    fileParallelism: false,
    // a test that signs in twice may wait out the sign-in limiter twice (test/e2e/support.ts signIn)
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
