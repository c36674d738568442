import { type ChatRequest, hasImages } from "../../src/core/index.js";

/** What a request cannot do without: a target lacking any of these is removed before the call. */
export interface RequestNeeds {
  /** Top-k log-prob alternatives per token; absent when log-probs were not asked for. */
  logprobsTopK?: number;
  tools: boolean;
  jsonSchema: boolean;
  streaming: boolean;
  /** A user message carries an image: the images are never dropped, the target must take them. */
  vision: boolean;
  /** An explicit `maxTokens`; the default is clamped by the router, not a need. */
  maxOutputTokens?: number;
}

export function requestNeeds(request: Readonly<ChatRequest>, options: { streaming: boolean }): RequestNeeds {
  return {
    ...(request.logprobs === undefined ? {} : { logprobsTopK: request.logprobs.topK }),
    tools: (request.tools?.length ?? 0) > 0,
    jsonSchema: request.responseFormat?.type === "json_schema",
    streaming: options.streaming,
    vision: hasImages(request.messages),
    ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
  };
}
