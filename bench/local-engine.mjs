// Switchyard's local engine against node-llama-cpp on the same model and the same llama.cpp build
// (node-llama-cpp's prebuilt CPU libraries), in one run: aggregate decode tok/s at 1/2/4/8 concurrent
// requests, TTFT of a 512-token prompt cold and with 500 tokens reused, and the cost of top-5 log-probs.
// Each engine runs in its own child process (both bind the same libllama; separate processes keep them
// from sharing threads or caches). Both get the same thread count, prompts (token ids), greedy decoding.
// Every number is the median of --repeat runs.
// Usage: npm run build && node scripts/build-native.mjs &&
//        node bench/local-engine.mjs [--preset tiny|1b] [--type f32|f16|q8_0] [--model PATH]
//          [--tokens 128] [--concurrency 1,2,4,8] [--threads N] [--repeat 3]
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    preset: { type: "string", default: "tiny" },
    type: { type: "string" },
    model: { type: "string" },
    tokens: { type: "string", default: "128" },
    concurrency: { type: "string", default: "1,2,4,8" },
    threads: { type: "string" },
    repeat: { type: "string", default: "3" },
    child: { type: "string" },
    config: { type: "string" },
  },
});

const PROMPT = 512;
const REUSED = 500;
const now = () => performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function medianOf(repeat, run) {
  const samples = [];
  for (let i = 0; i < repeat; i++) samples.push(await run(i));
  return median(samples);
}
const id = (vocab, x) => 5 + (x % (vocab - 5));
// Distinct 9-token prompts per request, and 512-token prompts whose first 500 tokens are shared.
const shortPrompt = (bos, vocab, i) => [
  bos,
  ...Array.from({ length: 8 }, (_, k) => id(vocab, i * 37 + k * 101)),
];
const longPrompt = (bos, vocab, variant) => [
  bos,
  ...Array.from({ length: PROMPT - 1 }, (_, k) =>
    id(vocab, k < REUSED - 1 ? k * 7919 : k * 31 + variant * 13),
  ),
];
// Shares only BOS with every longPrompt and with every other variant.
const unrelatedPrompt = (bos, vocab, variant) => [
  bos,
  ...Array.from({ length: PROMPT - 1 }, (_, k) => id(vocab, (k + 1) * (variant + 2) * 104_729)),
];

async function switchyardChild(config) {
  const { LocalEngine } = await import(resolve(root, "dist/local-engine/index.js"));
  const results = {};
  const load = (options) =>
    LocalEngine.load({ modelPath: config.model, threads: config.threads, contextPerSlot: 1024, ...options });
  for (const kvUnified of [false, true]) {
    const engine = await load({ slots: Math.max(...config.concurrency), kvUnified });
    const { bosToken: bos, vocabSize: vocab } = engine.info;
    results.threads = engine.info.threads;
    const run = async (n, logprobs) => {
      const started = now();
      const requests = Array.from({ length: n }, (_, i) => {
        const prompt = shortPrompt(bos, vocab, i);
        return engine.generate({ prompt, maxTokens: config.tokens, temperature: 0, logprobs }).done;
      });
      const tokens = (await Promise.all(requests)).reduce((sum, c) => sum + c.completionTokens, 0);
      return (tokens / (now() - started)) * 1000;
    };
    await run(1);
    for (const n of config.concurrency) {
      if (kvUnified && n < 4) continue;
      results[`${kvUnified ? "unified" : "decode"}-${n}`] = await medianOf(config.repeat, () => run(n));
    }
    if (!kvUnified) {
      results.top5 = await medianOf(config.repeat, () => run(1, 5));
      const first = engine.generate({ prompt: shortPrompt(bos, vocab, 0), maxTokens: 16, temperature: 0 });
      results.firstTokens = [];
      for await (const event of first) results.firstTokens.push(...event.tokens.map((t) => t.id));
    }
    await engine.close();
  }
  const engine = await load({ slots: 1 });
  const { bosToken: bos, vocabSize: vocab } = engine.info;
  const ttft = async (prompt) =>
    (await engine.generate({ prompt, maxTokens: 1, temperature: 0 }).done).timings.ttftMs;
  results.ttftCold = await medianOf(config.repeat + 2, (i) => ttft(unrelatedPrompt(bos, vocab, i)));
  results.ttftWarm = await medianOf(config.repeat + 2, async (i) => {
    await ttft(longPrompt(bos, vocab, 2 * i));
    return ttft(longPrompt(bos, vocab, 2 * i + 1));
  });
  await engine.close();
  return results;
}

