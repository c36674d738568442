// Added latency and throughput of the gateway (`switchyard serve`), and of the Portkey gateway
// 1.15.2, against the openai SDK calling the same loopback mock OpenAI server directly. The mock and
// each gateway run in their own child process (as in production: a gateway is a separate server),
// the client in this one; the three sides are interleaved round by round so machine noise hits all
// alike. Portkey is installed by this script into a scratch folder (npm, ~10 s); --no-portkey skips it.
// Usage: npm run bench:gateway [-- --calls 3000 --concurrency 64 --no-portkey]
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import OpenAI from "openai";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "64" },
    "no-portkey": { type: "boolean", default: false },
  },
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
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
const gateway = await start(
  ["--no-warnings", bin, "serve", "--policy", policy, "--port", "0"],
  /listening on (\S+)/,
  {
    BENCH_KEY: "bench-not-a-real-key",
  },
);
const gatewayURL = `${gateway.match[1]}/v1`;

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let portkey;
if (!values["no-portkey"]) {
  execFileSync(
    "npm",
    [
      "install",
      "--prefix",
      folder,
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "@portkey-ai/gateway@1.15.2",
    ],
    { stdio: "ignore" },
  );
  const port = await freePort();
  const server = join(folder, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
  const started = await start([server, `--port=${port}`, "--headless"], /Ready for connections/, {
    NODE_ENV: "production",
  });
  portkey = { child: started.child, url: `http://127.0.0.1:${port}/v1` };
}

const messages = [{ role: "user", content: "ping" }];
const directClient = new OpenAI({ apiKey: "bench-not-a-real-key", baseURL, maxRetries: 0 });
const gatewayClient = new OpenAI({ apiKey: "bench-not-a-real-key", baseURL: gatewayURL, maxRetries: 0 });
const direct = () =>
  directClient.chat.completions.create({ model: "gpt-4o-mini", messages, max_completion_tokens: 16 });
const viaGateway = () =>
  gatewayClient.chat.completions.create({ model: "default", messages, max_completion_tokens: 16 });
const portkeyClient =
  portkey &&
  new OpenAI({
    apiKey: "bench-not-a-real-key",
    baseURL: portkey.url,
    maxRetries: 0,
    defaultHeaders: { "x-portkey-provider": "openai", "x-portkey-custom-host": baseURL },
  });
const viaPortkey = () =>
  portkeyClient.chat.completions.create({ model: "gpt-4o-mini", messages, max_completion_tokens: 16 });
const sides = { direct, gateway: viaGateway, ...(portkey ? { portkey: viaPortkey } : {}) };

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
  for (let warm = 0; warm < 300; warm++) for (const fn of Object.values(sides)) await fn();
  const rounds = 5;
  const perRound = Math.ceil(calls / rounds);
  const latency = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  const rate = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(sides)) latency[name].push(...(await sequential(fn, perRound)));
    for (const [name, fn] of Object.entries(sides)) rate[name].push(await throughput(fn, perRound));
  }
  const names = Object.keys(sides);
  const titles = {
    direct: "openai SDK direct",
    gateway: "through switchyard serve",
    portkey: "through Portkey 1.15.2",
  };
  console.log(
    `gateway overhead, ${calls} sequential + ${calls} concurrent calls per side, Node ${process.version}`,
  );
  console.log(`| metric | ${names.map((name) => titles[name]).join(" | ")} |`);
  console.log(`| --- |${names.map(() => " --- |").join("")}`);
  const row = (label, value, compare) =>
    console.log(
      `| ${label} | ${names
        .map((name) => {
          const own = value(name);
          return name === "direct" ? own.toFixed(0) : `${own.toFixed(0)} (${compare(own, value("direct"))})`;
        })
        .join(" | ")} |`,
    );
  const micros = (own, base) => `+${(own - base).toFixed(0)} µs`;
  row("p50 latency (µs)", (name) => median(latency[name]), micros);
  row("p99 latency (µs)", (name) => percentile(latency[name], 0.99), micros);
  row(
    `throughput at ${concurrency} concurrent (calls/s)`,
    (name) => median(rate[name]),
    (own, base) => `${((own / base) * 100).toFixed(1)}%`,
  );
} finally {
  gateway.child.kill("SIGTERM");
  portkey?.child.kill("SIGTERM");
  mock.child.kill("SIGTERM");
  await rm(folder, { recursive: true, force: true });
}
