import { rmSync } from "node:fs";
import { startSmtpSink } from "./support/smtp-sink";
// @ts-expect-error plain ESM helper shared with the npm scripts
import { ensureAptBinary } from "../scripts/lib/apt.mjs";

// Runs in Node before the workerd tests: the real SMTP server they deliver to.
export default async function setup() {
  // The mail tests score every message with SpamAssassin's local rules (test/mail/wellformed.test.ts).
  try {
    ensureAptBinary("/usr/bin/spamassassin", "spamassassin", { why: "spam-filter checks of our mails" });
  } catch (err) {
    console.warn(`⚠ ${(err as Error).message}`);
  }
  const sink = await startSmtpSink(Number(process.env.TEST_SMTP_PORT), Number(process.env.TEST_SMTP_CONTROL_PORT));
  return async () => {
    await sink.stop();
    // The throwaway CA of test/support/test-tls.ts (made by vitest.config.ts for this run).
    if (process.env.TEST_SMTP_TLS_DIR?.includes("om-test-tls-"))
      rmSync(process.env.TEST_SMTP_TLS_DIR, { recursive: true, force: true });
  };
}
