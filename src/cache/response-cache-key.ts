import { createHash } from "node:crypto";
import type { ChatRequest } from "../core/index.js";
import { EventLoopSlice } from "../estimate/event-loop-slice.js";
import { jsonFragments } from "../estimate/json-fragments.js";

/**
 * The request fields that shape an answer. Left out: `signal`, `timeoutMs`, `slo` and `budget`
 * (when and at what price, not what), `tags` and `metadata` (they only pick the route, which is
 * part of the key), and `route` (keyed by the route actually chosen).
 */
const answerFields = [
  "messages",
  "tools",
  "toolChoice",
  "responseFormat",
  "maxTokens",
  "temperature",
  "topP",
  "stop",
  "seed",
  "logprobs",
  "providerOptions",
  // Who may serve the call: a narrower or different set of targets may answer differently.
  "privacy",
  "targets",
] as const satisfies readonly (keyof ChatRequest)[];

/** A target that may serve the route: a policy edit that changes any of these changes every key. */
export interface KeyedTarget {
  id: string;
  provider: string;
  model: string;
}

export interface CacheKeyInput {
  /** The route the call runs on. */
  route: string;
  /** Every target of the route and of its fallback routes, in order. */
  targets: readonly KeyedTarget[];
  request: ChatRequest;
}

/** Bumped when what a key covers changes, so old entries (in Redis) are never read as new ones. */
const keyVersion = 1;

/**
 * The cache key of a request: SHA-256 (hex) of a canonical JSON (sorted keys, `undefined` left
 * out) of the fields that shape the answer, the route and its targets. The JSON is written and
 * hashed in fragments, yielding the event loop every few ms, so a 10 MB prompt never holds it;
 * rejects with the signal's reason when it aborts meanwhile.
 */
export async function responseCacheKey(input: CacheKeyInput, signal?: AbortSignal): Promise<string> {
  const request: Partial<Record<(typeof answerFields)[number], unknown>> = {};
  for (const field of answerFields) request[field] = input.request[field];
  const material = {
    v: keyVersion,
    route: input.route,
    targets: input.targets.map((target) => [target.id, target.provider, target.model]),
    request,
  };
  const hash = createHash("sha256");
  const slice = new EventLoopSlice(signal);
  for (const fragment of jsonFragments(material, "request", { sortKeys: true })) {
    hash.update(fragment);
    if (slice.due) await slice.yield();
  }
  return hash.digest("hex");
}
