import type { PrivacyClass } from "./request.js";
import type { RouteTrace } from "./route-trace.js";

/**
 * The most inputs one `router.embed()` call takes; the router sends them to each provider in
 * batches of its own limit, so this is also the batch of a model that states no limit.
 */
export const maxEmbedInputs = 100_000;

/** What a caller sends to `router.embed()`. */
export interface EmbedRequest {
  /** A route whose targets are embedding models. @default the policy's default route */
  route?: string;
  /** One text or several; each gets one vector, in the same order. */
  input: string | string[];
  /** Output dimensions, for models that can shorten their vectors (OpenAI's text-embedding-3). */
  dimensions?: number;
  privacy?: PrivacyClass;
  /** Tightens the route's per-call cap. */
  budget?: { maxCostUsd?: number };
  /** Spend keys for `budgets.tags`. */
  tags?: string[];
  metadata?: Record<string, string>;
  signal?: AbortSignal;
  /** Deadline for the whole call, retries and fallbacks included. @default the route's */
  timeoutMs?: number;
}

export interface EmbedResult {
  /** One vector per input, in the order of `input`. */
  embeddings: number[][];
  usage: { inputTokens: number };
  /** What every attempt of the call cost (or may have cost), in US dollars. */
  costUsd: number;
  route: RouteTrace;
}

/** What an embedding model call receives: one batch, within the model's `maxInputsPerCall`. */
export interface EmbedCallOptions {
  values: string[];
  dimensions?: number;
  signal: AbortSignal;
}

export interface EmbedCallResult {
  /** One vector per value, in order. */
  embeddings: number[][];
  /** What the provider billed; omitted when it reported none (the router then counts it). */
  usage?: { inputTokens: number };
  requestId?: string;
}

/**
 * One embedding model of one provider. `doEmbed` is called by the router only, with at most
 * `maxInputsPerCall` values (the router splits larger inputs into batches); it never retries and
 * throws `ProviderCallError` for every failure.
 */
export interface EmbeddingModel {
  readonly provider: string;
  readonly model: string;
  /** The most values one call may carry. */
  readonly maxInputsPerCall: number;
  doEmbed(options: EmbedCallOptions): Promise<EmbedCallResult>;
}
