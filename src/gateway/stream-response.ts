import type { ChatResult, StreamPart } from "../core/index.js";
import type { ChatStream } from "../router/stream-outputs.js";
import type { CallContext } from "./call-context.js";
import type { KeyAdmission } from "./key-limits.js";

const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/**
 * A stream's Server-Sent Events response in the encoding of one API. Nothing is sent before the
 * first part: a call that fails before its first token throws its error, to be answered with a
 * status like a non-streaming one. A client that disconnects cancels the call upstream.
 */
export async function streamResponse(
  stream: ChatStream,
  encode: (part: StreamPart) => string,
  call: CallContext,
  admission: KeyAdmission,
  /** Read once the first part arrived (the call id is known by then). */
  headers: () => Record<string, string>,
): Promise<Response> {
  const iterator = stream[Symbol.asyncIterator]();
  let first: IteratorResult<StreamPart>;
  try {
    first = await iterator.next();
  } catch (error) {
    admission.release();
    throw error;
  }
  if (!first.done && first.value.type === "error") {
    admission.release();
    await iterator.return?.();
    throw first.value.error;
  }
  const bytes = new TextEncoder();
  let pending: IteratorResult<StreamPart> | undefined = first;
  let ended = false;
  const end = (result?: ChatResult) => {
    if (ended) return;
    ended = true;
    if (result) call.settled(result);
    admission.release(result ? result.usage.inputTokens + result.usage.outputTokens : undefined);
  };
  const events = new ReadableStream<Uint8Array>(
    {
      // Parts that encode to nothing (a tool call already streamed in fragments) are skipped in
      // the same pull: a pull that enqueues nothing would not be called again.
      async pull(controller) {
        for (;;) {
          const next = pending ?? (await iterator.next());
          pending = undefined;
          if (next.done) {
            end();
            controller.close();
            return;
          }
          const part = next.value;
          const text = encode(part);
          if (text) controller.enqueue(bytes.encode(text));
          if (part.type === "finish" || part.type === "error") {
            end(part.type === "finish" ? part.result : undefined);
            controller.close();
            return;
          }
          if (text) return;
        }
      },
      async cancel(reason) {
        stream.cancel(reason ?? new Error("the client disconnected"));
        end();
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(events, { status: 200, headers: { ...sseHeaders, ...headers() } });
}
