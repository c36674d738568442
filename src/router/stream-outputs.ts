import { once } from "node:events";
import type { ServerResponse } from "node:http";
import type { ChatResult, StreamPart } from "../core/index.js";
import { type SseOptions, sseEncoder } from "./sse-encoding.js";

/** What `router.stream()` returns: iterate the parts, or await `result`, or both. */
export interface ChatStream extends AsyncIterable<StreamPart> {
  /** The final result with its route trace; rejects with the call's typed error. */
  readonly result: Promise<ChatResult>;
  /** Only the text, as it arrives. */
  readonly textStream: AsyncIterable<string>;
  /** Stops the call and its upstream request. */
  cancel(reason?: unknown): void;
  /** The parts as a web `ReadableStream`; cancelling it cancels the call. */
  toReadableStream(): ReadableStream<StreamPart>;
  /** The parts as Server-Sent Events bytes (see `SseOptions` for the formats). */
  toSSEStream(options?: SseOptions): ReadableStream<Uint8Array>;
  /**
   * A `Response` streaming Server-Sent Events, for fetch-style handlers (Hono, Next.js route
   * handlers, Bun, Deno, workers). A client that disconnects cancels the call upstream.
   */
  toSSEResponse(options?: SseResponseOptions): Response;
  /**
   * Writes Server-Sent Events into a Node `ServerResponse` (node:http, Express, Fastify's
   * `reply.raw`), waiting on `drain` when the socket is full; a client that disconnects cancels the
   * call upstream. Resolves once the response has ended (or the client left).
   */
  pipeSSE(response: ServerResponse, options?: SseResponseOptions): Promise<void>;
  /** Two streams that each read every part; the call is cancelled only when both are. */
  tee(): [ChatStream, ChatStream];
}

export interface SseResponseOptions extends SseOptions {
  /** Added to (and overriding) the event-stream headers. */
  headers?: Record<string, string>;
  /** @default 200 */
  status?: number;
}

const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // Proxies such as nginx buffer responses unless told not to.
  "x-accel-buffering": "no",
};

/** A `ChatStream` over a source of parts that can be read once. */
export function chatStream(
  parts: () => AsyncIterator<StreamPart>,
  result: Promise<ChatResult>,
  cancel: (reason?: unknown) => void,
): ChatStream {
  let taken = false;
  const take = (): AsyncIterator<StreamPart> => {
    if (taken) throw new TypeError("A stream can be read only once: use tee() for two readers");
    taken = true;
    return parts();
  };
  const readable = (): ReadableStream<StreamPart> => {
    let iterator: AsyncIterator<StreamPart> | undefined;
    return new ReadableStream<StreamPart>(
      {
        async pull(controller) {
          iterator ??= take();
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
          if (!next.done && (next.value.type === "finish" || next.value.type === "error")) controller.close();
        },
        async cancel(reason) {
          cancel(reason ?? new Error("the stream's reader cancelled it"));
          await iterator?.return?.();
        },
      },
      { highWaterMark: 0 },
    );
  };
  const sse = (options?: SseOptions): ReadableStream<Uint8Array> => {
    const encoder = sseEncoder(options);
    const bytes = new TextEncoder();
    return readable().pipeThrough(
      new TransformStream<StreamPart, Uint8Array>({
        transform(part, controller) {
          const text = encoder.encode(part);
          if (text) controller.enqueue(bytes.encode(text));
        },
      }),
    );
  };
  const stream: ChatStream = {
    result,
    [Symbol.asyncIterator]: () => take(),
    textStream: {
      async *[Symbol.asyncIterator]() {
        const iterator = take();
        try {
          while (true) {
            const next = await iterator.next();
            if (next.done) return;
            if (next.value.type === "text-delta") yield next.value.text;
            if (next.value.type === "error") throw next.value.error;
          }
        } finally {
          await iterator.return?.();
        }
      },
    },
    cancel,
    toReadableStream: readable,
    toSSEStream: sse,
    toSSEResponse(options = {}) {
      return new Response(sse(options), {
        status: options.status ?? 200,
        headers: { ...sseHeaders, ...options.headers },
      });
    },
    async pipeSSE(response, options = {}) {
      const encoder = sseEncoder(options);
      if (!response.headersSent)
        response.writeHead(options.status ?? 200, { ...sseHeaders, ...options.headers });
      response.flushHeaders?.();
      let gone = false;
      const left = new Promise<void>((resolve) => {
        response.once("close", () => {
          gone = !response.writableFinished;
          resolve();
        });
      });
      const iterator = take();
      try {
        while (true) {
          const next = await Promise.race([iterator.next(), left.then(() => undefined)]);
          if (!next || gone) break;
          if (next.done) break;
          const text = encoder.encode(next.value);
          if (text && !response.write(text)) {
            await Promise.race([once(response, "drain"), left]);
          }
          if (gone) break;
          if (next.value.type === "finish" || next.value.type === "error") break;
        }
      } finally {
        if (gone) {
          cancel(new Error("the client disconnected"));
          await iterator.return?.();
        } else {
          await iterator.return?.();
          response.end();
        }
      }
    },
    tee() {
      const [left, right] = readable().tee();
      return [fromReadable(left, result), fromReadable(right, result)];
    },
  };
  return stream;
}

/** One branch of a tee: its cancel cancels the branch (and the call once both branches are cancelled). */
function fromReadable(readable: ReadableStream<StreamPart>, result: Promise<ChatResult>): ChatStream {
  const reader = () => readable.getReader();
  let active: ReadableStreamDefaultReader<StreamPart> | undefined;
  return chatStream(
    () => {
      active = reader();
      const branch = active;
      return {
        next: async () => {
          const next = await branch.read();
          return next.done ? { done: true, value: undefined } : { done: false, value: next.value };
        },
        return: async () => {
          // A tee branch's cancel settles only once the other branch is cancelled too: not awaited.
          branch.cancel().catch(() => {});
          return { done: true, value: undefined };
        },
      };
    },
    result,
    (reason) => {
      (active ?? readable).cancel(reason).catch(() => {});
    },
  );
}
