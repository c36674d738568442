#!/usr/bin/env node
// End to end through the router: policy -> local target -> streamed answer, 64 concurrent
// router.stream() calls, against the same 64 prompts sent straight to a LocalEngine with the same
// settings (the engine's own figure). Both: chat-templated prompts tokenized exactly as the local
// target does it, 128 greedy tokens each, aggregate tok/s over the whole run (prefill included),
// median of --repeat runs after a warm-up.
// usage: SWITCHYARD_LLAMA_LIBRARY_DIR=<build> node bench/gpu/router-bench.mjs --model F16.gguf --label f16
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchArgs, chatMessage, median, now, result, round } from "./bench-util.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { createRouter } = await import(resolve(root, "dist/index.js"));
const { LocalEngine } = await import(resolve(root, "dist/local-engine/index.js"));
const { chatPromptTokens } = await import(resolve(root, "dist/providers/local/chat-prompt-tokens.js"));
const args = benchArgs({
  gpu: { type: "string", default: "cuda" },
  calls: { type: "string", default: "64" },
});
const calls = Number(args.calls);
// Room for the ~130-token chat prompt and --tokens, and what a full slot needs.
const settings = { gpu: args.gpu, slots: calls, contextPerSlot: Math.max(512, 256 + args.tokens) };

/** runOnce plus how busy the JavaScript thread was (event-loop utilization), per generated token. */
async function measured(runOnce, run) {
  const before = performance.eventLoopUtilization();
  const sample = await runOnce(run);
  const elu = performance.eventLoopUtilization(before);
  return {
    ...sample,
    jsBusyPct: round(elu.utilization * 100),
    jsUsPerToken: round((elu.active * 1000) / sample.tokens, 2),
  };
}

async function timed(runOnce) {
  await runOnce(0); // warm-up
  const samples = [];
  for (let r = 1; r <= args.repeat; r++) samples.push(await measured(runOnce, r));
  const tokPerS = median(samples.map((s) => s.tokPerS));
  return {
    ...(samples.find((s) => s.tokPerS === tokPerS) ?? samples[0]),
    samples: samples.map((s) => round(s.tokPerS)),
  };
}

// 1. The engine alone.
const engine = await LocalEngine.load({ modelPath: args.model, ...settings });
let promptTokens = 0;
const direct = await timed(async (run) => {
  const started = now();
  const firsts = [];
  const done = await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      const prompt = chatPromptTokens(engine, chatMessage(run, i));
      promptTokens = prompt.length;
      const generation = engine.generate({ prompt, maxTokens: args.tokens, temperature: 0 });
      for await (const event of generation) {
        if (firsts[i] === undefined && event.tokens.length > 0) firsts[i] = now() - started;
      }
      return generation.done;
    }),
  );
  const tokens = done.reduce((sum, c) => sum + c.completionTokens, 0);
  return { tokPerS: (tokens / (now() - started)) * 1000, tokens, ttftMs: median(firsts) };
});
await engine.close();
result({
  what: "router-e2e",
  model: args.label,
  path: "engine",
  calls,
  genTokens: args.tokens,
  promptTokens,
  ...direct,
});

// 2. The same prompts through a router whose one route is the local target.
const router = await createRouter({
  policy: {
    providers: { local: { type: "local", model: args.model, ...settings, queueLimit: calls } },
    targets: { gpu: { provider: "local", model: args.label, maxAttempts: 1 } },
    // Deadlines far beyond the run: a benchmark measures, it does not fail over.
    routes: {
      default: { targets: ["gpu"], timeoutMs: 600_000, firstTokenTimeoutMs: 600_000, idleTimeoutMs: 600_000 },
    },
  },
});
try {
  const routed = await timed(async (run) => {
    const started = now();
    const firsts = [];
    const usage = await Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        const stream = router.stream({
          messages: chatMessage(run, i),
          maxTokens: args.tokens,
          temperature: 0,
        });
        for await (const part of stream) {
          if (part.type === "error") throw part.error;
          if (firsts[i] === undefined && part.type === "text-delta") firsts[i] = now() - started;
        }
        const final = await stream.result;
        if (final.route.target !== "gpu") throw new Error(`routed to ${final.route.target}`);
        return final.usage.outputTokens;
      }),
    );
    const tokens = usage.reduce((sum, n) => sum + n, 0);
    return {
      tokPerS: (tokens / (now() - started)) * 1000,
      tokens,
      ttftMs: median(firsts.filter(Number.isFinite)),
    };
  });
  result({
    what: "router-e2e",
    model: args.label,
    path: "router",
    calls,
    genTokens: args.tokens,
    promptTokens,
    ...routed,
  });
  result({
    what: "router-vs-engine",
    model: args.label,
    calls,
    genTokens: args.tokens,
    engineTokPerS: round(direct.tokPerS),
    routerTokPerS: round(routed.tokPerS),
    ratioPct: round((routed.tokPerS / direct.tokPerS) * 100, 1),
  });
} finally {
  await router.close();
}
console.log("ROUTER BENCH DONE");
