import type { Context } from "hono";
import type { ChatResult, StreamPart } from "../core/index.js";
import type { Router } from "../router/router.js";
import { sseEncoder } from "../router/sse-encoding.js";
import { errorHeaders, openaiErrorBody, toApiError } from "./api-error.js";
import type { CallContext } from "./call-context.js";
import { callSettings } from "./call-settings.js";
import { chatCompletionBodySchema } from "./chat-completion-body.js";
import { chatCompletion, resultHeaders } from "./chat-completion-response.js";
import { parseBody } from "./parse-body.js";
import { readJsonBody } from "./read-json-body.js";
import { toChatRequest } from "./to-chat-request.js";

const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** `POST /v1/chat/completions`: one call through the route `model` names, answered or streamed. */
export async function openaiChat(context: Context, router: Router, call: CallContext): Promise<Response> {
  const body = parseBody(chatCompletionBodySchema, await readJsonBody(context));
  call.checkRoute(body.model);
  const settings = callSettings(context.req.raw.headers, body.switchyard, call.key);
  const request = toChatRequest(body, settings, context.req.raw.signal);
  const admission = await call.admit(request);
  const withLogprobs = body.logprobs === true;
  if (!body.stream) {
    try {
      const result = await router.chat(request);
      call.settled(result);
      admission.release(result.usage.inputTokens + result.usage.outputTokens);
      return context.json(chatCompletion(result, body.model, withLogprobs), 200, resultHeaders(result));
    } catch (error) {
      admission.release();
      throw error;
    }
  }
  const stream = router.stream(request);
  const iterator = stream[Symbol.asyncIterator]();
  let first: IteratorResult<StreamPart>;
  try {
    first = await iterator.next();
  } catch (error) {
    admission.release();
    throw error;
  }
  // Before the first part nothing is sent: a call that fails before its first token gets a
  // status and an error body like a non-streaming one.
  if (!first.done && first.value.type === "error") {
    admission.release();
    await iterator.return?.();
    throw first.value.error;
  }
  const encoder = sseEncoder({
    format: "openai",
    model: body.model,
    includeUsage: body.stream_options?.include_usage === true,
    logprobs: withLogprobs,
  });
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
          const text = encoder.encode(part);
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
  return new Response(events, { status: 200, headers: { ...sseHeaders, "x-switchyard-route": body.model } });
}

/** OpenAI's error response for any failure of a call. */
export function openaiErrorResponse(error: unknown): Response {
  const api = toApiError(error);
  return new Response(JSON.stringify(openaiErrorBody(api)), {
    status: api.status,
    headers: { "content-type": "application/json", ...errorHeaders(api) },
  });
}
