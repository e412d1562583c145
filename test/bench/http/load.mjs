#!/usr/bin/env node
// The load generator of `npm run bench`'s HTTP figures, run as its own process (so its CPU is not the
// Worker's event loop): autocannon against one URL, or a rotating list of paths, and the result as JSON.
// Usage: echo '<json: {url, method?, body?, paths?, bodies?, connections, duration}>' | node load.mjs
import autocannon from "autocannon";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const cfg = JSON.parse(input);
let i = 0;
const requests = cfg.paths
  ? [
      {
        setupRequest: (req) => {
          const n = i++ % cfg.paths.length;
          return { ...req, path: cfg.paths[n], ...(cfg.bodies ? { body: cfg.bodies[n] } : {}) };
        },
      },
    ]
  : undefined;
const result = await autocannon({
  url: cfg.url,
  method: cfg.method ?? "GET",
  body: cfg.body,
  headers: cfg.body ? { "content-type": "application/x-www-form-urlencoded" } : {},
  connections: cfg.connections,
  duration: cfg.duration,
  requests,
});
const codes = {};
for (const [k, v] of Object.entries(result.statusCodeStats ?? {})) codes[k] = v.count;
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    codes,
    used: i,
  }),
);
