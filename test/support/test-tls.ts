// A throwaway certificate authority for the tests' TLS relay (test/support/smtp-sink.ts offers STARTTLS
// with a certificate for 127.0.0.1 / localhost signed by it). workerd trusts it because Miniflare adds the
// certificates in NODE_EXTRA_CA_CERTS to workerd's trusted certificates — read once when Miniflare is
// loaded, so vitest.config.ts calls this before it imports the pool. Made with the openssl command line;
// without openssl the TLS tests are skipped (TEST_SMTP_TLS_DIR stays unset).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function ensureTestTls(): string | null {
  if (process.env.TEST_SMTP_TLS_DIR && existsSync(join(process.env.TEST_SMTP_TLS_DIR, "ca.pem")))
    return process.env.TEST_SMTP_TLS_DIR;
  const dir = mkdtempSync(join(tmpdir(), "om-test-tls-"));
  const run = (args: string[]) => spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  const ext =
    "subjectAltName=DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature," +
    "keyEncipherment\nextendedKeyUsage=serverAuth\n";
  writeFileSync(join(dir, "leaf.ext"), ext);
  const steps = [
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "ca-key.pem",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=outcome-monitor test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "key.pem",
      "-out",
      "leaf.csr",
      "-subj",
      "/CN=localhost",
    ],
    [
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      "cert.pem",
      "-days",
      "2",
      "-extfile",
      "leaf.ext",
    ],
  ];
  for (const args of steps) {
    const r = run(args);
    if (r.error || r.status !== 0) {
      console.warn(
        `⚠ test TLS certificates not made ` +
          `(openssl ${args[0]}: ${r.error?.message ?? r.stderr.trim().split("\n").pop()}); TLS relay tests are skipped`,
      );
      return null;
    }
  }
  // Keep a CA bundle the user already trusts, and add ours.
  const bundle = join(dir, "trusted.pem");
  const previous =
    process.env.NODE_EXTRA_CA_CERTS && existsSync(process.env.NODE_EXTRA_CA_CERTS)
      ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8")
      : "";
  writeFileSync(bundle, `${previous}\n${readFileSync(join(dir, "ca.pem"), "utf8")}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  process.env.TEST_SMTP_TLS_DIR = dir;
  return dir;
}
