#!/usr/bin/env node
// Turns one device run's results (wait.sh's results.tgz, unpacked) into the Markdown tables of
// BENCHMARKS.md: llama-batched-bench's S_TG against the engine's steady decode rate (same run), the
// per-step phases, top-5 log-prob cost, TTFT, prefix reuse, the router, A/B variants, node-llama-cpp.
// usage: mkdir -p .gpu/run && tar -C .gpu/run -xzf results.tgz && node bench/gpu/report.mjs .gpu/run
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  console.error("usage: node bench/gpu/report.mjs RESULTS_DIR");
  process.exit(2);
}
const read = (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : "");
const results = readdirSync(dir)
  .filter((name) => name.endsWith(".bench.log"))
  .flatMap((name) =>
    read(name)
      .split("\n")
      .filter((line) => line.startsWith("RESULT "))
      .map((line) => JSON.parse(line.slice(7))),
  );
const fmt = (x, digits = 0) =>
  x === undefined || x === null || Number.isNaN(x)
    ? "—"
    : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const table = (head, rows) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

/** S_TG per model and batch size from a llama-batched-bench log. */
function nativeRates(log) {
  const rates = {};
  let model = "";
  for (const line of read(log).split("\n")) {
    if (line.startsWith("== ")) model = line.includes("q8_0") ? "q8_0" : "f16";
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length > 9 && /^\d+$/.test(cells[3] ?? "")) {
      rates[model] ??= {};
      rates[model][Number(cells[3])] = Number(cells[8]);
    }
  }
  return rates;
}
const native = nativeRates("native.log");
const nativeEnd = nativeRates("native-end.log");
const bandwidth = read("bandwidth.json") ? JSON.parse(read("bandwidth.json")) : undefined;
const find = (what, extra = {}) =>
  results.filter((r) => r.what === what && Object.entries(extra).every(([k, v]) => r[k] === v));

const out = [];
for (const model of ["f16", "q8_0"]) {
  const decode = find("decode", { engine: "switchyard", model, variant: "default" });
  if (decode.length === 0) continue;
  const load = find("load", { engine: "switchyard", model, variant: "default" })[0];
  out.push(`#### ${model.toUpperCase()} (${fmt(load?.modelBytes / 1e9, 2)} GB of weights)`);
  const nlc = find("decode", { engine: "node-llama-cpp", model, variant: "default" });
  const rows = decode.map((r) => {
    const base = native[model]?.[r.n];
    const end = nativeEnd[model]?.[r.n];
    return [
      r.n,
      fmt(base),
      end === undefined ? "—" : fmt(end),
      fmt(r.tokPerS),
      base ? `${fmt((r.tokPerS / base) * 100, 1)}%` : "—",
      fmt(r.msPerStep, 3),
      `${fmt(Math.min(...r.samples))}–${fmt(Math.max(...r.samples))}`,
      fmt(nlc.find((x) => x.n === r.n)?.tokPerS),
    ];
  });
  out.push(
    table(
      [
        "concurrent",
        "batched-bench S_TG",
        "batched-bench, end of run",
        "Switchyard (median)",
        "of batched-bench",
        "ms/step",
        "samples",
        "node-llama-cpp",
      ],
      rows,
    ),
  );
  out.push("");
  out.push("Per decode-only step, µs (the engine's phase counters):");
  out.push(
    table(
      ["concurrent", "between", "build", "llama_decode", "post (overlapped)", "wait", "sample", "report"],
      decode.map((r) => [
        r.n,
        ...["between", "build", "decode", "post", "wait", "sample", "report"].map((p) =>
          fmt(r.phaseUsPerStep?.[p], 1),
        ),
      ]),
    ),
  );
  if (bandwidth && load) {
    const floorMs = (load.modelBytes / (bandwidth.copyTBps * 1e12)) * 1000;
    const one = decode.find((r) => r.n === 1);
    out.push("");
    out.push(
      `Floor at one request: ${fmt(load.modelBytes / 1e9, 2)} GB / ${bandwidth.copyTBps} TB/s copy bandwidth = ${fmt(floorMs, 3)} ms/token; measured ${fmt(one?.msPerStep, 3)} ms (${fmt(one?.msPerStep / floorMs, 2)}× the floor).`,
    );
  }
  out.push("");
}

const cost = results.filter((r) => r.what === "logprobs-cost");
if (cost.length) {
  out.push("Top-5 log-probs:");
  out.push(
    table(
      ["model", "concurrent", "plain tok/s", "top-5 tok/s", "cost"],
      cost.map((r) => [r.model, r.n, fmt(r.plainTokPerS), fmt(r.top5TokPerS), `${fmt(r.costPct, 1)}%`]),
    ),
  );
  out.push("");
}
const latency = results.filter((r) => r.what.startsWith("ttft") || r.what.startsWith("prefix"));
if (latency.length) {
  out.push("Time to first token (engine's own clock; median of 5):");
  out.push(
    table(
      ["model", "prefillChunk", "measurement", "prompt tokens", "cached", "TTFT ms", "as JS sees it ms"],
      latency.map((r) => [
        r.model,
        r.prefillChunk,
        r.what,
        r.promptTokens,
        r.cachedPromptTokens,
        fmt(r.ttftMs, 2),
        fmt(r.jsMs, 2),
      ]),
    ),
  );
  for (const r of results.filter((x) => x.what === "others-during-ttft")) {
    out.push(
      `- ${r.model}, prefillChunk ${r.prefillChunk}: the ${r.others} others decoded at ${fmt(r.othersTokPerS)} tok/s meanwhile.`,
    );
  }
  out.push("");
}
const router = results.filter((r) => r.what === "router-e2e");
if (router.length) {
  out.push("Router end to end (64 concurrent calls, aggregate tok/s over the whole run):");
  out.push(
    table(
      ["tokens/call", "path", "tok/s (median)", "samples", "median TTFT ms", "JS busy", "JS µs/token"],
      router.map((r) => [
        r.genTokens ?? 128,
        r.path,
        fmt(r.tokPerS),
        r.samples.map((s) => fmt(s)).join(", "),
        fmt(r.ttftMs),
        `${fmt(r.jsBusyPct)}%`,
        fmt(r.jsUsPerToken, 1),
      ]),
    ),
  );
  for (const r of results.filter((x) => x.what === "router-vs-engine")) {
    out.push(`- ${r.genTokens ?? 128} tokens/call: router ${fmt(r.ratioPct, 1)}% of the engine alone.`);
  }
  out.push("");
}
const ab = results.filter(
  (r) =>
    r.what === "decode" && r.engine === "switchyard" && !["default", "top5-logprobs"].includes(r.variant),
);
if (ab.length) {
  out.push("A/B variants (F16):");
  out.push(
    table(
      ["variant", "concurrent", "tok/s", "default tok/s", "sample µs/step", "llama_decode µs/step"],
      ab.map((r) => [
        r.variant,
        r.n,
        fmt(r.tokPerS),
        fmt(
          find("decode", { engine: "switchyard", model: r.model, variant: "default" }).find(
            (x) => x.n === r.n,
          )?.tokPerS,
        ),
        fmt(r.phaseUsPerStep?.sample, 1),
        fmt(r.phaseUsPerStep?.decode, 1),
      ]),
    ),
  );
}
console.log(out.join("\n"));
