import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the upstream answers one request with; the default is a short text answer. */
export type UpstreamReply = (request: UpstreamRequest, response: ServerResponse) => void | Promise<void>;

export interface UpstreamRequest {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage["headers"];
}

/**
 * A loopback server speaking OpenAI's wire format, standing in for the provider: a real HTTP
 * upstream rather than msw, so the gateway's own loopback traffic from the test's OpenAI client is
 * not intercepted. `closedEarly` counts requests whose client went away before the reply ended.
 */
export async function startOpenAIUpstream() {
  const requests: UpstreamRequest[] = [];
  const replies: UpstreamReply[] = [];
  const state = { closedEarly: 0 };
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request: UpstreamRequest = {
      path: incoming.url ?? "",
      body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>,
      headers: incoming.headers,
    };
    requests.push(request);
    response.once("close", () => {
      if (!response.writableFinished) state.closedEarly += 1;
    });
    const reply =
      replies.shift() ?? (request.path.endsWith("/embeddings") ? embeddingReply : textReply("Hello!"));
    await reply(request, response);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    replies,
    state,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type OpenAIUpstream = Awaited<ReturnType<typeof startOpenAIUpstream>>;

const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };

function completion(message: Record<string, unknown>, finishReason: string, logprobs: unknown = null) {
  return {
    id: "chatcmpl-upstream-1",
    object: "chat.completion",
    created: 1_764_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { refusal: null, ...message }, logprobs, finish_reason: finishReason }],
    usage,
    system_fingerprint: "fp_test",
  };
}

function chunk(delta: Record<string, unknown>, finishReason: string | null = null, logprobs: unknown = null) {
  return {
    id: "chatcmpl-upstream-2",
    object: "chat.completion.chunk",
    created: 1_764_000_000,
    model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_test",
    choices: [{ index: 0, delta, logprobs, finish_reason: finishReason }],
  };
}

function sse(response: ServerResponse, events: unknown[]): void {
  response.writeHead(200, { "content-type": "text/event-stream" });
  for (const event of events) response.write(`data: ${JSON.stringify(event)}\n\n`);
  response.end("data: [DONE]\n\n");
}

/** A reasoning model's answer as DeepSeek sends it: `reasoning_content` before the text. */
export function reasoningReply(reasoning: string, text: string): UpstreamReply {
  return (request, response) => {
    if (request.body.stream) {
      sse(response, [
        chunk({ role: "assistant", content: null, reasoning_content: reasoning }),
        chunk({ content: text, reasoning_content: null }),
        chunk({}, "stop"),
        { ...chunk({}), choices: [], usage },
      ]);
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify(completion({ role: "assistant", content: text, reasoning_content: reasoning }, "stop")),
    );
  };
}

/** A text answer, streamed when the request asks for a stream, with log-probs when asked. */
export function textReply(text: string): UpstreamReply {
  return (request, response) => {
    const logprobs = request.body.logprobs
      ? {
          content: [
            {
              token: text,
              logprob: -0.25,
              bytes: [...Buffer.from(text)],
              top_logprobs: [{ token: text, logprob: -0.25, bytes: [...Buffer.from(text)] }],
            },
          ],
          refusal: null,
        }
      : null;
    if (request.body.stream) {
      sse(response, [
        chunk({ role: "assistant", content: "", refusal: null }),
        chunk({ content: text }, null, logprobs),
        chunk({}, "stop"),
        { ...chunk({}), choices: [], usage },
      ]);
      return;
    }
    response.writeHead(200, { "content-type": "application/json", "x-request-id": "req_upstream_1" });
    response.end(JSON.stringify(completion({ role: "assistant", content: text }, "stop", logprobs)));
  };
}

/** A tool call: `get_weather({"city":"Paris"})`, streamed in two argument fragments when asked. */
export const toolReply: UpstreamReply = (request, response) => {
  if (request.body.stream) {
    sse(response, [
      chunk({
        role: "assistant",
        content: null,
        tool_calls: [
          { index: 0, id: "call_abc123", type: "function", function: { name: "get_weather", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({}, "tool_calls"),
      { ...chunk({}), choices: [], usage },
    ]);
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify(
      completion(
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_abc123",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        "tool_calls",
      ),
    ),
  );
};

/** Streams one token, then keeps the stream open until the gateway goes away. */
export const hangingStreamReply: UpstreamReply = (_request, response) => {
  response.writeHead(200, { "content-type": "text/event-stream" });
  response.write(`data: ${JSON.stringify(chunk({ role: "assistant", content: "Once" }))}\n\n`);
};

/** Streams words slowly (every `gapMs`), then finishes. */
export function slowStreamReply(words: string[], gapMs: number): UpstreamReply {
  return async (_request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (const word of words) {
      if (response.destroyed) return;
      response.write(`data: ${JSON.stringify(chunk({ content: word }))}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    response.write(`data: ${JSON.stringify(chunk({}, "stop"))}\n\n`);
    response.write(`data: ${JSON.stringify({ ...chunk({}), choices: [], usage })}\n\n`);
    response.end("data: [DONE]\n\n");
  };
}

export function statusReply(status: number, body: Record<string, unknown>): UpstreamReply {
  return (_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
}

export const embeddingReply: UpstreamReply = (request, response) => {
  const input = request.body.input as string[] | string;
  const values = Array.isArray(input) ? input : [input];
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      object: "list",
      data: values.map((_, index) => ({ object: "embedding", index, embedding: [0.5, -0.25, index] })),
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 4 * values.length, total_tokens: 4 * values.length },
    }),
  );
};

/** Streams one token, then drops the connection: a stream that breaks mid-way. */
export const brokenStreamReply: UpstreamReply = (_request, response) => {
  response.writeHead(200, { "content-type": "text/event-stream" });
  response.write(`data: ${JSON.stringify(chunk({ role: "assistant", content: "partial" }))}\n\n`);
  setTimeout(() => response.destroy(), 5);
};
