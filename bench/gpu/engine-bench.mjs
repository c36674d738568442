#!/usr/bin/env node
// Switchyard's engine on a GPU, in llama-batched-bench's shape: n concurrent requests, each a distinct
// 128-token prompt and 128 greedy tokens; the figure is the aggregate decode rate while all n decode
// (bench-util.mjs steadyWindow), median of --repeat runs after one warm-up run per n. Also the cost of
// top-5 log-probs, and with --ab the variants that decided the defaults (sampling threads, llama.cpp
// threads, unified KV, a 1-slot engine).
//
// usage (after npm run build and node scripts/build-native.mjs):
//   SWITCHYARD_LLAMA_LIBRARY_DIR=<CUDA build> node bench/gpu/engine-bench.mjs --model F16.gguf --label f16 [--ab]
//     [--ab-only] [--gpu cuda] [--concurrency 1,4,16,64] [--logprobs-at 1,16] [--prompt 128] [--tokens 128] [--repeat 3]
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  benchArgs,
  distinctPrompt,
  gpuProcesses,
  gpuState,
  median,
  now,
  result,
  round,
  steadyWindow,
} from "./bench-util.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { LocalEngine } = await import(resolve(root, "dist/local-engine/index.js"));
const args = benchArgs({
  gpu: { type: "string", default: "cuda" },
  ab: { type: "boolean", default: false },
  "ab-only": { type: "boolean", default: false },
  variants: { type: "string" },
  "logprobs-at": { type: "string", default: "1,16" },
});
const slots = Math.max(...args.concurrency);
// A warm-up (16 tokens) slower than this marks a variant not worth timing (e.g. spinning CPU threads).
const MAX_WARM_UP_MS = Number(process.env.MAX_WARM_UP_MS ?? 15_000);
let runId = 0;

async function load(options = {}) {
  const started = now();
  const engine = await LocalEngine.load({
    modelPath: args.model,
    gpu: args.gpu,
    slots,
    contextPerSlot: args.prompt + args.tokens + 64, // a slot ends one token short of full
    ...options,
  });
  return { engine, loadMs: now() - started };
}

/** n requests at once; every event's arrival time, per request. */
async function decodeRun(engine, n, { logprobs, tokens = args.tokens } = {}) {
  runId++;
  const { bosToken: bos, vocabSize: vocab } = engine.info;
  const streams = Array.from({ length: n }, () => []);
  const before = engine.metrics();
  const started = now();
  const completions = await Promise.all(
    streams.map(async (stream, i) => {
      const generation = engine.generate({
        prompt: distinctPrompt(bos, vocab, runId, i, args.prompt),
        maxTokens: tokens,
        temperature: 0,
        ...(logprobs === undefined ? {} : { logprobs }),
      });
      for await (const event of generation) {
        if (event.tokens.length > 0) stream.push({ t: now(), n: event.tokens.length });
      }
      return generation.done;
    }),
  );
  const wallMs = now() - started;
  const after = engine.metrics();
  const completionTokens = completions.reduce((sum, c) => sum + c.completionTokens, 0);
  const steps = after.steps - before.steps;
  // Per decode-only step (prefill steps are left out), from the engine's own phase counters.
  const decodeSteps = after.decodeOnlySteps - before.decodeOnlySteps;
  const phaseUsPerStep = Object.fromEntries(
    Object.entries(after.stepPhaseMicros).map(([phase, micros]) => [
      phase,
      round((micros - before.stepPhaseMicros[phase]) / decodeSteps, 1),
    ]),
  );
  return {
    ...steadyWindow(streams, tokens),
    wallTokPerS: (completionTokens / wallMs) * 1000,
    wallMs,
    completionTokens,
    steps,
    decodeSteps,
    phaseUsPerStep,
    gapFillers: after.gapFillerTokens - before.gapFillerTokens,
  };
}

