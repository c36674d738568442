/**
 * Outage fallback, end to end on this machine: "OpenAI" (a loopback server) answers every call
 * with 503, so the router fails over to "Anthropic" (a loopback server speaking the Messages API
 * stream); then Anthropic is overloaded too (529), and the in-process local engine answers. Each
 * answer prints its route trace: every attempt, its outcome, its cost.
 *
 * Run it from the repository root (after npm ci): npm run example:outage
 * From an app that installed switchyard-ai:    node node_modules/switchyard-ai/dist/examples/outage-fallback.js
 * Without the local engine (a cloud-only install) the last step ends in a typed error instead.
 */
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ChatResult,
  createRouter,
  LocalEngineUnavailableError,
  type PolicyFile,
  type Router,
  type RouterEvent,
} from "../index.js";

/** The repository (or installed package) root, whether this runs from examples/ or dist/examples/. */
const repoRoot = fileURLToPath(
  new URL(import.meta.url.includes("/dist/") ? "../../" : "../", import.meta.url),
);

type Handler = (request: IncomingMessage, body: Record<string, unknown>, response: ServerResponse) => void;

/** A loopback HTTP server for one pretend provider; resolves with its origin. */
async function serve(handler: Handler): Promise<{ origin: string; close: () => void }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () =>
      handler(request, JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"), response),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** OpenAI in the middle of an outage. */
const openai = await serve((_request, _body, response) => {
  response.writeHead(503, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      error: { message: "The engine is currently overloaded", type: "server_error", param: null, code: null },
    }),
  );
});

/** Anthropic: healthy at first, overloaded once `anthropicDown` is set. */
let anthropicDown = false;
const sse = (event: string, data: Record<string, unknown>) =>
  `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
const anthropic = await serve((_request, body, response) => {
  if (anthropicDown) {
    response.writeHead(529, { "content-type": "application/json" });
    response.end(
      JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    );
    return;
  }
  const words = ["Still ", "answering ", "from ", "Claude."];
  if (body.stream !== true) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "msg_example",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-6",
        content: [{ type: "text", text: words.join("") }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 14, output_tokens: words.length },
      }),
    );
    return;
  }
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.write(
    sse("message_start", {
      message: {
        id: "msg_example",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-6",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 14, output_tokens: 1 },
      },
    }),
  );
  response.write(sse("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
  for (const text of words) {
    response.write(sse("content_block_delta", { index: 0, delta: { type: "text_delta", text } }));
  }
  response.write(sse("content_block_stop", { index: 0 }));
  response.write(
    sse("message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: words.length },
    }),
  );
  response.end(sse("message_stop", {}));
});

const model = join(repoRoot, "models/tiny-llama.gguf");

/** OpenAI, then Anthropic, then (with `withLocal`) the in-process engine on the tiny test model. */
function outagePolicy(withLocal: boolean): PolicyFile {
  return {
    providers: {
      openai: { type: "openai", apiKey: "sk-example-not-a-real-key", baseURL: `${openai.origin}/v1` },
      anthropic: { type: "anthropic", apiKey: "sk-ant-example-not-a-real-key", baseURL: anthropic.origin },
      ...(withLocal ? { local: { type: "local", model, slots: 2 } } : {}),
    },
    targets: {
      gpt: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } },
      claude: { provider: "anthropic", model: "claude-sonnet-4-6", price: { input: 3, output: 15 } },
      ...(withLocal ? { tiny: { provider: "local", model: "tiny-llama" } } : {}),
    },
    routes: {
      default: {
        strategy: "ordered",
        targets: ["gpt", "claude", ...(withLocal ? ["tiny"] : [])],
        timeoutMs: 30_000,
      },
    },
  };
}

const onEvent = (event: RouterEvent) => {
  if (event.type === "retry") backoffs.push(`${event.target} ${event.delayMs} ms`);
};

/** With the local engine when it is built and its model is there (a cloud-only install has neither). */
async function startRouter(): Promise<{ router: Router; withLocal: boolean }> {
  if (existsSync(model)) {
    try {
      return { router: await createRouter({ policy: outagePolicy(true), onEvent }), withLocal: true };
    } catch (error) {
      if (!LocalEngineUnavailableError.isInstance(error)) throw error;
      console.log(`(no local engine here: ${error.message.split(";").at(-1)?.trim()})`);
    }
  }
  return { router: await createRouter({ policy: outagePolicy(false), onEvent }), withLocal: false };
}

/** Backoff waits before same-target retries, from the router's telemetry events. */
const backoffs: string[] = [];
const { router, withLocal } = await startRouter();

/** Streams one answer, then prints how it was routed. */
async function ask(title: string): Promise<void> {
  console.log(`\n${title}`);
  backoffs.length = 0;
  const stream = router.stream({
    messages: [{ role: "user", content: "Are you still there?" }],
    maxTokens: 12,
    temperature: 0,
  });
  process.stdout.write("  answer: ");
  for await (const text of stream.textStream) process.stdout.write(text);
  process.stdout.write("\n");
  printTrace(await stream.result);
  console.log(`  backoff before retries: ${backoffs.join(", ") || "none"}`);
}

function printTrace(result: ChatResult): void {
  const { route } = result;
  console.log(
    `  served by ${route.target} (${route.provider}:${route.model}), $${result.costUsd.toFixed(6)} in all`,
  );
  for (const attempt of route.attempts) {
    const what = attempt.errorKind
      ? `${attempt.outcome} (${attempt.errorKind}${attempt.status ? ` ${attempt.status}` : ""})`
      : attempt.outcome;
    console.log(
      `    ${attempt.target.padEnd(7)} ${what.padEnd(24)} ${String(attempt.ms).padStart(5)} ms  $${attempt.costUsd.toFixed(6)}`,
    );
  }
  for (const rejection of route.rejected) {
    console.log(`    ${rejection.target.padEnd(7)} skipped by ${rejection.policy}: ${rejection.reason}`);
  }
}

try {
  await ask("1. OpenAI is down (503 on every attempt):");
  anthropicDown = true;
  if (withLocal) {
    await ask("2. Anthropic is overloaded too (529); the local engine answers (random test weights: noise):");
  } else {
    // No model here (`switchyard chat` writes the tiny one on first use): the chain runs out.
    await ask("2. Anthropic is overloaded too (529), and there is no local model:").catch((error: Error) => {
      console.log(`\n  ${error.name}: ${error.message.split("\n")[0]}`);
    });
  }
} finally {
  await router.close();
  openai.close();
  anthropic.close();
}
