// A real SMTP server on loopback for tests (smtp-server + mailparser), with a small HTTP control API
// so tests running inside workerd can read what arrived and tell it to refuse or drop deliveries.
import { createServer as createHttpServer, type Server } from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type Received = { from: string; to: string[]; subject: string; text: string; html: string; messageId: string; date: string; headers: Record<string, string>; raw: string; at: number };
type Mode = { refuseRate: number; dropRate: number; refuseAll: boolean };

export async function startSmtpSink(smtpPort: number, controlPort: number) {
  const received: Received[] = [];
  const mode: Mode = { refuseRate: 0, dropRate: 0, refuseAll: false };
  let attempts = 0;
  let refused = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      attempts++;
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        if (mode.refuseAll || Math.random() < mode.refuseRate) {
          refused++;
          const err = Object.assign(new Error("451 Temporary failure, try again"), { responseCode: 451 });
          return callback(err);
        }
        if (Math.random() < mode.dropRate) {
          // Simulates a connection lost after DATA: the client never learns the outcome.
          (session as unknown as { _socket?: { destroy(): void } })._socket?.destroy();
          return;
        }
        const m = await simpleParser(raw);
        const headers: Record<string, string> = {};
        for (const [k, v] of m.headers) headers[k] = typeof v === "string" ? v : JSON.stringify(v);
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: m.subject ?? "",
          text: m.text ?? "",
          html: typeof m.html === "string" ? m.html : "",
          messageId: m.messageId ?? "",
          date: m.date?.toISOString() ?? "",
          headers,
          raw,
          at: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(smtpPort, "127.0.0.1", r));

  const control: Server = createHttpServer(async (req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/messages") return json(200, { messages: received, attempts, refused });
    if (req.method === "DELETE" && req.url === "/messages") {
      received.length = 0;
      attempts = refused = 0;
      return json(200, { ok: true });
    }
    if (req.method === "POST" && req.url === "/mode") {
      let body = "";
      for await (const c of req) body += c;
      Object.assign(mode, { refuseRate: 0, dropRate: 0, refuseAll: false }, JSON.parse(body || "{}"));
      return json(200, mode);
    }
    json(404, { error: "unknown" });
  });
  await new Promise<void>((r) => control.listen(controlPort, "127.0.0.1", r));
  return {
    received,
    async stop() {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => control.close(() => r()));
    },
  };
}
