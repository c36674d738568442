// What OpenTelemetry costs per routed call: one router against a loopback mock OpenAI server,
// measured in interleaved rounds with the OpenTelemetry SDK registered (tracer provider with a
// BatchSpanProcessor to an in-memory exporter, meter provider, AsyncLocalStorage context manager)
// and with nothing registered (the API's no-op globals), plus a router built with telemetry off as
// the floor. Same process, same server, same calls: machine noise hits every mode alike.
// Usage: npm run bench:telemetry [-- --calls 3000 --concurrency 64 --rounds 10]
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { createRouter } from "../dist/index.js";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "10" },
  },
});
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_764_000_000,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content: "pong" }, finish_reason: "stop" }],
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
const policy = {
  providers: { openai: { type: "openai", apiKey: "bench-not-a-key-0000", baseURL } },
  targets: { mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } } },
  routes: { default: { targets: ["mini"] } },
};

// The SDK as an application sets it up; spans are exported in batches to memory and dropped.
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
class IdleReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
const contextManager = new AsyncLocalStorageContextManager();
let spansSeen = 0;
/** `on`: the SDK's providers; `propagate`: with the context manager, whose async hooks cost every promise of the process. */
const registered = (on, propagate = on) => {
  trace.disable();
  metrics.disable();
  context.disable();
  if (!on) return;
  if (propagate) context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
};

// One router for both modes: it looks up the registered providers per call.
const router = await createRouter({ policy });
const floor = await createRouter({ policy, telemetry: { tracing: false, metrics: false } });
const messages = [{ role: "user", content: "ping" }];
const modes = {
  "telemetry off": { on: false, call: () => floor.chat({ messages, maxTokens: 16 }) },
  "nothing registered": { on: false, call: () => router.chat({ messages, maxTokens: 16 }) },
  "SDK registered, no context manager": {
    on: true,
    propagate: false,
    call: () => router.chat({ messages, maxTokens: 16 }),
  },
  "SDK registered": { on: true, call: () => router.chat({ messages, maxTokens: 16 }) },
};

async function sequential(fn, count) {
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const started = process.hrtime.bigint();
    await fn();
    samples[index] = Number(process.hrtime.bigint() - started) / 1000;
  }
  return samples;
}
/** Calls per second at `concurrency`, and the process's CPU time per call (µs): on a loaded machine the latter moves far less. */
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
const drain = async () => {
  await tracerProvider.forceFlush();
  spansSeen += exporter.getFinishedSpans().length;
  exporter.reset();
};

for (const { on, propagate, call } of Object.values(modes)) {
  registered(on, propagate);
  for (let warm = 0; warm < 300; warm++) await call();
}
await drain();
spansSeen = 0;
const rounds = Number(values.rounds);
const perRound = Math.ceil(calls / rounds);
const latency = Object.fromEntries(Object.keys(modes).map((name) => [name, []]));
const rate = Object.fromEntries(Object.keys(modes).map((name) => [name, []]));
const cpu = Object.fromEntries(Object.keys(modes).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, { on, propagate, call }] of Object.entries(modes)) {
    registered(on, propagate);
    latency[name].push(...(await sequential(call, perRound)));
    const measured = await throughput(call, perRound);
    rate[name].push(measured.rate);
    cpu[name].push(measured.cpuUs);
    await drain();
  }
}
registered(false);

const sorted = (list) => Float64Array.from(list).sort();
const percentile = (list, p) => {
  const values = sorted(list);
  return values[Math.min(values.length - 1, Math.floor(values.length * p))];
};
const median = (list) => percentile(list, 0.5);
const base = "nothing registered";
console.log(
  `telemetry overhead, ${calls} sequential + ${calls} concurrent calls per mode, Node ${process.version}, ${spansSeen} of ${rounds * perRound * 8} spans exported`,
);
console.log(
  `| mode | p50 latency (µs) | p99 latency (µs) | throughput at ${concurrency} concurrent (calls/s) | CPU per call (µs) | CPU per call vs ${base} |`,
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const name of Object.keys(modes)) {
  const cpuUs = median(cpu[name]);
  const baseUs = median(cpu[base]);
  const change = `${cpuUs - baseUs >= 0 ? "+" : ""}${(cpuUs - baseUs).toFixed(1)} µs`;
  console.log(
    `| ${name} | ${median(latency[name]).toFixed(0)} | ${percentile(latency[name], 0.99).toFixed(0)} | ${median(rate[name]).toFixed(0)} | ${cpuUs.toFixed(0)} | ${(cpuUs / baseUs).toFixed(2)}× (${change}) |`,
  );
}
await router.close();
await floor.close();
await tracerProvider.shutdown();
await meterProvider.shutdown();
server.close();
