// The issue 11 load scenario, heavier than its test (test/faults/local-engine-load.test.ts): rounds
// of 64 streams (a quarter aborted after their first text, a quarter never read, the rest read to
// the end) plus 16 chats whose deadline passes while they wait, through the router on one local
// target. Prints each round's time and outcomes; exits non-zero when a call settles later than its
// deadline plus --margin, ends in an untyped error, or finds the target's breaker open.
// `--threads 1,2` runs one router per thread count, round for round in turn (A, B, A, B) so the
// machine's drift cancels, and prints each one's median round time as a ratio to the first.
// Usage: npm run build && node bench/local-engine-load.mjs [--rounds 20] [--max-tokens 1024]
//          [--threads N[,M…]] [--first-token-ms 30000] [--chat-ms 300] [--margin 5000] [--model PATH]
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createRouter, InMemoryStateStore, QueueFullError, SwitchyardError } from "../dist/index.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "20" },
    "max-tokens": { type: "string", default: "1024" },
    threads: { type: "string" },
    "first-token-ms": { type: "string", default: "30000" },
    "chat-ms": { type: "string", default: "300" },
    margin: { type: "string", default: "5000" },
    model: { type: "string", default: "models/tiny-llama.gguf" },
  },
});
const maxTokens = Number(values["max-tokens"]);
const chatMs = Number(values["chat-ms"]);
const margin = Number(values.margin);
const streamMs = 120_000;
/** One router (and its own engine and state) per `--threads` value; the default threads when none. */
async function startConfig(threads) {
  const store = new InMemoryStateStore();
  const router = await createRouter({
    policy: {
      providers: {
        local: { type: "local", model: resolve(values.model), ...(threads ? { threads } : {}) },
      },
      targets: { tiny: { provider: "local", model: "tiny-llama" } },
      routes: { default: { targets: ["tiny"], firstTokenTimeoutMs: Number(values["first-token-ms"]) } },
    },
    state: store,
  });
  return { label: threads ? `${threads} threads` : "default threads", router, store, roundsMs: [] };
}
const configs = [];
for (const threads of values.threads ? values.threads.split(",").map(Number) : [undefined]) {
  configs.push(await startConfig(threads));
}

let failures = 0;
const messages = (i) => [{ role: "user", content: `Tell story number ${i}` }];
async function settle(kind, boundMs, call) {
  const started = performance.now();
  let error;
  try {
    await call;
  } catch (caught) {
    error = caught;
  }
  const ms = performance.now() - started;
  const name =
    error === undefined
      ? "ok"
      : QueueFullError.isInstance(error)
        ? `QueueFullError(${error.waitedMs === undefined ? "full" : "waited"})`
        : error.constructor.name;
  // Skipping a busy target whose queue would outlast the deadline is fine; a broken one is not.
  const broken =
    name === "NoEligibleTargetError" && error.rejected.some((rejection) => rejection.policy === "health");
  if (ms > boundMs + margin || (error !== undefined && !SwitchyardError.isInstance(error)) || broken) {
    failures++;
    console.error(`  ${kind} settled after ${Math.round(ms)} ms with ${name}: ${error?.message ?? ""}`);
  }
  return `${kind} ${name}`;
}

async function runRound(round, { label, router, store, roundsMs }) {
  const started = performance.now();
  const calls = [];
  for (let i = 0; i < 64; i++) {
    const controller = new AbortController();
    const stream = router.stream({
      messages: messages(i),
      maxTokens,
      timeoutMs: streamMs,
      signal: controller.signal,
    });
    if (i % 4 === 0) {
      const read = async () => {
        for await (const part of stream) if (part.type === "text-delta") controller.abort();
        await stream.result;
      };
      calls.push(settle("aborted", streamMs, read()));
    } else if (i % 4 === 1) {
      calls.push(settle("abandoned", streamMs, stream.result));
    } else {
      const read = async () => {
        for await (const _part of stream);
        await stream.result;
      };
      calls.push(settle("read", streamMs, read()));
    }
    if (i % 4 === 3)
      calls.push(settle("chat", chatMs, router.chat({ messages: messages(100 + i), timeoutMs: chatMs })));
  }
  const counts = {};
  for (const outcome of await Promise.all(calls)) counts[outcome] = (counts[outcome] ?? 0) + 1;
  const ms = performance.now() - started;
  roundsMs.push(ms);
  const { busySlots, queueDepth } = router.metrics().local ?? {};
  const breaker = (await store.snapshot(["tiny"], [])).health.get("tiny")?.breaker ?? "closed";
  if (breaker === "open") failures++;
  console.log(
    `round ${round} (${label}): ${Math.round(ms)} ms, breaker ${breaker}, busy ${busySlots}, queued ${queueDepth}`,
    JSON.stringify(counts),
  );
}

for (let round = 0; round < Number(values.rounds); round++) {
  for (const config of configs) await runRound(round, config);
}
const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
const baseMs = median(configs[0].roundsMs);
for (const { label, roundsMs } of configs) {
  const ms = median(roundsMs);
  console.log(
    `${label}: median round ${Math.round(ms)} ms, ${(ms / baseMs).toFixed(2)}× ${configs[0].label}`,
  );
}
for (const { router } of configs) await router.close();
if (failures > 0) {
  console.error(`${failures} calls broke the contract`);
  process.exit(1);
}
