// A response-cache hit against a miss, and a miss against the same route without a cache, all
// on one router against one loopback mock OpenAI server, interleaved in one run so machine noise
// hits each alike. A miss sends a prompt never seen before (so it is hashed, sent and stored); a
// hit repeats one already stored.
// Usage: npm run bench:cache [-- --calls 2000 --prompt-chars 2000 --server-ms 0]
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createRouter } from "../dist/index.js";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "2000" },
    "prompt-chars": { type: "string", default: "2000" },
    "server-ms": { type: "string", default: "0" },
  },
});
const calls = Number(values.calls);
const promptChars = Number(values["prompt-chars"]);
const serverMs = Number(values["server-ms"]);

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_764_000_000,
  model: "gpt-4o-mini-2024-07-18",
  system_fingerprint: "fp_bench",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "The capital of France is Paris.", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 500, completion_tokens: 8, total_tokens: 508 },
});
let upstreamCalls = 0;
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    upstreamCalls++;
    setTimeout(() => {
      response.writeHead(200, { "content-type": "application/json", "x-request-id": "req_bench" });
      response.end(completion);
    }, serverMs);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseURL = `http://127.0.0.1:${server.address().port}/v1`;

const router = await createRouter({
  policy: {
    providers: { openai: { type: "openai", apiKey: "sk-bench-0000000000000000", baseURL } },
    targets: { mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } } },
    routes: {
      default: { targets: ["mini"] },
      cached: { targets: ["mini"], cache: { ttlMs: 3_600_000, maxEntries: 100_000, maxBytes: 2 ** 30 } },
    },
  },
});
const filler = "Summarize the following notes. ".repeat(Math.ceil(promptChars / 31)).slice(0, promptChars);
let unique = 0;
const fresh = () => [{ role: "user", content: `${filler} #${unique++}` }];
const repeated = [{ role: "user", content: `${filler} #repeated` }];
const plain = () => router.chat({ messages: fresh(), temperature: 0, maxTokens: 16 });
const miss = () => router.chat({ route: "cached", messages: fresh(), temperature: 0, maxTokens: 16 });
const hit = () => router.chat({ route: "cached", messages: repeated, temperature: 0, maxTokens: 16 });

await hit();
for (let warm = 0; warm < 200; warm++) {
  await plain();
  await miss();
  await hit();
}

const samples = { plain: [], miss: [], hit: [] };
const kinds = [
  ["plain", plain],
  ["miss", miss],
  ["hit", hit],
];
let wrong = 0;
for (let index = 0; index < calls; index++) {
  for (const [name, call] of kinds) {
    const started = process.hrtime.bigint();
    const result = await call();
    samples[name].push(Number(process.hrtime.bigint() - started) / 1000);
    const expected = name === "plain" ? undefined : name;
    if (result.route.cache !== expected) wrong++;
  }
}
if (wrong > 0) throw new Error(`${wrong} calls were not the hit or miss they were meant to be`);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const stats = Object.fromEntries(
  Object.entries(samples).map(([name, list]) => {
    const sorted = Float64Array.from(list).sort();
    return [name, { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }];
  }),
);
const upstreamPerRound = upstreamCalls / (calls + 201);
console.log(
  `node ${process.version}, ${calls} calls of each kind, prompt ${promptChars} chars, server delay ${serverMs} ms`,
);
for (const [name, { p50, p99 }] of Object.entries(stats)) {
  console.log(
    `${name.padEnd(6)} p50 ${p50.toFixed(0).padStart(6)} µs   p99 ${p99.toFixed(0).padStart(6)} µs`,
  );
}
console.log(
  `hit / miss p50: ${(stats.hit.p50 / stats.miss.p50).toFixed(3)}×   miss / no cache p50: ${(stats.miss.p50 / stats.plain.p50).toFixed(3)}×   upstream calls per round: ${upstreamPerRound.toFixed(2)} (2 expected: no-cache + miss)`,
);
await router.close();
server.close();
