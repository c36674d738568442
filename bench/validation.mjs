// Request validation's cost: total time and the longest pause of the event loop while validating
// large requests, against JSON.parse of the same request's text (the work a gateway already does
// for every body) in the same run; then ajv compile times in the compiler thread, and the longest
// pause the caller's event loop saw meanwhile.
// Usage: npm run bench:validation [-- --runs 5]
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { JsonSchemaCompiler } from "../dist/src/router/compile-json-schema.js";
import { validateCall } from "../dist/src/router/validate-request.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);

/** What validation reads of a routing context: the routes and the targets' providers. */
const context = {
  routes: new Map([["default", { name: "default", targets: ["t"] }]]),
  defaultRoute: "default",
  targets: new Map([["t", { provider: "main", providerType: "openai" }]]),
};

/**
 * Runs `work` while a setImmediate loop measures the gaps between event-loop turns: in wall time,
 * and in CPU time spent between two turns (process.cpuUsage; nothing else runs then), which a busy
 * machine's scheduling does not inflate.
 */
async function measure(work) {
  let longestGc = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGc = Math.max(longestGc, entry.duration);
  });
  gcs.observe({ entryTypes: ["gc"] });
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let longest = 0;
  let longestCpu = 0;
  let done = false;
  const gap = () => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
  };
  const turn = () => {
    gap();
    if (!done) setImmediate(turn);
  };
  setImmediate(turn);
  const started = performance.now();
  await work();
  const total = performance.now() - started;
  done = true;
  gap();
  // GC entries are delivered in a later turn.
  await new Promise((resolve) => setImmediate(resolve));
  gcs.disconnect();
  return { total, longest, longestCpu, longestGc };
}

const flat = (length, fill) => Buffer.alloc(length, fill).toString();
const properties = (count, prefix) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      `${prefix}${index}`,
      { type: "string", description: "a field" },
    ]),
  );
const requests = {
  "one 10 MB message, ASCII": { messages: [{ role: "user", content: flat(10_000_000, "x") }] },
  "one 10 MB message, emoji and accents": {
    messages: [{ role: "user", content: flat(10_000_000, "é€😀 ") }],
  },
  "200,000 short messages (~6 MB)": {
    messages: Array.from({ length: 200_000 }, (_, index) => ({
      role: index % 2 === 0 ? "user" : "assistant",
      content: `message number ${index}`,
    })),
  },
  "25,000 tool calls with their results (~4 MB)": {
    messages: [
      { role: "user", content: "go" },
      ...Array.from({ length: 25_000 }, (_, index) => [
        {
          role: "assistant",
          content: "",
          toolCalls: [{ id: `call_${index}`, name: "lookup", arguments: "{}" }],
        },
        { role: "tool", toolCallId: `call_${index}`, content: "found" },
      ]).flat(),
    ],
  },
};

console.log(
  `request validation, ${runs} runs each (median total; worst event-loop pause after the first run)`,
);
for (const [name, request] of Object.entries(requests)) {
  const text = JSON.stringify(request);
  const totals = [];
  const parses = [];
  let worst = 0;
  let worstCpu = 0;
  let worstGc = 0;
  for (let run = 0; run < runs; run++) {
    const parseStarted = performance.now();
    const parsed = JSON.parse(text);
    parses.push(performance.now() - parseStarted);
    const { total, longest, longestCpu, longestGc } = await measure(() => validateCall(context, parsed));
    totals.push(total);
    if (run > 0) {
      worst = Math.max(worst, longest);
      worstCpu = Math.max(worstCpu, longestCpu);
      worstGc = Math.max(worstGc, longestGc);
    }
  }
  const total = median(totals);
  const parse = median(parses);
  console.log(
    `  ${name}: ${total.toFixed(1)} ms (JSON.parse of its ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB: ${parse.toFixed(1)} ms, ratio ${(total / parse).toFixed(2)}), longest pause ${worst.toFixed(1)} ms wall, ${worstCpu.toFixed(1)} ms CPU, longest GC ${worstGc.toFixed(1)} ms`,
  );
}

console.log("schema compiles in the compiler thread (a fresh schema each run, worker warm)");
const compiler = new JsonSchemaCompiler();
await compiler.compile({ type: "object" });
for (const count of [10, 100, 1000, 5000]) {
  const totals = [];
  const handoffs = [];
  let worst = 0;
  for (let run = 0; run < runs; run++) {
    const schema = { type: "object", properties: properties(count, `r${run}_`) };
    const { total, longest } = await measure(async () => {
      // The caller's own share: serializing, hashing and posting the schema.
      const started = performance.now();
      const compilation = compiler.compile(schema);
      handoffs.push(performance.now() - started);
      const outcome = await compilation;
      if (!outcome.ok) throw new Error(outcome.problem.message);
    });
    totals.push(total);
    worst = Math.max(worst, longest);
  }
  console.log(
    `  ${count} properties: ${median(totals).toFixed(1)} ms, of it on the caller's thread ${median(handoffs).toFixed(2)} ms; longest pause of the caller ${worst.toFixed(1)} ms wall`,
  );
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
