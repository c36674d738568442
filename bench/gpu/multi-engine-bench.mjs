#!/usr/bin/env node
// One local engine per GPU through the router (issue 7's benchmark): --calls concurrent
// router.stream() calls against a `devices` policy, first with one engine (devices: [0]), then with
// one engine per GPU the build sees (devices: all), aggregate tok/s over the whole run (prefill
// included), median of --repeat runs after a warm-up, and the ratio. On a one-GPU host it measures
// what the child process (isolation: process) costs against the same engine in this process.
// usage: SWITCHYARD_LLAMA_LIBRARY_DIR=<build> node bench/gpu/multi-engine-bench.mjs --model F16.gguf --label f16
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchArgs, chatMessage, median, now, result, round } from "./bench-util.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { createRouter } = await import(resolve(root, "dist/index.js"));
const { listGpuDevices } = await import(resolve(root, "dist/local-engine/index.js"));
const args = benchArgs({
  gpu: { type: "string", default: "cuda" },
  calls: { type: "string", default: "64" },
});
const calls = Number(args.calls);
const gpus = listGpuDevices({ gpu: args.gpu });
const settings = {
  gpu: args.gpu,
  slots: calls,
  contextPerSlot: Math.max(512, 256 + args.tokens),
  queueLimit: calls,
};

async function measure(label, provider) {
  const router = await createRouter({
    policy: {
      providers: { local: { type: "local", model: args.model, ...settings, ...provider } },
      targets: { gpu: { provider: "local", model: args.label, maxAttempts: 1 } },
      routes: {
        default: {
          targets: ["gpu"],
          timeoutMs: 600_000,
          firstTokenTimeoutMs: 600_000,
          idleTimeoutMs: 600_000,
        },
      },
    },
  });
  try {
    const runOnce = async (run) => {
      const started = now();
      const served = new Map();
      const usage = await Promise.all(
        Array.from({ length: calls }, async (_, i) => {
          const stream = router.stream({
            messages: chatMessage(run, i),
            maxTokens: args.tokens,
            temperature: 0,
          });
          for await (const part of stream) if (part.type === "error") throw part.error;
          const final = await stream.result;
          served.set(final.route.target, (served.get(final.route.target) ?? 0) + 1);
          return final.usage.outputTokens;
        }),
      );
      const tokens = usage.reduce((sum, n) => sum + n, 0);
      return { tokPerS: (tokens / (now() - started)) * 1000, tokens, served: Object.fromEntries(served) };
    };
    await runOnce(0);
    const samples = [];
    for (let r = 1; r <= args.repeat; r++) samples.push(await runOnce(r));
    const tokPerS = median(samples.map((s) => s.tokPerS));
    const picked = samples.find((s) => s.tokPerS === tokPerS) ?? samples[0];
    result({
      what: "multi-engine",
      model: args.label,
      variant: label,
      calls,
      genTokens: args.tokens,
      ...picked,
      tokPerS: round(tokPerS),
      samples: samples.map((s) => round(s.tokPerS)),
    });
    return tokPerS;
  } finally {
    await router.close();
  }
}

result({
  what: "gpus",
  count: gpus.length,
  devices: gpus.map((gpu) => `${gpu.index}: ${gpu.description || gpu.name}`),
});
const inProcess = await measure("1 engine, in this process", {});
const oneIsolated = await measure("1 engine, devices [0], child process", { devices: [0] });
result({ what: "isolation-cost", model: args.label, ratioPct: round((oneIsolated / inProcess) * 100) });
// devices: all lists the GPUs in a short-lived child process (no CUDA context here) and starts one
// engine per GPU; on a one-GPU host that is the same engine as devices: [0], by another path.
const all = await measure(`${gpus.length} engine(s), devices all, child processes`, { devices: "all" });
if (gpus.length > 1) {
  result({
    what: "multi-gpu-scaling",
    model: args.label,
    engines: gpus.length,
    speedup: round(all / oneIsolated, 2),
  });
}
console.log("MULTI ENGINE BENCH DONE");
