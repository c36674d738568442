/**
 * Streaming a routed answer to an HTTP client: a fetch-style handler (Hono, Next.js route
 * handlers, Bun, Deno, workers) and a node:http one (Express and Fastify's `reply.raw` alike).
 * The README's "Streaming to HTTP" section shows these two functions; a test runs them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Router } from "../index.js";

/** `POST /chat` with `{ "prompt": "…" }`: OpenAI-format chunks, so any OpenAI client can read them. */
export function fetchHandler(router: Router) {
  return async (request: Request): Promise<Response> => {
    const { prompt } = (await request.json()) as { prompt: string };
    const stream = router.stream({ messages: [{ role: "user", content: prompt }], signal: request.signal });
    return stream.toSSEResponse({ format: "openai" });
  };
}

/** The same on node:http; a client that disconnects cancels the call upstream. */
export function nodeHandler(router: Router) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body = "";
    for await (const chunk of request) body += chunk;
    const { prompt } = JSON.parse(body) as { prompt: string };
    await router.stream({ messages: [{ role: "user", content: prompt }] }).pipeSSE(response);
  };
}
