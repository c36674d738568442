// Router overhead against the openai SDK called directly, with the Vercel AI SDK's generateText
// and the router under a registered OpenTelemetry tracer provider as further contenders, all
// against the same loopback mock OpenAI server, interleaved in one run so machine noise hits every
// contender alike.
// Usage: npm run bench:overhead [-- --calls 3000 --concurrency 64 --rounds 5 --baseline <dist dir>]
// `--baseline` adds a router built from another build (a copy of dist made before a change) as a
// contender, so a change is measured against its predecessor in the same run. `--limited` adds a
// router whose target has rate limits it never comes near (rpm, tpm, maxConcurrent), to measure
// what admission costs a call (`npm run bench:limits`).
import { createServer } from "node:http";
import { loadavg } from "node:os";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createMistral } from "@ai-sdk/mistral";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { generateText } from "ai";
import OpenAI from "openai";
import { createRouter } from "../dist/index.js";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "5" },
    baseline: { type: "string" },
    limited: { type: "boolean", default: false },
  },
});
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);

// Valid as OpenAI's and as Mistral's chat completion (the AI SDK contender speaks Mistral's wire).
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
const apiKey = "bench-not-a-key-0000000000";

const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
const policy = {
  providers: { openai: { type: "openai", apiKey, baseURL } },
  targets: { mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } } },
  routes: { default: { targets: ["mini"] } },
};
const router = await createRouter({ policy });
const baselineRouter = values.baseline
  ? await (await import(pathToFileURL(resolvePath(values.baseline, "index.js")).href)).createRouter({
      policy,
    })
  : undefined;
const limitedRouter = values.limited
  ? await createRouter({
      policy: {
        ...policy,
        targets: {
          mini: {
            ...policy.targets.mini,
            limits: { rpm: 10_000_000, tpm: 1_000_000_000, maxConcurrent: 10_000 },
          },
        },
      },
    })
  : undefined;
const mistral = createMistral({ apiKey, baseURL });
const aiSdkModel = mistral("mistral-small-latest");

// The tracer provider as an application registers it: batched export (to memory, drained each
// round) and the AsyncLocalStorage context manager. Registered only during that contender's turns.
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
const tracing = (on) => {
  trace.disable();
  context.disable();
  if (!on) return;
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(tracerProvider);
};
let spansSeen = 0;

const messages = [{ role: "user", content: "ping" }];
const routed = () => router.chat({ messages, maxTokens: 16 });
const contenders = {
  "openai SDK direct": () =>
    client.chat.completions.create({ model: "gpt-4o-mini", messages, max_completion_tokens: 16 }),
  "router.chat()": routed,
  // The AI SDK's defaults (its own retry wrapper included), as an application calls it.
  "AI SDK generateText": () => generateText({ model: aiSdkModel, messages, maxOutputTokens: 16 }),
  "router.chat(), OTel tracer registered": routed,
  ...(limitedRouter
    ? { "router.chat(), limited target": () => limitedRouter.chat({ messages, maxTokens: 16 }) }
    : {}),
  ...(baselineRouter
    ? { "router.chat(), baseline build": () => baselineRouter.chat({ messages, maxTokens: 16 }) }
    : {}),
};
const traced = "router.chat(), OTel tracer registered";

async function sequential(fn, count) {
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const started = process.hrtime.bigint();
    await fn();
    samples[index] = Number(process.hrtime.bigint() - started) / 1000;
  }
  return samples;
}
/** Calls per second at `concurrency`, and the process's CPU time per call (µs; the server's included, equally for all). */
async function throughput(fn, count) {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await fn();
    }),
  );
  const used = process.cpuUsage(cpu);
  return { rate: count / ((performance.now() - started) / 1000), cpuUs: (used.user + used.system) / count };
}

for (const [name, call] of Object.entries(contenders)) {
  tracing(name === traced);
  for (let warm = 0; warm < 300; warm++) await call();
}
tracing(false);
await tracerProvider.forceFlush();
exporter.reset();
const loadBefore = loadavg()[0];
const perRound = Math.ceil(calls / rounds);
const latency = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
const rate = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
const cpu = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of Object.entries(contenders)) {
    tracing(name === traced);
    latency[name].push(...(await sequential(call, perRound)));
    const measured = await throughput(call, perRound);
    rate[name].push(measured.rate);
    cpu[name].push(measured.cpuUs);
    tracing(false);
    await tracerProvider.forceFlush();
    spansSeen += exporter.getFinishedSpans().length;
    exporter.reset();
  }
}
const loadAfter = loadavg()[0];

const sorted = (list) => Float64Array.from(list).sort();
const percentile = (list, p) => {
  const ordered = sorted(list);
  return ordered[Math.min(ordered.length - 1, Math.floor(ordered.length * p))];
};
const median = (list) => percentile(list, 0.5);
const base = "openai SDK direct";
const signed = (value, unit) => `${value >= 0 ? "+" : ""}${value.toFixed(0)}${unit}`;
console.log(
  `router overhead, ${perRound * rounds} sequential + ${perRound * rounds} at ${concurrency} concurrent calls per contender in ${rounds} interleaved rounds, Node ${process.version}, load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}, ${spansSeen} spans exported`,
);
console.log(
  "| contender | p50 latency (µs) | p50 vs direct | p99 latency (µs) | throughput (calls/s) | vs direct | CPU per call (µs) | CPU vs direct |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const name of Object.keys(contenders)) {
  const p50 = median(latency[name]);
  const calls = median(rate[name]);
  const cpuUs = median(cpu[name]);
  console.log(
    `| ${name} | ${p50.toFixed(0)} | ${signed(p50 - median(latency[base]), " µs")} | ${percentile(latency[name], 0.99).toFixed(0)} | ${calls.toFixed(0)} | ${((calls / median(rate[base])) * 100).toFixed(1)}% | ${cpuUs.toFixed(0)} | ${signed(cpuUs - median(cpu[base]), " µs")} |`,
  );
}
await router.close();
await baselineRouter?.close();
await limitedRouter?.close();
await tracerProvider.shutdown();
server.close();
