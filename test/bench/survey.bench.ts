// How heavy and how fast the youth's questionnaire page is, as a ratio against a bare route
// (/healthz) measured in the same run inside workerd with the same D1. The figures against a bare Hono + D1
// Worker under `wrangler dev`, with load from a second process, are test/bench/http/run.mjs.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ISLANDS_JS } from "../../web/generated/assets";
import { frequentVersionIds, makeParticipant, makePilot, openOccasion } from "../support/study";

const ROUNDS = 300;

async function timeIt(url: string) {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const res = await exports.default.fetch(url);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(ROUNDS / 2)]!, p95: times[Math.floor(ROUNDS * 0.95)]! };
}

async function gzipSize(text: string) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

describe("questionnaire page weight and speed", () => {
  it("prints page bytes and latency relative to a bare route", async () => {
    const { pilot, versions } = await makePilot();
    const p = await makeParticipant(pilot.id, { start: "2026-01-05" });
    const { path } = await openOccasion(p.id, frequentVersionIds(versions));
    const url = `http://questionnaire.localhost${path}`;
    const html = await (await exports.default.fetch(url)).text();
    expect(html).toContain('data-island="SliderField"');

    const bare = await timeIt("http://questionnaire.localhost/healthz");
    const page = await timeIt(url);
    const htmlGz = await gzipSize(html);
    const jsGz = await gzipSize(ISLANDS_JS);
    console.log(
      `BENCH survey page weight: ${html.length} B html (${htmlGz} B gzip) ` +
        `+ ${ISLANDS_JS.length} B js (${jsGz} B gzip) = ${htmlGz + jsGz} B gzip on the wire`,
    );
    console.log(
      `BENCH survey page latency: median ${page.median.toFixed(2)} ms, p95 ${page.p95.toFixed(2)} ms; ` +
        `bare route median ${bare.median.toFixed(2)} ms → ratio ${(page.median / bare.median).toFixed(1)}×`,
    );
  });
});
