// Added latency and throughput of the gateway (`switchyard serve`) against the openai SDK calling
// the same loopback mock OpenAI server directly. The mock and the gateway each run in their own
// child process (as in production: the gateway is a separate server), the client in this one;
// direct and gateway calls are interleaved round by round so machine noise hits both alike.
// Usage: npm run bench:gateway [-- --calls 3000 --concurrency 64]
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import OpenAI from "openai";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "3000" }, concurrency: { type: "string", default: "64" } },
});
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);
const bin = fileURLToPath(new URL("../dist/bin/switchyard.js", import.meta.url));

const mockServer = `
const { createServer } = require("node:http");
const completion = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1764000000, model: "gpt-4o-mini-2024-07-18",
  system_fingerprint: "fp_bench",
  choices: [{ index: 0, message: { role: "assistant", content: "pong", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
});
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json", "x-request-id": "req_bench" });
    response.end(completion);
  });
});
server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));`;

/** Spawns a process and resolves with the first match of `pattern` on its stdout or stderr. */
function start(args, pattern, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (data) => {
      seen += data;
      const match = pattern.exec(seen);
      if (match) resolve({ child, match });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${seen}`)));
  });
}

const mock = await start(["-e", mockServer], /port (\d+)/);
const baseURL = `http://127.0.0.1:${mock.match[1]}/v1`;
const folder = await mkdtemp(join(tmpdir(), "switchyard-bench-gateway-"));
const policy = join(folder, "policy.yaml");
await writeFile(
  policy,
  `providers:
  openai: { type: openai, apiKey: "\${BENCH_KEY}", baseURL: "${baseURL}" }
targets:
  mini: { provider: openai, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }
routes:
  default: { targets: [mini] }
`,
);
const gateway = await start(["--no-warnings", bin, "serve", "--policy", policy, "--port", "0"], /listening on (\S+)/, {
  BENCH_KEY: "bench-not-a-real-key",
});
const gatewayURL = `${gateway.match[1]}/v1`;

const messages = [{ role: "user", content: "ping" }];
const directClient = new OpenAI({ apiKey: "bench-not-a-real-key", baseURL, maxRetries: 0 });
const gatewayClient = new OpenAI({ apiKey: "bench-not-a-real-key", baseURL: gatewayURL, maxRetries: 0 });
const direct = () => directClient.chat.completions.create({ model: "gpt-4o-mini", messages, max_completion_tokens: 16 });
const viaGateway = () => gatewayClient.chat.completions.create({ model: "default", messages, max_completion_tokens: 16 });

async function sequential(fn, count) {
  const samples = [];
  for (let index = 0; index < count; index++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return samples;
}

async function throughput(fn, count) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await fn();
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const sorted = (list) => Float64Array.from(list).sort();
const percentile = (list, p) => {
  const ordered = sorted(list);
  return ordered[Math.min(ordered.length - 1, Math.floor(ordered.length * p))];
};
const median = (list) => percentile(list, 0.5);

try {
  for (let warm = 0; warm < 300; warm++) {
    await direct();
    await viaGateway();
  }
  const rounds = 5;
  const perRound = Math.ceil(calls / rounds);
  const latency = { direct: [], gateway: [] };
  const rate = { direct: [], gateway: [] };
  for (let round = 0; round < rounds; round++) {
    latency.direct.push(...(await sequential(direct, perRound)));
    latency.gateway.push(...(await sequential(viaGateway, perRound)));
    rate.direct.push(await throughput(direct, perRound));
    rate.gateway.push(await throughput(viaGateway, perRound));
  }
  console.log(`gateway overhead, ${calls} sequential + ${calls} concurrent calls per side, Node ${process.version}`);
  console.log("| metric | openai SDK direct | through switchyard serve | difference |");
  console.log("| --- | --- | --- | --- |");
  const rows = [
    ["p50 latency (µs)", median(latency.direct), median(latency.gateway)],
    ["p99 latency (µs)", percentile(latency.direct, 0.99), percentile(latency.gateway, 0.99)],
    [`throughput at ${concurrency} concurrent (calls/s)`, median(rate.direct), median(rate.gateway)],
  ];
  for (const [name, a, b] of rows) {
    const difference = name.startsWith("throughput")
      ? `${((b / a) * 100).toFixed(1)}% of direct`
      : `+${(b - a).toFixed(0)} µs`;
    console.log(`| ${name} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${difference} |`);
  }
} finally {
  gateway.child.kill("SIGTERM");
  mock.child.kill("SIGTERM");
  await rm(folder, { recursive: true, force: true });
}
