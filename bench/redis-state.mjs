// Shared state on Redis: the latency a call gains when its routing state (snapshot, breaker and
// latency writes, spend ledger, budget hold, rate-limit admission) lives in a loopback Redis instead
// of process memory, and the throughput of 4 router processes sharing one target through Redis.
// Same policy, same loopback mock OpenAI server, interleaved rounds in one run.
// Usage: npm run build && node bench/redis-state.mjs [--calls 2000 --seconds 8 --concurrency 16]
import { fork, spawn } from "node:child_process";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { parseArgs } from "node:util";
import { createRouter } from "../dist/index.js";
import { RedisStateStore } from "../dist/src/state/redis/index.js";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "2000" },
    seconds: { type: "string", default: "8" },
    concurrency: { type: "string", default: "16" },
    child: { type: "string" },
  },
});

/**
 * One target on a route with a daily budget (so every attempt holds spend); with `limited`, the
 * target has generous limits too, so every call goes through the rate limiter.
 */
function policy(baseURL, limited) {
  return {
    providers: { openai: { type: "openai", apiKey: "sk-bench-0000000000000000", baseURL } },
    targets: {
      mini: {
        provider: "openai",
        model: "gpt-4o-mini",
        price: { input: 0.15, output: 0.6 },
        ...(limited
          ? { limits: { rpm: 10_000_000, tpm: 1_000_000_000, maxConcurrent: 10_000, maxQueue: 10_000 } }
          : {}),
      },
    },
    routes: { default: { targets: ["mini"], budget: { dailyUsd: 100_000 } } },
  };
}
const messages = [{ role: "user", content: "ping" }];

async function routerOn({ store, baseURL, limited, keyPrefix, url }) {
  const state = store === "redis" ? await RedisStateStore.connect({ url, keyPrefix }) : undefined;
  return createRouter({ policy: policy(baseURL, limited), ...(state ? { state } : {}) });
}

/** One of the 4 processes: calls on `concurrency` lanes for `seconds`, then reports its count. */
async function child() {
  const router = await routerOn(JSON.parse(values.child));
  for (let warm = 0; warm < 200; warm++) await router.chat({ messages, maxTokens: 16 });
  process.send({ ready: true });
  await new Promise((resolve) => process.once("message", resolve));
  const deadline = performance.now() + Number(values.seconds) * 1000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (performance.now() < deadline) {
        await router.chat({ messages, maxTokens: 16 });
        calls += 1;
      }
    }),
  );
  await router.close();
  process.send({ calls });
  process.disconnect();
}

async function main() {
  const calls = Number(values.calls);
  const completion = JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_764_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      { index: 0, message: { role: "assistant", content: "pong" }, logprobs: null, finish_reason: "stop" },
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
  const redis = await startRedis();
  try {
    await measure(baseURL, redis, calls);
  } finally {
    await redis.stop();
    server.close();
  }
}

