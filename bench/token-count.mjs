// Token counting under hostile input (issue 11): how long countTextTokens takes over each hostile
// text of bench/hostile-inputs.mjs at 10 KB..10 MB, and the longest the event loop was blocked
// meanwhile (perf_hooks' monitorEventLoopDelay: its maximum and 99th percentile, which include
// the machine's own scheduling delays and garbage collection), against ordinary English prose of the same
// length counted in the same run. Also the first load of the tokenizer (a dynamic import), and
// with --before the old way (one gpt-tokenizer call over the whole text) up to 100 KB.
// Usage: npm run bench:tokens [-- --sizes 10240,102400,1048576,10485760 --before]   (node --expose-gc)
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { englishText, hostileInputs } from "./hostile-inputs.mjs";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10240,102400,1048576,10485760" },
    before: { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map(Number);

const { countTextTokens } = await import("../dist/src/estimate/index.js");

/**
 * Runs `work` while sampling the event loop; resolves with its result, wall time and longest
 * block. Garbage left by the previous run is collected first, so its pauses are not counted here.
 */
async function measure(work) {
  globalThis.gc?.();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  // One more turn, so a block at the very end is sampled too.
  await new Promise((resolve) => setTimeout(resolve, 2));
  delay.disable();
  return { result, ms, blockMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 };
}

const format = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const kib = (length) => (length >= 1 << 20 ? `${length / (1 << 20)} MiB` : `${length / 1024} KiB`);

const load = await measure(() => countTextTokens("warm up"));
console.log(
  `first count, loading the tokenizer: ${format(load.ms)} ms, longest block ${format(load.blockMs)} ms`,
);
console.log(`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);

const rows = [];
let worst = { ms: 0 };
let worstBlock = { blockMs: 0 };
for (const length of sizes) {
  const english = englishText(length);
  const baseline = await measure(() => countTextTokens(english));
  rows.push({ size: kib(length), input: "English prose (baseline)", ...baseline, ratio: 1 });
  for (const [name, build] of Object.entries(hostileInputs)) {
    const text = build(length);
    const run = await measure(() => countTextTokens(text));
    const row = {
      size: kib(length),
      input: name,
      ...run,
      ratio: run.ms / baseline.ms,
      bytes: Buffer.byteLength(text),
    };
    if (values.before && length <= 102_400) {
      const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
      const plain = { disallowedSpecial: new Set() };
      const started = performance.now();
      countTokens(text, plain);
      row.beforeMs = performance.now() - started;
    }
    rows.push(row);
    if (row.ms > worst.ms) worst = row;
    if (row.blockMs > worstBlock.blockMs) worstBlock = row;
  }
}

console.log(
  [
    "| size | input | tokens | time (ms) | × baseline | longest block (ms) | p99 delay (ms) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (row) =>
        `| ${row.size} | ${row.input} | ${row.result.toLocaleString("en-US")} | ${format(row.ms)} | ${row.ratio.toFixed(1)} | ${format(row.blockMs)} | ${format(row.p99Ms)} |${row.beforeMs === undefined ? "" : ` before: ${format(row.beforeMs)} ms`}`,
    ),
  ].join("\n"),
);
console.log(
  `\nslowest: ${worst.input} at ${worst.size}, ${format(worst.ms)} ms (${worst.ratio.toFixed(1)}× English)`,
);
console.log(`longest block: ${worstBlock.input} at ${worstBlock.size}, ${format(worstBlock.blockMs)} ms`);
