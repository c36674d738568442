import { type ChatRequest, hasImages, imageParts } from "../../src/core/index.js";

/** What a request cannot do without: a target lacking any of these is removed before the call. */
export interface RequestNeeds {
  /** Top-k log-prob alternatives per token; absent when log-probs were not asked for. */
  logprobsTopK?: number;
  tools: boolean;
  jsonSchema: boolean;
  streaming: boolean;
  /** A user message carries an image: the images are never dropped, the target must take them. */
  vision: boolean;
  /** Decoded bytes of the largest inline image, from its base64 length; absent without one. */
  largestImageBytes?: number;
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
    ...largestImage(request),
    ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
  };
}

function largestImage(request: Readonly<ChatRequest>): { largestImageBytes?: number } {
  let largest: number | undefined;
  for (const part of request.messages.flatMap(imageParts)) {
    if (typeof part.image === "string") continue;
    const { data } = part.image;
    const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
    largest = Math.max(largest ?? 0, Math.floor(((data.length - padding) * 3) / 4));
  }
  return largest === undefined ? {} : { largestImageBytes: largest };
}
