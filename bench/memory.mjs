// Memory of streaming calls in flight (DESIGN.md, "Performance"): N concurrent router.stream()
// calls held open by a loopback OpenAI-shaped SSE server (in a child process, so only the client
// side is measured) after their first token; heap per call in flight and RSS over the baseline,
// against the same N streams through the openai SDK directly, in the same run.
// Usage: npm run bench:memory [-- --streams 1000]   (runs node --expose-gc)
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

if (process.argv[2] === "--serve") {
  // The upstream: every stream sends its role and first token, then waits for "release".
  const held = new Set();
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "text/event-stream", "x-request-id": "req_memory" });
      const chunk = (delta, extra = {}) =>
        `data: ${JSON.stringify({
          id: "chatcmpl-memory",
          object: "chat.completion.chunk",
          created: 1_764_000_000,
          model: "gpt-4o-mini-2024-07-18",
          choices: delta === null ? [] : [{ index: 0, delta, logprobs: null, finish_reason: null }],
          ...extra,
        })}\n\n`;
      response.write(chunk({ role: "assistant", content: "" }) + chunk({ content: "Hello" }));
      held.add(() => {
        response.write(chunk({ content: " there" }));
        response.write(
          `data: ${JSON.stringify({
            id: "chatcmpl-memory",
            object: "chat.completion.chunk",
            created: 1_764_000_000,
            model: "gpt-4o-mini-2024-07-18",
            choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
          })}\n\n`,
        );
        response.end(
          `${chunk(null, { usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })}data: [DONE]\n\n`,
        );
      });
    });
  });
  server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
  process.on("message", () => {
    for (const finish of held) finish();
    held.clear();
  });
} else {
  await main();
}

async function main() {
  if (typeof globalThis.gc !== "function")
    throw new Error("run with node --expose-gc (npm run bench:memory)");
  const { values } = parseArgs({ options: { streams: { type: "string", default: "1000" } } });
  const streams = Number(values.streams);
  const { default: OpenAI } = await import("openai");
  const { createRouter } = await import("../dist/index.js");

  const upstream = fork(new URL(import.meta.url), ["--serve"], { stdio: "inherit" });
  const port = await new Promise((resolve) => upstream.once("message", (message) => resolve(message.port)));
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const release = () => upstream.send("release");

  const apiKey = "sk-bench-0000000000000000";
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  const router = await createRouter({
    policy: {
      providers: { openai: { type: "openai", apiKey, baseURL } },
      targets: { mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } } },
      routes: {
        default: {
          targets: ["mini"],
          firstTokenTimeoutMs: 600_000,
          idleTimeoutMs: 600_000,
          timeoutMs: 600_000,
        },
      },
    },
  });
  const messages = [{ role: "user", content: "ping" }];

  /** Starts one stream; resolves `first` at its first text and `done` with the text. */
  const viaRouter = () => {
    let first;
    const firstToken = new Promise((resolve) => {
      first = resolve;
    });
    const done = (async () => {
      let text = "";
      for await (const part of router.stream({ messages, maxTokens: 16 })) {
        if (part.type === "text-delta") {
          text += part.text;
          first();
        }
        if (part.type === "error") throw part.error;
      }
      return text;
    })();
    return { firstToken, done };
  };
  const viaSdk = () => {
    let first;
    const firstToken = new Promise((resolve) => {
      first = resolve;
    });
    const done = (async () => {
      let text = "";
      const stream = await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages,
        max_completion_tokens: 16,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          text += delta;
          first();
        }
      }
      return text;
    })();
    return { firstToken, done };
  };

  const settle = async () => {
    for (let round = 0; round < 4; round++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { heapUsed, rss } = process.memoryUsage();
    return { heapUsed, rss };
  };

  async function measure(start) {
    // Warm-up: connections, JIT, lazy modules.
    for (let round = 0; round < 2; round++) {
      const warm = Array.from({ length: 50 }, start);
      await Promise.all(warm.map((call) => call.firstToken));
      release();
      await Promise.all(warm.map((call) => call.done));
    }
    const before = await settle();
    const calls = Array.from({ length: streams }, start);
    await Promise.all(calls.map((call) => call.firstToken));
    const during = await settle();
    release();
    const texts = await Promise.all(calls.map((call) => call.done));
    if (texts.some((text) => text !== "Hello there")) throw new Error("a stream lost text");
    const after = await settle();
    return {
      heapPerCallKB: (during.heapUsed - before.heapUsed) / streams / 1024,
      rssOverBaselineMB: (during.rss - before.rss) / 2 ** 20,
      heapAfterMB: (after.heapUsed - before.heapUsed) / 2 ** 20,
    };
  }

  const sdk = await measure(viaSdk);
  const routed = await measure(viaRouter);
  console.log(
    `memory of ${streams} streaming calls in flight (after their first token, forced GC), Node ${process.version}`,
  );
  console.log("| metric | openai SDK direct | through router.stream() | the router's addition | target |");
  console.log("| --- | --- | --- | --- | --- |");
  const row = (name, a, b, unit, target) =>
    console.log(
      `| ${name} | ${a.toFixed(1)} ${unit} | ${b.toFixed(1)} ${unit} | ${(b - a).toFixed(1)} ${unit} | ${target} |`,
    );
  row("heap per call in flight", sdk.heapPerCallKB, routed.heapPerCallKB, "KB", "≤ 20 KB");
  row(
    `RSS over baseline, ${streams} streams`,
    sdk.rssOverBaselineMB,
    routed.rssOverBaselineMB,
    "MB",
    "≤ 100 MB (through the router)",
  );
  row("heap left after they finished", sdk.heapAfterMB, routed.heapAfterMB, "MB", "~0");
  await router.close();
  upstream.kill();
}
