import type { Context } from "hono";
import type { Router } from "../router/router.js";
import { anthropicEncoder, anthropicErrorBody, anthropicMessage } from "./anthropic-format.js";
import { errorHeaders, toApiError } from "./api-error.js";
import type { CallContext } from "./call-context.js";
import { callSettings } from "./call-settings.js";
import { resultHeaders } from "./chat-completion-response.js";
import { messagesBodySchema } from "./messages-body.js";
import { parseBody } from "./parse-body.js";
import { readJsonBody } from "./read-json-body.js";
import { streamResponse, streamResultHeader } from "./stream-response.js";
import { toMessagesRequest } from "./to-messages-request.js";

/** `POST /v1/messages`: Anthropic's Messages API over the route `model` names, answered or streamed. */
export async function anthropicMessages(
  context: Context,
  router: Router,
  call: CallContext,
): Promise<Response> {
  const body = parseBody(messagesBodySchema, await readJsonBody(context));
  call.checkRoute(body.model);
  const settings = callSettings(context.req.raw.headers, body.switchyard, call.key);
  const request = toMessagesRequest(body, settings, context.req.raw.signal);
  const admission = await call.admit(request);
  if (!body.stream) {
    try {
      const result = await router.chat(request);
      call.settled(result);
      admission.release(result.usage.inputTokens + result.usage.outputTokens);
      return context.json(anthropicMessage(result, body.model), 200, resultHeaders(result));
    } catch (error) {
      admission.release();
      throw error;
    }
  }
  const encoder = anthropicEncoder(body.model);
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

/** Anthropic's error response for any failure of a call. */
export function anthropicErrorResponse(error: unknown): Response {
  const api = toApiError(error);
  return new Response(JSON.stringify(anthropicErrorBody(api)), {
    status: api.status,
    headers: { "content-type": "application/json", ...errorHeaders(api) },
  });
}
