#!/usr/bin/env node
// Time to first token on a GPU, in one 64-slot engine (2,048 tokens per slot, --prefill-chunk 256):
//   - a 512-token prompt alone, and while 63 other requests decode (their rate meanwhile, too);
//   - a 1,000-token shared system prompt plus a 24-token question: cold (no slot holds it) vs warm
//     (a slot holds it from the previous request, so only the question is prefilled).
// Each figure is the median of 5 after a warm-up; ttftMs is the engine's own (submission to first
// token), jsMs what the caller sees (generate() to the first event).
// usage: SWITCHYARD_LLAMA_LIBRARY_DIR=<build> node bench/gpu/latency-bench.mjs --model F16.gguf --label f16
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchArgs, distinctPrompt, median, now, result, round } from "./bench-util.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { LocalEngine } = await import(resolve(root, "dist/local-engine/index.js"));
const args = benchArgs({
  gpu: { type: "string", default: "cuda" },
  slots: { type: "string", default: "64" },
  "prefill-chunk": { type: "string", default: "256" },
});
const REPS = 5;
const slots = Number(args.slots);
const prefillChunk = Number(args["prefill-chunk"]);
const engine = await LocalEngine.load({
  modelPath: args.model,
  gpu: args.gpu,
  slots,
  contextPerSlot: 2048,
  prefillChunk,
});
const { bosToken: bos, vocabSize: vocab } = engine.info;
let runId = 1_000;

/** One request to its first token; then it is left to finish (maxTokens 1). */
async function firstToken(prompt) {
  const started = now();
  const generation = engine.generate({ prompt, maxTokens: 1, temperature: 0 });
  let jsMs = Number.NaN;
  for await (const event of generation) {
    if (Number.isNaN(jsMs) && event.tokens.length > 0) jsMs = now() - started;
  }
  const done = await generation.done;
  return { ttftMs: done.timings.ttftMs, jsMs, cached: done.cachedPromptTokens, prompt: done.promptTokens };
}

async function series(what, makePrompt, extra = {}) {
  await firstToken(makePrompt(-1)); // warm-up
  const samples = [];
  for (let rep = 0; rep < REPS; rep++) samples.push(await firstToken(makePrompt(rep)));
  result({
    what,
    model: args.label,
    ttftMs: round(median(samples.map((s) => s.ttftMs)), 2),
    jsMs: round(median(samples.map((s) => s.jsMs)), 2),
    cachedPromptTokens: median(samples.map((s) => s.cached)),
    promptTokens: samples[0]?.prompt,
    samples: samples.map((s) => round(s.ttftMs, 2)),
    prefillChunk,
    ...extra,
  });
}

const fresh = (length) => () => distinctPrompt(bos, vocab, ++runId, 0, length);

try {
  await series("ttft-alone", fresh(512));

  // 63 requests decoding for the whole measurement, then aborted.
  const others = slots - 1;
  const stop = new AbortController();
  let tokens = 0;
  let started = 0;
  const running = Array.from({ length: others }, async (_, i) => {
    const generation = engine.generate({
      prompt: distinctPrompt(bos, vocab, 5_000, i, 128),
      maxTokens: 1_800,
      temperature: 0,
      signal: stop.signal,
    });
    let first = true;
    for await (const event of generation) {
      if (first) started++;
      first = false;
      tokens += event.tokens.length;
    }
    return generation.done;
  });
  while (started < others) await new Promise((resolveWait) => setTimeout(resolveWait, 5));
  await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  const tokensBefore = tokens;
  const t0 = now();
  await series("ttft-under-load", fresh(512), { othersDecoding: others });
  const othersTokPerS = ((tokens - tokensBefore) / (now() - t0)) * 1000;
  stop.abort();
  const finished = await Promise.all(running);
  result({
    what: "others-during-ttft",
    model: args.label,
    prefillChunk,
    others,
    othersTokPerS: round(othersTokPerS),
    stillDecodingAtEnd: finished.filter((c) => c.finishReason === "abort").length,
  });

  // Shared system prompt: cold = a system prompt no slot holds; warm = the same one as last time.
  const system = distinctPrompt(bos, vocab, 9_000, 0, 1_000);
  const question = (rep) => distinctPrompt(bos, vocab, 9_100, rep + 1, 25).slice(1);
  await series("prefix-cold", (rep) => [...distinctPrompt(bos, vocab, ++runId, 0, 1_000), ...question(rep)]);
  await series("prefix-warm", (rep) => [...system, ...question(rep)]);
} finally {
  await engine.close();
}
console.log("LATENCY BENCH DONE");
