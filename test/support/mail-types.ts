// Shapes of what the SMTP sink and HTTP mail API (test/support/smtp-sink.ts, Node side) report to tests
// running in workerd. No imports: both programs (worker and Node) include this file.
export type Received = {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  date: string;
  headers: Record<string, string>;
  raw: string;
  at: number;
};
export type ApiReceived = {
  key: string;
  to: string[];
  subject: string;
  messageId: string;
  mime: string;
  authorization: string | null;
  at: number;
};
