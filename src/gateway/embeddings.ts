import type { Context } from "hono";
import type { EmbedRequest } from "../core/index.js";
import type { Router } from "../router/router.js";
import { GatewayError } from "./api-error.js";
import type { CallContext } from "./call-context.js";
import { callSettings } from "./call-settings.js";
import { embeddingsBodySchema } from "./chat-completion-body.js";
import { resultHeaders } from "./chat-completion-response.js";
import { parseBody } from "./parse-body.js";
import { readJsonBody } from "./read-json-body.js";

/** Little-endian float32 bytes, base64: what `encoding_format: "base64"` returns. */
function base64Vector(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

/** `POST /v1/embeddings`: the route `model` names embeds each input, in order. */
export async function embeddings(context: Context, router: Router, call: CallContext): Promise<Response> {
  const body = parseBody(embeddingsBodySchema, await readJsonBody(context));
  call.checkRoute(body.model);
  const { fields } = callSettings(context.req.raw.headers, body.switchyard, call.key);
  const { targets, slo, ...embedFields } = fields;
  if (targets !== undefined || slo !== undefined) {
    throw new GatewayError(400, "invalid_request_error", "embeddings take no targets or slo override", {
      code: "invalid_request",
      param: targets !== undefined ? "targets" : "slo",
    });
  }
  const request: EmbedRequest = {
    ...(embedFields as Omit<EmbedRequest, "input">),
    route: body.model,
    input: body.input,
    signal: context.req.raw.signal,
    ...(body.dimensions !== undefined ? { dimensions: body.dimensions } : {}),
  };
  const admission = await call.admit(request);
  try {
    const result = await router.embed(request);
    call.settled(result);
    admission.release(result.usage.inputTokens);
    const base64 = body.encoding_format === "base64";
    return context.json(
      {
        object: "list",
        data: result.embeddings.map((vector, index) => ({
          object: "embedding",
          index,
          embedding: base64 ? base64Vector(vector) : vector,
        })),
        model: body.model,
        usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
      },
      200,
      resultHeaders(result),
    );
  } catch (error) {
    admission.release();
    throw error;
  }
}
