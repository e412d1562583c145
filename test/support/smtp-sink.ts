// A real SMTP server on loopback for tests (smtp-server + mailparser), with a small HTTP control API
// so tests running inside workerd can read what arrived and tell it to refuse or drop deliveries.
// Modes can be scoped to one recipient domain, so a test file that makes the sink refuse 30% of its
// own deliveries does not disturb test files running at the same time. The control server also plays
// an HTTP mail API (POST /mailapi/messages) that honours Idempotency-Key, like commercial mail APIs.
// Two relays insist on AUTH: one without STARTTLS (as a relay whose STARTTLS a man in the middle stripped)
// and, when test/support/test-tls.ts made a certificate, one that offers STARTTLS. Both sit behind a
// proxy that records every byte of every session, so tests can see what went over the wire.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect as netConnect, createServer as createNetServer, type Server as NetServer } from "node:net";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { ApiReceived, Received } from "./mail-types";

export type { ApiReceived, Received };

type Mode = { refuseRate: number; dropRate: number; refuseAll: boolean; permanent?: boolean };
const domainOf = (address: string) => address.split("@").pop()!.toLowerCase();

export async function startSmtpSink(smtpPort: number, controlPort: number) {
  const received: Received[] = [];
  const mode: Mode = { refuseRate: 0, dropRate: 0, refuseAll: false };
  const domainModes = new Map<string, Mode>();
  const domainStats = new Map<string, { attempts: number; refused: number; dropped: number }>();
  let attempts = 0;
  let refused = 0;
  const api: ApiReceived[] = [];
  const apiKeys = new Set<string>();
  const apiMode = { failRate: 0, dropRate: 0 };
  let apiAttempts = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      attempts++;
      const domain = domainOf(session.envelope.rcptTo[0]?.address ?? "");
      const m0 = domainModes.get(domain) ?? mode;
      const stats = domainStats.get(domain) ?? { attempts: 0, refused: 0, dropped: 0 };
      domainStats.set(domain, stats);
      stats.attempts++;
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        if (m0.refuseAll || Math.random() < m0.refuseRate) {
          refused++;
          stats.refused++;
          const err = m0.permanent
            ? Object.assign(new Error(`550 5.1.1 <${session.envelope.rcptTo[0]?.address}>: Mailbox unavailable`), {
                responseCode: 550,
              }) // real relays echo the address
            : Object.assign(new Error("451 Temporary failure, try again"), { responseCode: 451 });
          return callback(err);
        }
        if (Math.random() < m0.dropRate) {
          stats.dropped++;
          // Simulates a connection lost after DATA: the client never learns the outcome.
          const conns = (smtp as unknown as { connections: Set<{ session: unknown; _socket: { destroy(): void } }> })
            .connections;
          for (const c of conns) if (c.session === session) c._socket.destroy();
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

  // A second server that insists on AUTH (PLAIN or LOGIN over plain text, as a relay on loopback might).
  const authReceived: { user: string; to: string[]; raw: string; tls?: boolean }[] = [];
  const authSmtp = new SMTPServer({
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === "relay-user" && auth.password === "relay-pass ü") return cb(null, { user: auth.username });
      cb(Object.assign(new Error("535 Authentication failed"), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        authReceived.push({
          user: String(session.user),
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => authSmtp.listen(0, "127.0.0.1", r));
  const authPort = (authSmtp.server.address() as { port: number }).port;

  // The same relay with STARTTLS on offer, AUTH only after it (allowInsecureAuth off).
  const tlsDir = process.env.TEST_SMTP_TLS_DIR;
  const tlsSmtp = tlsDir
    ? new SMTPServer({
        authMethods: ["PLAIN", "LOGIN"],
        key: readFileSync(join(tlsDir, "key.pem")),
        cert: readFileSync(join(tlsDir, "cert.pem")),
        logger: false,
        onAuth(auth, session, cb) {
          if (!session.secure) return cb(Object.assign(new Error("538 Encryption required"), { responseCode: 538 }));
          if (auth.username === "relay-user" && auth.password === "relay-pass ü")
            return cb(null, { user: auth.username });
          cb(Object.assign(new Error("535 Authentication failed"), { responseCode: 535 }));
        },
        onData(stream, session, cb) {
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            authReceived.push({
              user: String(session.user),
              to: session.envelope.rcptTo.map((r) => r.address),
              raw: Buffer.concat(chunks).toString("utf8"),
              tls: session.secure,
            });
            cb();
          });
        },
      })
    : null;
  let tlsPort: number | null = null;
  if (tlsSmtp) {
    await new Promise<void>((r) => tlsSmtp.listen(0, "127.0.0.1", r));
    tlsPort = (tlsSmtp.server.address() as { port: number }).port;
  }

  // Recording proxies in front of both: every session's bytes each way (latin1, so TLS records survive JSON).
  const transcripts: { relay: "plain" | "tls"; client: string; server: string }[] = [];
  const proxies: NetServer[] = [];
  const recordingProxy = async (relay: "plain" | "tls", target: number) => {
    const proxy = createNetServer((client) => {
      const t = { relay, client: "", server: "" };
      transcripts.push(t);
      const upstream = netConnect(target, "127.0.0.1");
      client.on("data", (c: Buffer) => (t.client += c.toString("latin1")));
      upstream.on("data", (c: Buffer) => (t.server += c.toString("latin1")));
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    proxies.push(proxy);
    return (proxy.address() as { port: number }).port;
  };
  const plainWirePort = await recordingProxy("plain", authPort);
  const tlsWirePort = tlsPort === null ? null : await recordingProxy("tls", tlsPort);
  const spamassassin = spawnSync("sh", ["-c", "command -v spamassassin"], { encoding: "utf8" }).stdout.trim() || null;

  const control: Server = createHttpServer(async (req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://sink");
    const readBody = async () => {
      let body = "";
      for await (const c of req) body += c;
      return body;
    };
    if (req.method === "GET" && url.pathname === "/messages") {
      const domain = url.searchParams.get("domain")?.toLowerCase();
      if (!domain) return json(200, { messages: received, attempts, refused });
      const stats = domainStats.get(domain) ?? { attempts: 0, refused: 0, dropped: 0 };
      return json(200, { messages: received.filter((m) => m.to.some((t) => domainOf(t) === domain)), ...stats });
    }
    if (req.method === "GET" && url.pathname === "/auth-sink") {
      // `port`: the plain AUTH relay itself; `plainWirePort` / `tlsWirePort`: through the recording proxy.
      return json(200, { port: authPort, plainWirePort, tlsWirePort, messages: authReceived, transcripts });
    }
    if (req.method === "POST" && url.pathname === "/spamassassin") {
      // Local checks only (-L: no network tests), test mode (-t): adds the report, changes nothing.
      if (!spamassassin) return json(200, { available: false });
      const raw = await readBody();
      const out = await new Promise<string>((resolve, reject) => {
        const p = spawn(spamassassin, ["-L", "-t"], { stdio: ["pipe", "pipe", "pipe"] });
        let o = "";
        p.stdout.on("data", (c: Buffer) => (o += c.toString("utf8")));
        p.on("error", reject);
        p.on("close", () => resolve(o));
        p.stdin.end(raw);
      });
      const status = /^X-Spam-Status: (\w+), score=(-?[\d.]+)[^\n]*(?:\n\s+[^\n]*)*/m.exec(out);
      const tests = /tests=([^\n]*(?:\n\s+[^\n]*)*?)\s+autolearn/m.exec(out)?.[1]?.replace(/\s+/g, "") ?? "";
      return json(200, {
        available: true,
        score: status ? Number(status[2]) : null,
        spam: status?.[1] ?? null,
        tests: tests
          .replace(/autolearn.*$/, "")
          .split(",")
          .filter(Boolean),
        report: out.slice(out.indexOf("Content analysis details")).slice(0, 4000),
      });
    }
    if (req.method === "POST" && url.pathname === "/mailapi/messages") {
      apiAttempts++;
      const body = await readBody();
      const key = String(req.headers["idempotency-key"] ?? "");
      if (!key) return json(400, { error: "idempotency key required" });
      if (Math.random() < apiMode.failRate) return json(503, { error: "try again" });
      let parsed: { to?: string[]; subject?: string; headers?: Record<string, string>; mime?: string };
      try {
        parsed = JSON.parse(body);
      } catch {
        return json(400, { error: "bad json" });
      }
      // Same key again: the API answers as before and does not send a second copy. Keys are scoped by
      // the recipients' domain, as a real API scopes them by account: test files run side by side with
      // their own D1, so their outbox keys repeat, while each file mails its own domain.
      const scoped = `${(parsed.to ?? []).map(domainOf).sort().join(",")}|${key}`;
      if (!apiKeys.has(scoped)) {
        apiKeys.add(scoped);
        api.push({
          key,
          to: parsed.to ?? [],
          subject: parsed.subject ?? "",
          messageId: parsed.headers?.["Message-ID"] ?? "",
          mime: parsed.mime ?? "",
          authorization: (req.headers.authorization as string | undefined) ?? null,
          at: Date.now(),
        });
      }
      if (Math.random() < apiMode.dropRate) {
        req.socket.destroy(); // accepted, but the client never hears so
        return;
      }
      return json(202, { id: key });
    }
    if (req.method === "GET" && url.pathname === "/mailapi/messages") {
      const domain = url.searchParams.get("domain")?.toLowerCase();
      return json(200, {
        messages: domain ? api.filter((m) => m.to.some((t) => domainOf(t) === domain)) : api,
        attempts: apiAttempts,
      });
    }
    if (req.method === "POST" && url.pathname === "/mailapi/mode") {
      Object.assign(apiMode, { failRate: 0, dropRate: 0 }, JSON.parse((await readBody()) || "{}"));
      return json(200, apiMode);
    }
    if (req.method === "DELETE" && url.pathname === "/messages") {
      received.length = 0;
      attempts = refused = 0;
      return json(200, { ok: true });
    }
    if (req.method === "POST" && url.pathname === "/mode") {
      const { domain, ...m } = JSON.parse((await readBody()) || "{}") as Partial<Mode> & { domain?: string };
      if (domain) {
        domainModes.set(domain.toLowerCase(), { refuseRate: 0, dropRate: 0, refuseAll: false, ...m });
        return json(200, domainModes.get(domain.toLowerCase()));
      }
      Object.assign(mode, { refuseRate: 0, dropRate: 0, refuseAll: false }, m);
      return json(200, mode);
    }
    json(404, { error: "unknown" });
  });
  await new Promise<void>((r) => control.listen(controlPort, "127.0.0.1", r));
  return {
    received,
    async stop() {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => authSmtp.close(() => r()));
      if (tlsSmtp) await new Promise<void>((r) => tlsSmtp.close(() => r()));
      for (const p of proxies) await new Promise<void>((r) => p.close(() => r()));
      await new Promise<void>((r) => control.close(() => r()));
    },
  };
}