async function nodeLlamaCppChild(config) {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({
    gpu: false,
    build: "never",
    logLevel: LlamaLogLevel.error,
    maxThreads: config.threads,
  });
  const model = await llama.loadModel({ modelPath: config.model, gpuLayers: 0 });
  const bos = model.tokens.bos;
  const vocab = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
  const threads = { ideal: config.threads, min: config.threads };
  const results = {};
  // Greedy tokens until n or end-of-generation, like a Switchyard request.
  async function generate(sequence, prompt, n, metadata) {
    const options = { temperature: 0, yieldEogToken: true };
    const iterator = metadata
      ? sequence.evaluateWithMetadata(prompt, metadata, options)
      : sequence.evaluate(prompt, options);
    const ids = [];
    for await (const item of iterator) {
      const token = typeof item === "number" ? item : item.token;
      if (model.isEogToken(token)) break;
      ids.push(token);
      if (ids.length >= n) break;
    }
    return ids;
  }
  const max = Math.max(...config.concurrency);
  const context = await model.createContext({ sequences: max, contextSize: 1024, batchSize: 512, threads });
  const sequences = Array.from({ length: max }, () => context.getSequence());
  const run = async (n, metadata) => {
    await Promise.all(sequences.map((s) => s.clearHistory()));
    const started = now();
    const done = await Promise.all(
      sequences.slice(0, n).map((s, i) => generate(s, shortPrompt(bos, vocab, i), config.tokens, metadata)),
    );
    return (done.reduce((sum, ids) => sum + ids.length, 0) / (now() - started)) * 1000;
  };
  await run(1);
  for (const n of config.concurrency) results[`decode-${n}`] = await medianOf(config.repeat, () => run(n));
  results.top5 = await medianOf(config.repeat, () => run(1, { probabilities: true }));
  await sequences[0].clearHistory();
  results.firstTokens = await generate(sequences[0], shortPrompt(bos, vocab, 0), 16);
  await context.dispose();
  const single = await model.createContext({ sequences: 1, contextSize: 1024, batchSize: 512, threads });
  const sequence = single.getSequence();
  results.ttftCold = await medianOf(config.repeat + 2, async (i) => {
    await sequence.clearHistory();
    const started = now();
    await generate(sequence, unrelatedPrompt(bos, vocab, i), 1);
    return now() - started;
  });
  // Reuse by hand, as a node-llama-cpp user would: keep the common prefix, evaluate the rest.
  results.ttftWarm = await medianOf(config.repeat + 2, async (i) => {
    await sequence.clearHistory();
    await generate(sequence, longPrompt(bos, vocab, 2 * i), 1);
    const prompt = longPrompt(bos, vocab, 2 * i + 1);
    const started = now();
    const cached = sequence.contextTokens;
    let common = 0;
    while (common < cached.length && common < prompt.length - 1 && cached[common] === prompt[common])
      common++;
    await sequence.eraseContextTokenRanges([{ start: common, end: sequence.nextTokenIndex }]);
    await generate(sequence, prompt.slice(common), 1);
    return now() - started;
  });
  await single.dispose();
  await model.dispose();
  await llama.dispose();
  return results;
}

if (values.child) {
  const config = JSON.parse(values.config);
  const results =
    values.child === "switchyard" ? await switchyardChild(config) : await nodeLlamaCppChild(config);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}

async function modelPath() {
  if (values.model) return resolve(values.model);
  const { ensureLlamaModel } = await import(resolve(root, "dist/local-engine/gguf/index.js"));
  const type = values.type ?? (values.preset === "tiny" ? "f32" : "q8_0");
  const path = resolve(root, "models", `bench-${values.preset}-${type}.gguf`);
  const made = await ensureLlamaModel({ path, preset: values.preset, weightType: type });
  console.log(
    `model: ${path} (${(made.fileSize / 1e6).toFixed(1)} MB${made.generated ? ", generated" : ""})`,
  );
  return path;
}

const config = {
  model: await modelPath(),
  tokens: Number(values.tokens),
  concurrency: values.concurrency.split(",").map(Number),
  threads: values.threads === undefined ? undefined : Number(values.threads),
  repeat: Number(values.repeat),
};
function runChild(name, childConfig) {
  const args = [fileURLToPath(import.meta.url), "--child", name, "--config", JSON.stringify(childConfig)];
  const output = execFileSync(process.execPath, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(output.trim().split("\n").at(-1));
}
const ours = runChild("switchyard", config);
const theirs = runChild("node-llama-cpp", { ...config, threads: ours.threads });
const same = ours.firstTokens.every((token, i) => token === theirs.firstTokens[i]);
console.log(
  `threads: ${ours.threads} for both; ${config.tokens} tokens per request; median of ${config.repeat}`,
);
console.log(`first 16 greedy tokens identical across engines: ${same}`);

const format = (x) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(4));
const rows = [["measurement", "switchyard", "node-llama-cpp", "ratio", "unit"]];
function row(label, ourValue, theirValue, unit, lowerIsBetter = false) {
  const ratio =
    theirValue === undefined
      ? "—"
      : `${(lowerIsBetter ? theirValue / ourValue : ourValue / theirValue).toFixed(2)}×`;
  rows.push([label, format(ourValue), theirValue === undefined ? "—" : format(theirValue), ratio, unit]);
}
for (const n of config.concurrency)
  row(`decode, ${n} concurrent (aggregate)`, ours[`decode-${n}`], theirs[`decode-${n}`], "tok/s");
for (const n of config.concurrency) {
  if (ours[`unified-${n}`] !== undefined)
    row(`  unified KV, ${n} concurrent`, ours[`unified-${n}`], undefined, "tok/s");
}
row(`TTFT, ${PROMPT}-token prompt, cold`, ours.ttftCold, theirs.ttftCold, "ms", true);
row(`TTFT, ${REUSED} of ${PROMPT} tokens reused`, ours.ttftWarm, theirs.ttftWarm, "ms", true);
row("1 stream + top-5 log-probs (nlc: probabilities)", ours.top5, theirs.top5, "tok/s");
const cost = (r) => 1000 / r.top5 - 1000 / r["decode-1"];
row("log-prob cost per token", cost(ours), cost(theirs), "ms", true);
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
const line = (r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(" | ")} |`;
console.log([line(rows[0]), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)].join("\n"));
