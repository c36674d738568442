// A process that uses a router the way an app does at shutdown: calls in flight (hanging, in retry
// backoff, queued in a limiter, streaming, waiting for a hedge), then `await router.close()`, then nothing. It must exit
// by itself: anything the router left behind (a timer, a socket, a retry) keeps it alive.
// Usage: node close-and-exit.mjs <folder of the compiled package>
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { createRouter } = await import(pathToFileURL(join(process.argv[2], "index.js")).href);

let requests = 0;
let requestsAtClose = -1;
const server = createServer((request, response) => {
  requests++;
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    const { messages, stream } = JSON.parse(body);
    const text = messages.at(-1).content;
    if (text === "fail") {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: { message: "boom", type: "server_error", param: null, code: null } }),
      );
      return;
    }
    if (stream) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = { id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini" };
      response.write(
        `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { role: "assistant", content: "Hel" }, finish_reason: null }] })}\n\n`,
      );
    }
    // Otherwise (and after the first token) the server never answers: only an abort ends the request.
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseURL = `http://127.0.0.1:${server.address().port}/v1`;

const router = await createRouter({
  policy: {
    providers: { upstream: { type: "openai", apiKey: "sk-exit-test-0001", baseURL } },
    targets: {
      main: {
        provider: "upstream",
        model: "gpt-4o-mini",
        price: { input: 0.15, output: 0.6 },
        limits: { maxConcurrent: 40, maxQueue: 100 },
      },
      spare: { provider: "upstream", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } },
    },
    routes: { default: { targets: ["main", "spare"], hedge: { enabled: true, delayMs: 60_000 } } },
    // Every failing call retries (none is cut short by the retry budget): each is in backoff at close.
    retryBudget: { maxTokens: 1000 },
  },
});

const ask = (content) => router.chat({ messages: [{ role: "user", content }] });
const calls = [
  ...Array.from({ length: 20 }, () => ask("hang")),
  ...Array.from({ length: 20 }, () => ask("fail")),
  ...Array.from(
    { length: 10 },
    () => router.stream({ messages: [{ role: "user", content: "stream" }] }).result,
  ),
];
const outcomes = Promise.allSettled(calls);
// 40 admitted (20 hanging, 10 streaming, 10 failing and about to retry after a backoff), 10 queued.
while (requests < 40) await new Promise((resolve) => setTimeout(resolve, 10));
await new Promise((resolve) => setTimeout(resolve, 50));

await router.close();
requestsAtClose = requests;
const errors = {};
for (const outcome of await outcomes) {
  const name = outcome.status === "rejected" ? outcome.reason.name : "answered";
  errors[name] = (errors[name] ?? 0) + 1;
}
server.close();
process.on("exit", () => {
  process.stdout.write(`${JSON.stringify({ errors, requestsAtClose, requestsAtExit: requests })}\n`);
});