async function measure(baseURL, redis, calls) {
  const lines = [];
  for (const limited of [false, true]) {
    const what = limited ? "state + rate limits" : "state only";
    const memoryRouter = await routerOn({ store: "memory", baseURL, limited });
    const redisRouter = await routerOn({
      store: "redis",
      baseURL,
      limited,
      keyPrefix: `bench-${limited ? "limited" : "state"}`,
      url: redis.url,
    });
    const call = (router) => router.chat({ messages, maxTokens: 16 });
    for (let warm = 0; warm < 300; warm++) {
      await call(memoryRouter);
      await call(redisRouter);
    }
    const rounds = 5;
    const memorySamples = [];
    const redisSamples = [];
    for (let round = 0; round < rounds; round++) {
      memorySamples.push(...(await sequential(() => call(memoryRouter), calls / rounds)));
      redisSamples.push(...(await sequential(() => call(redisRouter), calls / rounds)));
    }
    // CPU rather than wall time: immune to the other jobs on a shared machine.
    const memoryCpu = await cpuPerCall(() => call(memoryRouter), calls / 2);
    const redisCpu = await cpuPerCall(() => call(redisRouter), calls / 2);
    await memoryRouter.close();
    await redisRouter.close();
    const memorySorted = Float64Array.from(memorySamples).sort();
    const redisSorted = Float64Array.from(redisSamples).sort();
    for (const [name, p] of [
      ["p50", 0.5],
      ["p99", 0.99],
    ]) {
      const memory = percentile(memorySorted, p);
      const shared = percentile(redisSorted, p);
      lines.push(
        `| ${what}: ${name} latency per call (µs) | ${fmt(memory)} | ${fmt(shared)} | ${signed(shared - memory)} µs |`,
      );
    }
    lines.push(
      `| ${what}: CPU per call in this process (µs, router + mock server) | ${fmt(memoryCpu)} | ${fmt(redisCpu)} | ${signed(redisCpu - memoryCpu)} µs |`,
    );
    const memoryThroughput = [];
    const redisThroughput = [];
    for (let round = 0; round < 2; round++) {
      const base = { baseURL, limited, url: redis.url };
      memoryThroughput.push(await fourProcesses({ ...base, store: "memory" }));
      redisThroughput.push(
        await fourProcesses({
          ...base,
          store: "redis",
          keyPrefix: `bench-tp-${limited ? "limited" : "state"}-${round}`,
        }),
      );
    }
    const memoryBest = Math.max(...memoryThroughput);
    const redisBest = Math.max(...redisThroughput);
    lines.push(
      `| ${what}: 4 processes × ${values.concurrency} concurrent, ${values.seconds} s (calls/s, best of 2) | ${fmt(memoryBest)} | ${fmt(redisBest)} | ${((100 * redisBest) / memoryBest).toFixed(1)} % |`,
    );
  }
  const pingSorted = Float64Array.from(await sequential(() => redisPing(redis.url), 500)).sort();

  console.log(
    `${calls} sequential calls per configuration (5 interleaved rounds); Redis ${redis.version} on 127.0.0.1`,
  );
  console.log("| metric | in-memory store | Redis store | difference |");
  console.log("| --- | --- | --- | --- |");
  for (const line of lines) console.log(line);
  console.log(`loopback Redis PING round trip: p50 ${fmt(percentile(pingSorted, 0.5))} µs`);
}

/** One PING over a fresh-enough connection: the loopback round trip that each Redis step costs. */
let pingClient;
async function redisPing(url) {
  if (!pingClient) {
    const { Redis } = await import("ioredis");
    pingClient = new Redis(url);
  }
  await pingClient.ping();
}

async function sequential(fn, count) {
  const samples = [];
  for (let index = 0; index < count; index++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return samples;
}

/** Process CPU (user + system) per call, 16 calls in flight. */
async function cpuPerCall(fn, count) {
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < count) await fn();
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

async function fourProcesses(setup) {
  const children = Array.from({ length: 4 }, () =>
    fork(new URL(import.meta.url).pathname, [
      "--child",
      JSON.stringify(setup),
      "--seconds",
      values.seconds,
      "--concurrency",
      values.concurrency,
    ]),
  );
  await Promise.all(children.map((child) => new Promise((resolve) => child.once("message", resolve))));
  const started = performance.now();
  const counts = await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          child.once("message", (message) => resolve(message.calls));
          child.send({ go: true });
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return counts.reduce((total, count) => total + count, 0) / seconds;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const fmt = (value) => Math.round(value).toLocaleString("en-US");
const signed = (value) => `${value >= 0 ? "+" : "−"}${fmt(Math.abs(value))}`;

async function startRedis() {
  if (pingClient) pingClient.disconnect();
  const port = await new Promise((resolve) => {
    const probe = createNetServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  let version = "?";
  await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.on("data", (chunk) => {
      const text = chunk.toString();
      version = /v=([\d.]+)/.exec(text)?.[1] ?? /Redis version=([\d.]+)/.exec(text)?.[1] ?? version;
      if (text.includes("Ready to accept connections")) resolve();
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    version,
    stop: async () => {
      pingClient?.disconnect();
      child.kill("SIGKILL");
    },
  };
}

if (values.child !== undefined) {
  await child();
} else {
  await main();
}
