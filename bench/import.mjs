// Import cost of the package against the `openai` SDK alone, and of a router with one OpenAI
// target created, each measured in a fresh child process (nothing cached in the parent), the three
// interleaved so that machine noise hits all alike. Prints medians and ratios to the SDK.
// Usage: npm run bench:import [-- --runs 9]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "9" } } });
const runs = Number(values.runs);
const entry = new URL("../dist/index.js", import.meta.url).href;
const root = fileURLToPath(new URL("..", import.meta.url));

// Each child reports the time of its imports (and start) and its RSS once they are done.
const report =
  "console.log(JSON.stringify({ ms: performance.now() - start, rssMb: process.memoryUsage().rss / 2 ** 20 }));";
const scenarios = {
  "openai SDK": `const start = performance.now(); await import("openai"); ${report}`,
  "switchyard-ai": `const start = performance.now(); await import(${JSON.stringify(entry)}); ${report}`,
  "switchyard-ai + router": `const start = performance.now();
const { createRouter } = await import(${JSON.stringify(entry)});
const router = await createRouter({
  policy: {
    providers: { openai: { type: "openai", apiKey: "sk-bench-not-a-key", baseURL: "http://127.0.0.1:9/v1" } },
    targets: { mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } } },
    routes: { default: { targets: ["mini"] } },
  },
});
${report}
await router.close();`,
};

const samples = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
for (let run = 0; run < runs; run++) {
  for (const [name, code] of Object.entries(scenarios)) {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
      cwd: root,
      encoding: "utf8",
    });
    if (child.status !== 0) throw new Error(`${name} failed:\n${child.stderr}`);
    samples[name].push(JSON.parse(child.stdout.trim().split("\n").at(-1)));
  }
}

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const base = samples["openai SDK"];
const baseMs = median(base.map((sample) => sample.ms));
const baseRss = median(base.map((sample) => sample.rssMb));
console.log(`node ${process.version}, ${runs} interleaved runs each, medians`);
console.log("scenario                import ms   × SDK    RSS MB   × SDK");
for (const [name, list] of Object.entries(samples)) {
  const ms = median(list.map((sample) => sample.ms));
  const rss = median(list.map((sample) => sample.rssMb));
  console.log(
    `${name.padEnd(22)} ${ms.toFixed(0).padStart(10)} ${(ms / baseMs).toFixed(2).padStart(7)}× ${rss.toFixed(1).padStart(8)} ${(rss / baseRss).toFixed(2).padStart(6)}×`,
  );
}
console.log("targets: switchyard-ai ≤ 2.00× the SDK's import time and ≤ 1.30× its RSS");