async function decodeSeries(engine, variant, concurrency, logprobs) {
  const rows = {};
  for (const n of concurrency.filter((n) => n <= engine.info.slots)) {
    // Warm-up (CUDA graphs, cuBLAS, allocations), and a guard: a variant this slow is not worth timing.
    const warm = await decodeRun(engine, n, { logprobs, tokens: 16 });
    if (warm.wallMs > MAX_WARM_UP_MS) {
      result({ what: "decode-skipped", model: args.label, variant, n, warmUpMs: round(warm.wallMs) });
      continue;
    }
    const samples = [];
    for (let r = 0; r < args.repeat; r++) samples.push(await decodeRun(engine, n, { logprobs }));
    const best = median(samples.map((s) => s.tokPerS));
    const chosen = samples.find((s) => s.tokPerS === best) ?? samples[0];
    rows[n] = best;
    result({
      what: "decode",
      engine: "switchyard",
      model: args.label,
      variant,
      n,
      logprobs: logprobs ?? null,
      tokPerS: round(best),
      msPerStep: round(chosen.msPerStep, 3),
      wallTokPerS: round(chosen.wallTokPerS),
      endedEarly: chosen.endedEarly,
      steps: chosen.steps,
      decodeSteps: chosen.decodeSteps,
      phaseUsPerStep: chosen.phaseUsPerStep,
      gapFillers: chosen.gapFillers,
      samples: samples.map((s) => round(s.tokPerS)),
      promptTokens: args.prompt,
      genTokens: args.tokens,
    });
  }
  return rows;
}

function describe(engine, loadMs, variant) {
  const { info } = engine;
  result({
    what: "load",
    engine: "switchyard",
    model: args.label,
    variant,
    backend: info.backend,
    device: info.device,
    libraryPath: info.libraryPath,
    modelBytes: info.modelBytes,
    slots: info.slots,
    contextPerSlot: info.contextPerSlot,
    batchSize: info.batchSize,
    threads: info.threads,
    samplingThreads: info.samplingThreads,
    kvUnified: info.kvUnified,
    loadMs: round(loadMs),
    gpuProcesses: gpuProcesses(),
    gpu: gpuState(),
    pid: process.pid,
  });
}

async function variant(name, options, concurrency) {
  const { engine, loadMs } = await load(options);
  describe(engine, loadMs, name);
  try {
    return await decodeSeries(engine, name, concurrency);
  } finally {
    await engine.close();
  }
}

async function main() {
  const { engine, loadMs } = await load();
  describe(engine, loadMs, "default");
  if (engine.info.backend !== args.gpu && args.gpu !== "auto") {
    throw new Error(`asked for ${args.gpu} but the engine runs on ${engine.info.backend}`);
  }
  try {
    const plain = await decodeSeries(engine, "default", args.concurrency);
    const logprobsAt = args["logprobs-at"].split(",").map(Number);
    const withTop5 = await decodeSeries(engine, "top5-logprobs", logprobsAt, 5);
    for (const n of logprobsAt) {
      result({
        what: "logprobs-cost",
        model: args.label,
        n,
        plainTokPerS: round(plain[n]),
        top5TokPerS: round(withTop5[n]),
        costPct: round((1 - withTop5[n] / plain[n]) * 100, 2),
      });
    }
  } finally {
    await engine.close();
  }
}

if (!args["ab-only"]) await main();
// The A/B variants: [options, concurrency levels]; --variants picks some by name.
const VARIANTS = {
  // The defaults again: repeated in one --variants list, they show how much the order and the
  // machine's drift move a figure (e.g. "default,samplingThreads=1,default,samplingThreads=1").
  default: [{}, [16, 64]],
  "samplingThreads=1": [{ samplingThreads: 1 }, [16, 64]],
  // Rows a sampling thread takes before another is woken (default 8 rows of a 32k vocabulary).
  "rowsPerThread=16": [{ logitsPerSamplingThread: 16 * 32768 }, [16, 64]],
  "rowsPerThread=4": [{ logitsPerSamplingThread: 4 * 32768 }, [16, 64]],
  "samplingThreads=12": [{ samplingThreads: 12 }, [16, 64]],
  kvUnified: [{ kvUnified: true }, [16, 64]],
  "slots=1": [{ slots: 1 }, [1]],
  "threads=8": [{ threads: 8 }, [1, 64]],
};
if (args.ab || args["ab-only"]) {
  const names = args.variants === undefined ? Object.keys(VARIANTS) : args.variants.split(",");
  for (const name of names) {
    const chosen = VARIANTS[name];
    if (chosen === undefined)
      throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(", ")}`);
    await variant(name, ...chosen);
  }
}
console.log("ENGINE BENCH DONE");
