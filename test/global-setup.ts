import { startSmtpSink } from "./support/smtp-sink";

// Runs in Node before the workerd tests: the real SMTP server they deliver to.
export default async function setup() {
  const sink = await startSmtpSink(Number(process.env.TEST_SMTP_PORT), Number(process.env.TEST_SMTP_CONTROL_PORT));
  return () => sink.stop();
}
