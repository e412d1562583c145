import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { defineConfig } from "vitest/config";
import { ensureTestTls } from "./test/support/test-tls.ts";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export default defineConfig(async () => {
  // The test relay's CA must be in NODE_EXTRA_CA_CERTS before Miniflare loads (it reads it once), so the
  // pool is imported only after this.
  const tlsDir = ensureTestTls();
  const { cloudflareTest, readD1Migrations } = await import("@cloudflare/vitest-pool-workers");
  const migrations = await readD1Migrations("./schema/migrations");
  // The SMTP sink and its control API run in Node (test/global-setup.ts); their ports are chosen here
  // because the Worker's bindings are fixed before globalSetup runs.
  const smtpPort = Number((process.env.TEST_SMTP_PORT ??= String(await freePort())));
  const controlPort = Number((process.env.TEST_SMTP_CONTROL_PORT ??= String(await freePort())));
  return {
    plugins: [
      cloudflareTest({
        main: "./worker/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_SMTP_CONTROL: `http://127.0.0.1:${controlPort}`,
            // "1" when the sink's STARTTLS relay has a certificate workerd trusts (test/support/test-tls.ts)
            TEST_SMTP_TLS: tlsDir ? "1" : "0",
            SMTP_HOST: "127.0.0.1",
            SMTP_PORT: String(smtpPort),
            PUBLIC_URL: "http://questionnaire.localhost",
            LINK_SECRET: randomBytes(32).toString("base64url"),
            CONTACT_KEY: randomBytes(32).toString("base64"),
            SESSION_SECRET: randomBytes(32).toString("base64url"),
            DEV_MODE: "1",
            // Every API answer in these tests is checked against its description (worker/http/validate-responses.ts);
            // not in `npm run bench`, which measures what production runs.
            VALIDATE_RESPONSES: process.env.OM_BENCH === "1" ? "0" : "1",
            DEV_ADMIN_TOKEN: `dev_${randomBytes(24).toString("base64url")}`,
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.{ts,tsx}"],
      exclude: ["test/e2e/**", "test/bench/**", "test/tooling/**", "node_modules/**"],
      setupFiles: ["./test/setup.ts"],
      globalSetup: ["./test/global-setup.ts"],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
});
