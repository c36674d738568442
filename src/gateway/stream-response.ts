import type { ChatResult, StreamPart } from "../core/index.js";
import type { ChatStream } from "../router/stream-outputs.js";
import type { CallContext } from "./call-context.js";
import { resultHeaders } from "./chat-completion-response.js";
import type { KeyAdmission } from "./key-limits.js";

const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** The request header that asks for a stream's result comment (`x-switchyard-stream-result: 1`). */
export const streamResultHeader = "x-switchyard-stream-result";

/**
 * What a stream learns only at its end, as one SSE comment line before its final events:
 * `: x-switchyard-result {"x-switchyard-target":"mini",…,"x-switchyard-cost-usd":"0.00000400"}`,
 * the non-streaming response's headers. SSE parsers skip comments, so clients that did not ask
 * for it would not notice it either; it is sent only when asked, so the chunks stay OpenAI's own.
 */
function resultComment(result: ChatResult): string {
  return `: x-switchyard-result ${JSON.stringify(resultHeaders(result))}\n\n`;
}

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
  /** Send the result comment before the final events (the caller sent `x-switchyard-stream-result: 1`). */
  withResult = false,
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
          const encoded = encode(part);
          const text = withResult && part.type === "finish" ? resultComment(part.result) + encoded : encoded;
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
