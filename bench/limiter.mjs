#!/usr/bin/env node
// Admission cost of a target with rate limits far from them: Switchyard's TargetLimiter (a
// synchronous check of its own counters, Bottleneck only for a queue) against Bottleneck's own
// schedule with the same limits (what admission cost before), and against no limiter, in one run.
// Usage: npm run build && node bench/limiter.mjs [--calls 20000] [--concurrency 64] [--rounds 3]
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Bottleneck from "bottleneck";
import { TargetLimiter } from "../dist/src/limits/index.js";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
  },
});
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const limits = { rpm: 10_000_000, tpm: 1_000_000_000, maxConcurrent: 10_000 };

const variants = {
  "no limiter": () => async () => () => {},
  "Bottleneck.schedule": () => {
    const requests = new Bottleneck({ maxConcurrent: limits.maxConcurrent, reservoir: limits.rpm });
    const tokens = new Bottleneck({ reservoir: limits.tpm });
    return () =>
      new Promise((admitted) => {
        tokens.schedule({ weight: 1000 }, () =>
          requests.schedule(() => new Promise((done) => admitted(done))),
        );
      });
  },
  TargetLimiter: () => {
    const limiter = new TargetLimiter("bench", limits);
    return () => limiter.acquire({ weight: 1000 });
  },
};

/** Latency of each admission with `concurrency` callers in flight, each holding its slot one tick. */
async function run(acquire) {
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      next += 1;
      const started = performance.now();
      const release = await acquire();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setImmediate(resolve));
      release();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: latencies[Math.floor(latencies.length / 2)] * 1000, rate: calls / seconds };
}

const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, make] of Object.entries(variants)) results[name].push(await run(make()));
}
const median = (list, key) =>
  list.map((entry) => entry[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)];
const base = results["Bottleneck.schedule"];
console.log(`${calls} admissions, ${concurrency} in flight, median of ${rounds} interleaved rounds\n`);
console.log("| admission | p50 (µs) | admissions/s | Bottleneck.schedule p50 ÷ this p50 |");
console.log("| --- | --- | --- | --- |");
for (const [name, list] of Object.entries(results)) {
  const p50 = median(list, "p50");
  console.log(
    `| ${name} | ${p50.toFixed(1)} | ${Math.round(median(list, "rate")).toLocaleString("en-US")} | ${Math.round(median(base, "p50") / Math.max(p50, 0.001)).toLocaleString("en-US")}× |`,
  );
}
process.exit(0);
