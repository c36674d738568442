import type { Context } from "hono";
import type { Router } from "../router/router.js";
import { sseEncoder } from "../router/sse-encoding.js";
import { errorHeaders, openaiErrorBody, toApiError } from "./api-error.js";
import type { CallContext } from "./call-context.js";
import { callSettings } from "./call-settings.js";
import { chatCompletionBodySchema } from "./chat-completion-body.js";
import { chatCompletion, resultHeaders } from "./chat-completion-response.js";
import { parseBody } from "./parse-body.js";
import { readJsonBody } from "./read-json-body.js";
import { streamResponse, streamResultHeader } from "./stream-response.js";
import { toChatRequest } from "./to-chat-request.js";

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
  const encoder = sseEncoder({
    format: "openai",
    model: body.model,
    includeUsage: body.stream_options?.include_usage === true,
    logprobs: withLogprobs,
  });
  const { stream, slot } = call.stream(router, request);
  return streamResponse(
    stream,
    (part) => encoder.encode(part),
    call,
    admission,
    () => ({
      "x-switchyard-route": body.model,
      ...(slot.callId ? { "x-switchyard-call-id": slot.callId } : {}),
    }),
    context.req.header(streamResultHeader) === "1",
  );
}

/** OpenAI's error response for any failure of a call. */
export function openaiErrorResponse(error: unknown): Response {
  const api = toApiError(error);
  return new Response(JSON.stringify(openaiErrorBody(api)), {
    status: api.status,
    headers: { "content-type": "application/json", ...errorHeaders(api) },
  });
}
