// A small SMTP client over cloudflare:sockets. The MIME text itself is built by worker-mailer's `Email`
// (see mime.ts); this client only speaks the protocol, so that it knows exactly which phase failed:
// a reply code before the end of DATA is a clean refusal (safe to retry), while a connection lost after
// the final "." leaves the outcome unknown (the relay may have queued the message).
// worker-mailer's own session loop is not used because on a socket closed by the peer its reader spins
// (`if (!value) continue`) instead of failing, which would hang the Worker.
import { connect } from "cloudflare:sockets";

export type SmtpOptions = {
  host: string;
  port: number;
  /** "tls": implicit TLS (port 465); "starttls": upgrade when offered (required if `requireTls`); "off": plain. */
  security: "tls" | "starttls" | "off";
  requireTls?: boolean;
  /** With a user the session is always encrypted before AUTH: plain text (or a stripped STARTTLS) is refused. */
  user?: string;
  pass?: string;
  heloName?: string;
  timeoutMs?: number;
};

export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    /** true once the whole message was written and only the final reply is missing */
    readonly afterData: boolean,
    /** a refusal that no retry can change (a configuration that would send the password in plain text) */
    readonly permanent = false,
  ) {
    super(message);
  }
}

type Reply = { code: number; lines: string[] };

/** base64 of the UTF-8 bytes (btoa alone would encode a non-ASCII password as Latin-1). */
const b64utf8 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

export class SmtpSession {
  private socket: Socket;
  private reader!: ReadableStreamDefaultReader<Uint8Array>;
  private writer!: WritableStreamDefaultWriter<Uint8Array>;
  private buffer = "";
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder();
  private closed = false;

  private constructor(private readonly o: SmtpOptions) {
    this.socket = connect(
      { hostname: o.host, port: o.port },
      {
        secureTransport: o.security === "tls" ? "on" : o.security === "starttls" ? "starttls" : "off",
        allowHalfOpen: false,
      },
    );
    this.attach();
  }

  static async open(o: SmtpOptions): Promise<SmtpSession> {
    // Credentials never travel in plain text: with SMTP_STARTTLS=0 there is nothing to connect to.
    if (o.user && o.security === "off")
      throw new SmtpError(
        "smtp_tls_required: SMTP_USER is set but TLS is switched off " +
          "(SMTP_STARTTLS=0); refusing to send the password in plain text",
        null,
        false,
        true,
      );
    const s = new SmtpSession(o);
    try {
      await s.handshake();
      return s;
    } catch (e) {
      await s.close();
      throw e;
    }
  }

  private attach() {
    this.socket.closed.catch(() => {}); // a peer that hangs up is reported by read(), not as an unhandled rejection
    this.reader = this.socket.readable.getReader();
    this.writer = this.socket.writable.getWriter();
    this.reader.closed.catch(() => {});
    this.writer.closed.catch(() => {});
  }

  private async handshake() {
    await this.withTimeout(this.socket.opened, "connect");
    this.expect(await this.reply(), 220, "greeting");
    let caps = await this.ehlo();
    let encrypted = this.o.security === "tls";
    if (this.o.security === "starttls") {
      if (caps.some((l) => /^STARTTLS\b/i.test(l))) {
        this.expect(await this.command("STARTTLS"), 220, "STARTTLS");
        this.reader.releaseLock();
        this.writer.releaseLock();
        this.socket = this.socket.startTls();
        this.attach();
        this.buffer = "";
        caps = await this.ehlo();
        encrypted = true;
      } else if (this.o.user) {
        // No STARTTLS on offer (a relay without it, or someone in between who strips it): no AUTH, no message.
        throw new SmtpError(
          "smtp_tls_required: the relay does not offer STARTTLS; refusing to send the " +
            "password in plain text (use port 587 with STARTTLS or 465 with SMTP_SECURE=tls)",
          null,
          false,
          true,
        );
      } else if (this.o.requireTls) {
        throw new SmtpError("smtp_starttls_not_offered", null, false);
      }
    }
    if (this.o.user && !encrypted)
      throw new SmtpError("smtp_tls_required: refusing to send the password in plain text", null, false, true);
    if (this.o.user) {
      const auth = caps.find((l) => /^AUTH\b/i.test(l)) ?? "";
      if (/\bPLAIN\b/i.test(auth)) {
        this.expect(await this.command(`AUTH PLAIN ${b64utf8(`\0${this.o.user}\0${this.o.pass ?? ""}`)}`), 235, "AUTH");
      } else if (/\bLOGIN\b/i.test(auth)) {
        this.expect(await this.command("AUTH LOGIN"), 334, "AUTH");
        this.expect(await this.command(b64utf8(this.o.user)), 334, "AUTH");
        this.expect(await this.command(b64utf8(this.o.pass ?? "")), 235, "AUTH");
      } else {
        throw new SmtpError("smtp_auth_not_offered", null, false);
      }
    }
  }

  private async ehlo(): Promise<string[]> {
    const r = await this.command(`EHLO ${this.o.heloName ?? "localhost"}`);
    this.expect(r, 250, "EHLO");
    return r.lines.slice(1);
  }

  /** Sends one message. `dotStuffedBody` must end with CRLF.CRLF (worker-mailer's getEmailData does). */
  async send(envelopeFrom: string, rcpt: string, dotStuffedBody: string): Promise<void> {
    this.expect(await this.command(`MAIL FROM:<${envelopeFrom}>`), 250, "MAIL");
    this.expect(await this.command(`RCPT TO:<${rcpt}>`), [250, 251], "RCPT");
    this.expect(await this.command("DATA"), 354, "DATA");
    await this.write(dotStuffedBody);
    let r: Reply;
    try {
      r = await this.reply();
    } catch (e) {
      throw new SmtpError(`smtp_no_reply_after_data: ${(e as Error).message}`, null, true);
    }
    this.expect(r, 250, "end of DATA");
  }

  /** After a refusal the session stays usable once reset. */
  async reset(): Promise<void> {
    this.expect(await this.command("RSET"), 250, "RSET");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.withTimeout(this.write("QUIT\r\n"), "quit", 1_000);
    } catch {
      /* the peer may be gone already */
    }
    await this.socket.close().catch(() => {});
  }

  private expect(r: Reply, code: number | number[], phase: string) {
    const ok = Array.isArray(code) ? code.includes(r.code) : r.code === code;
    if (!ok) throw new SmtpError(`${r.code} ${phase}: ${r.lines.join(" ").slice(0, 200)}`, r.code, false);
  }

  private async command(line: string): Promise<Reply> {
    await this.write(`${line}\r\n`);
    return this.reply();
  }

  private async write(s: string) {
    if (this.closed) throw new SmtpError("smtp_closed", null, false);
    await this.withTimeout(this.writer.write(this.enc.encode(s)), "write");
  }

  private async reply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      let nl = this.buffer.indexOf("\r\n");
      while (nl < 0) {
        const { value, done } = await this.withTimeout(this.reader.read(), "read");
        if (done) throw new SmtpError("smtp_connection_closed", null, false);
        this.buffer += this.dec.decode(value, { stream: true });
        nl = this.buffer.indexOf("\r\n");
      }
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 2);
      const m = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!m) throw new SmtpError(`smtp_bad_reply`, null, false);
      lines.push(m[3]!);
      if (m[2] === " ") return { code: Number(m[1]), lines };
    }
  }

  private withTimeout<T>(p: Promise<T>, what: string, ms = this.o.timeoutMs ?? 15_000): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SmtpError(`smtp_timeout_${what}`, null, false)), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }
}
