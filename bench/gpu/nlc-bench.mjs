#!/usr/bin/env node
// node-llama-cpp on the same workload and metric as engine-bench.mjs: n sequences of one context,
// each a distinct 128-token prompt then 128 greedy tokens (EOS ignored), aggregate decode rate while
// all n decode, median of --repeat after a warm-up. Its library is the CUDA build `node-llama-cpp
// source build --gpu cuda` made (getLlama("lastBuild")), the same libllama/libggml-cuda that
// Switchyard's engine and llama-batched-bench use. Adapted from shared/gpu/bench.mjs.
// usage: node bench/gpu/nlc-bench.mjs --model F16.gguf --label f16 [--build lastBuild|cpu] [--sort-seqs]
//   --sort-seqs: keep node-llama-cpp's decode queue sorted by sequence id (an internal field; the
//   workaround shared/gpu/README.md describes), as a second variant.
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import {
  benchArgs,
  distinctPrompt,
  gpuProcesses,
  median,
  now,
  result,
  round,
  steadyWindow,
} from "./bench-util.mjs";

const args = benchArgs({
  build: { type: "string", default: "lastBuild" },
  "sort-seqs": { type: "boolean", default: false },
});

class SeqSortedQueue extends Array {
  push(...items) {
    for (const item of items) {
      let i = this.length;
      while (i > 0 && this[i - 1].sequenceId > item.sequenceId) i--;
      super.splice(i, 0, item);
    }
    return this.length;
  }
}

const llama =
  args.build === "cpu"
    ? await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.warn })
    : await getLlama("lastBuild", { logLevel: LlamaLogLevel.warn });
const t0 = now();
const model = await llama.loadModel({ modelPath: args.model, gpuLayers: args.build === "cpu" ? 0 : "max" });
result({
  what: "load",
  engine: "node-llama-cpp",
  model: args.label,
  gpu: llama.gpu,
  buildType: llama.buildType,
  gpuLayers: model.gpuLayers,
  loadMs: round(now() - t0),
  gpuProcesses: gpuProcesses(),
});
const vocab = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
let runId = 0;

async function generate(sequence, prompt, tokens, stream) {
  let k = 0;
  for await (const _token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
    stream.push({ t: now(), n: 1 });
    if (++k >= tokens) break;
  }
}

for (const sortSeqs of args["sort-seqs"] ? [false, true] : [false]) {
  for (const n of args.concurrency) {
    const context = await model.createContext({
      sequences: n,
      contextSize: 512,
      batchSize: Math.max(512, n * 9),
    });
    if (sortSeqs) context._queuedDecodes = new SeqSortedQueue();
    const sequences = Array.from({ length: n }, () => context.getSequence());
    const decodeRun = async (tokens) => {
      runId++;
      await Promise.all(sequences.map((s) => s.clearHistory()));
      const streams = sequences.map(() => []);
      await Promise.all(
        sequences.map((s, i) =>
          generate(s, distinctPrompt(model.tokens.bos, vocab, runId, i, args.prompt), tokens, streams[i]),
        ),
      );
      return steadyWindow(streams, tokens);
    };
    await decodeRun(16);
    const samples = [];
    for (let r = 0; r < args.repeat; r++) samples.push(await decodeRun(args.tokens));
    const best = median(samples.map((s) => s.tokPerS));
    const chosen = samples.find((s) => s.tokPerS === best) ?? samples[0];
    result({
      what: "decode",
      engine: "node-llama-cpp",
      model: args.label,
      variant: sortSeqs ? "queue sorted by sequence id" : "default",
      n,
      tokPerS: round(best),
      msPerStep: round(chosen.msPerStep, 3),
      samples: samples.map((s) => round(s.tokPerS)),
      promptTokens: args.prompt,
      genTokens: args.tokens,
    });
    await context.dispose();
  }
}
await model.dispose();
await llama.dispose();
console.log("NLC BENCH DONE");
