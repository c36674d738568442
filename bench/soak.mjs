// Soak: 50,000 streaming calls with random faults and caller aborts through the router against a
// real loopback HTTP server (OpenAI- and Anthropic-shaped SSE), with bounded concurrency. Checks
// that the heap stays flat (after forced GC) and that no listener piles up on a long-lived caller
// signal; exits non-zero when either fails.
// Usage: npm run soak [-- --calls 50000 --concurrency 48 --seed 7]   (runs node --expose-gc)
import { getEventListeners, setMaxListeners } from "node:events";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/** Deterministic PRNG (mulberry32): the same seed replays the same faults and aborts. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The upstream: one loopback server in a worker thread (the second core), speaking both wires.
// ---------------------------------------------------------------------------------------------

/** Per request, cumulative: ok 78%, then each fault's share. */
const faultTable = [
  ["ok", 0.78],
  ["server-error", 0.82],
  ["rate-limit", 0.86],
  ["overloaded", 0.89],
  ["error-after-tokens", 0.93],
  ["truncated", 0.96],
  ["reset", 0.98],
  ["stall", 0.99],
  ["slow-first-token", 1],
];

function runServer(seed) {
  const next = random(seed);
  const pick = () => {
    const roll = next();
    return faultTable.find(([, upTo]) => roll < upTo)[0];
  };
  const openaiChunk = (delta, finish = null) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-soak",
      object: "chat.completion.chunk",
      created: 1_764_000_000,
      model: "gpt-4o-mini",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      usage: null,
    })}\n\n`;
  const openai = {
    start: [openaiChunk({ role: "assistant", content: "" })],
    token: (text) => openaiChunk({ content: text }),
    end: (tokens) => [
      openaiChunk({}, "stop"),
      `data: ${JSON.stringify({ id: "chatcmpl-soak", object: "chat.completion.chunk", created: 1_764_000_000, model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 9, completion_tokens: tokens, total_tokens: 9 + tokens } })}\n\n`,
      "data: [DONE]\n\n",
    ],
    keepAlive: ": keep-alive\n\n",
    errorEvent: `data: ${JSON.stringify({ error: { message: "The server had an error", type: "server_error", param: null, code: null } })}\n\n`,
    errorBody: (message, type) => JSON.stringify({ error: { message, type, param: null, code: null } }),
    json: (text, tokens) =>
      JSON.stringify({
        id: "chatcmpl-soak",
        object: "chat.completion",
        created: 1_764_000_000,
        model: "gpt-4o-mini",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: text, refusal: null },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 9, completion_tokens: tokens, total_tokens: 9 + tokens },
      }),
  };
  const event = (name, data) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  const anthropic = {
    start: [
      event("message_start", {
        message: {
          id: "msg_soak",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-6",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 9, output_tokens: 1 },
        },
      }),
      event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    ],
    token: (text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }),
    end: (tokens) => [
      event("content_block_stop", { index: 0 }),
      event("message_delta", {
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: tokens },
      }),
      event("message_stop", {}),
    ],
    keepAlive: event("ping", {}),
    errorEvent: event("error", { error: { type: "overloaded_error", message: "Overloaded" } }),
    errorBody: (message, type) => JSON.stringify({ type: "error", error: { type, message } }),
    json: (text, tokens) =>
      JSON.stringify({
        id: "msg_soak",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-6",
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 9, output_tokens: tokens },
      }),
  };

  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const wire = request.url.endsWith("/v1/messages") ? anthropic : openai;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const tokens = ["Hel", "lo", ", ", "wor", "ld", "!"].slice(0, 2 + Math.floor(next() * 5));
      const fault = pick();
      const timers = [];
      response.on("close", () => {
        for (const timer of timers) clearTimeout(timer);
      });
      const later = (ms, action) => timers.push(setTimeout(action, ms));
      const fail = (status, type, headers = {}) => {
        response.writeHead(status, { "content-type": "application/json", ...headers });
        response.end(wire.errorBody("soak fault", type));
      };
      if (fault === "server-error") return fail(500, "api_error");
      if (fault === "rate-limit") return fail(429, "rate_limit_error", { "retry-after-ms": "20" });
      if (fault === "overloaded") return fail(wire === anthropic ? 529 : 503, "overloaded_error");
      if (!body.stream) {
        if (fault === "reset") return response.socket.destroy();
        const send = () => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(wire.json(tokens.join(""), tokens.length));
        };
        return fault === "slow-first-token" || fault === "stall" ? later(1500, send) : send();
      }
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const stream = () => {
        response.write(wire.start.join("") + wire.token(tokens[0]));
        if (fault === "reset") return later(2, () => response.socket.destroy());
        if (fault === "stall") {
          for (let ms = 200; ms <= 1600; ms += 200) later(ms, () => response.write(wire.keepAlive));
          return;
        }
        if (fault === "error-after-tokens") return response.end(wire.errorEvent);
        for (const token of tokens.slice(1)) response.write(wire.token(token));
        if (fault === "truncated") return response.end();
        response.end(wire.end(tokens.length).join(""));
      };
      return fault === "slow-first-token" ? later(1500, stream) : stream();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
}

if (!isMainThread) {
  runServer(workerData.seed);
} else {
  await soak();
}

// ---------------------------------------------------------------------------------------------
// The client: the router over both upstreams, calls in phases, heap and listener checks.
// ---------------------------------------------------------------------------------------------

async function soak() {
  const { values } = parseArgs({
    options: {
      calls: { type: "string", default: "50000" },
      concurrency: { type: "string", default: "48" },
      seed: { type: "string", default: "7" },
    },
  });
  const calls = Number(values.calls);
  const concurrency = Number(values.concurrency);
  const seed = Number(values.seed);
  if (typeof globalThis.gc !== "function") {
    console.error("soak: run node with --expose-gc (npm run soak does)");
    process.exit(2);
  }
  const { createRouter, SwitchyardError } = await import("../dist/index.js");

  const worker = new Worker(new URL(import.meta.url), { workerData: { seed: seed + 1 } });
  const port = await new Promise((resolve, reject) => {
    worker.once("message", (message) => resolve(message.port));
    worker.once("error", reject);
  });
  const origin = `http://127.0.0.1:${port}`;
  const router = await createRouter({
    policy: {
      providers: {
        openai: { type: "openai", apiKey: "sk-soak-openai-0000000000000000", baseURL: `${origin}/v1` },
        anthropic: { type: "anthropic", apiKey: "sk-ant-soak-0000000000000000", baseURL: origin },
      },
      targets: {
        gpt: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } },
        claude: { provider: "anthropic", model: "claude-sonnet-4-6", price: { input: 3, output: 15 } },
      },
      routes: {
        default: {
          strategy: "weighted",
          targets: ["gpt", "claude"],
          // Generous against a loopback server, so a busy event loop is not mistaken for an outage.
          firstTokenTimeoutMs: 1000,
          idleTimeoutMs: 800,
          timeoutMs: 10_000,
        },
      },
    },
    random: random(seed + 2),
  });

  const next = random(seed);
  const longLived = new AbortController().signal;
  // Many calls share this signal at once by design; Node's leak warning would fire at 11.
  setMaxListeners(concurrency * 2, longLived);
  const outcomes = new Map();
  let unexpected = 0;
  let maxListeners = 0;
  let completed = 0;
  const messages = [{ role: "user", content: "Say hello to the soak test." }];

  /** One call: mostly streams read to the end; some chats, some readers that stop, some aborts. */
  async function oneCall() {
    const roll = next();
    const abortAfterMs = roll < 0.04 ? Math.floor(next() * 20) : undefined;
    const controller = abortAfterMs === undefined ? undefined : new AbortController();
    const signal = controller?.signal ?? longLived;
    const timer = controller
      ? setTimeout(() => controller.abort(new Error("caller gave up")), abortAfterMs)
      : undefined;
    let kind;
    try {
      if (roll > 0.9) {
        await router.chat({ messages, maxTokens: 16, signal });
      } else {
        const stream = router.stream({ messages, maxTokens: 16, signal });
        const stopEarly = roll > 0.86;
        for await (const part of stream) {
          if (stopEarly && part.type === "text-delta") break;
        }
        await stream.result;
      }
      kind = "answered";
    } catch (error) {
      if (SwitchyardError.isInstance(error)) kind = error.name;
      else {
        kind = `unexpected ${error?.name}`;
        unexpected++;
        if (unexpected <= 3) console.error("soak: unexpected error", error);
      }
    } finally {
      clearTimeout(timer);
    }
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    completed++;
    if (completed % 500 === 0)
      maxListeners = Math.max(maxListeners, getEventListeners(longLived, "abort").length);
  }

  async function phase(count) {
    let started = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (started < count) {
          started++;
          await oneCall();
        }
      }),
    );
  }

  async function heapAfterGc() {
    for (let round = 0; round < 3; round++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  }

  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
  const began = performance.now();
  const start = await heapAfterGc();
  const warmUp = Math.min(5000, Math.floor(calls / 10));
  await phase(warmUp);
  const baseline = await heapAfterGc();
  // Nine more checkpoints after the warm-up: a leak shows as a trend, not one noisy reading.
  const checkpoints = [];
  let done = warmUp;
  for (let step = 1; step <= 9; step++) {
    const upTo = warmUp + Math.round(((calls - warmUp) * step) / 9);
    await phase(upTo - done);
    done = upTo;
    checkpoints.push({ calls: done, heap: await heapAfterGc() });
  }
  const middle = checkpoints[4].heap;
  const middleCalls = checkpoints[4].calls;
  const end = checkpoints[8].heap;
  const seconds = (performance.now() - began) / 1000;
  const listenersLeft = getEventListeners(longLived, "abort").length;

  await router.close();
  await worker.terminate();

  const growth = (end - baseline) / baseline;
  const middleGrowth = (middle - baseline) / baseline;
  const peakGrowth = (Math.max(...checkpoints.map((point) => point.heap)) - baseline) / baseline;
  console.log(
    `soak: ${completed} calls in ${seconds.toFixed(1)} s (${Math.round(completed / seconds)} calls/s), concurrency ${concurrency}, seed ${seed}`,
  );
  console.log(
    `soak: outcomes ${JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])))}`,
  );
  console.log(
    `soak: heap used after GC — start ${mb(start)} MB, after ${warmUp}-call warm-up (baseline) ${mb(baseline)} MB, middle (${middleCalls} calls) ${mb(middle)} MB (${(middleGrowth * 100).toFixed(1)}%), end ${mb(end)} MB (${(growth * 100).toFixed(1)}%)`,
  );
  console.log(
    `soak: heap by calls done — ${checkpoints.map((point) => `${point.calls}: ${mb(point.heap)}`).join(", ")} MB`,
  );
  console.log(
    `soak: long-lived signal — max ${maxListeners} abort listeners during the run (${concurrency} calls in flight), ${listenersLeft} left at the end`,
  );
  const failures = [];
  if (peakGrowth > 0.2) failures.push("heap grew more than 20% over the warm-up baseline");
  if (listenersLeft > 0 || maxListeners > concurrency)
    failures.push("abort listeners leaked on the caller's signal");
  if (unexpected > 0) failures.push(`${unexpected} calls failed with an untyped error`);
  if (completed !== calls) failures.push(`${calls - completed} calls never settled`);
  if (failures.length > 0) {
    console.error(`soak: FAILED — ${failures.join("; ")}`);
    process.exit(1);
  }
  console.log("soak: OK");
}
