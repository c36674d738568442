// Router overhead against the openai SDK called directly, both against the same loopback mock
// OpenAI server, interleaved in one run so machine noise hits both alike.
// Usage: npm run bench:overhead [-- --calls 4000 --concurrency 64]
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import OpenAI from "openai";
import { createRouter } from "../dist/index.js";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "3000" }, concurrency: { type: "string", default: "64" } },
});
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_764_000_000,
  model: "gpt-4o-mini-2024-07-18",
  system_fingerprint: "fp_bench",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "pong", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
});
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json", "x-request-id": "req_bench" });
    response.end(completion);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseURL = `http://127.0.0.1:${server.address().port}/v1`;

const client = new OpenAI({ apiKey: "sk-bench-0000000000000000", baseURL, maxRetries: 0 });
const router = await createRouter({
  policy: {
    providers: { openai: { type: "openai", apiKey: "sk-bench-0000000000000000", baseURL } },
    targets: { mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } } },
    routes: { default: { targets: ["mini"] } },
  },
});
const messages = [{ role: "user", content: "ping" }];
const direct = () =>
  client.chat.completions.create({ model: "gpt-4o-mini", messages, max_completion_tokens: 16 });
const routed = () => router.chat({ messages, maxTokens: 16 });

async function sequential(fn, count) {
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const started = process.hrtime.bigint();
    await fn();
    samples[index] = Number(process.hrtime.bigint() - started) / 1000;
  }
  return samples.sort();
}
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function throughput(fn, count) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await fn();
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

for (let warm = 0; warm < 300; warm++) {
  await direct();
  await routed();
}
const rounds = 5;
const perRound = Math.ceil(calls / rounds);
const latency = { direct: [], routed: [] };
const rate = { direct: [], routed: [] };
for (let round = 0; round < rounds; round++) {
  latency.direct.push(...(await sequential(direct, perRound)));
  latency.routed.push(...(await sequential(routed, perRound)));
  rate.direct.push(await throughput(direct, perRound));
  rate.routed.push(await throughput(routed, perRound));
}
const sortNumbers = (list) => Float64Array.from(list).sort();
const median = (list) => sortNumbers(list)[Math.floor(list.length / 2)];
const directSorted = sortNumbers(latency.direct);
const routedSorted = sortNumbers(latency.routed);
const rows = [
  ["p50 latency (µs)", percentile(directSorted, 0.5), percentile(routedSorted, 0.5)],
  ["p99 latency (µs)", percentile(directSorted, 0.99), percentile(routedSorted, 0.99)],
  [`throughput at ${concurrency} concurrent (calls/s)`, median(rate.direct), median(rate.routed)],
];
console.log(
  `router overhead, ${calls} sequential + ${calls} concurrent calls per side, Node ${process.version}`,
);
console.log("| metric | openai SDK direct | through router.chat() | difference |");
console.log("| --- | --- | --- | --- |");
for (const [name, a, b] of rows) {
  const difference = name.startsWith("throughput")
    ? `${((b / a) * 100).toFixed(1)}% of direct`
    : `+${(b - a).toFixed(0)} µs`;
  console.log(`| ${name} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${difference} |`);
}
await router.close();
server.close();
