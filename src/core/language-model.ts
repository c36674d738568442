import type { ZodType } from "zod";
import type { CallOptions } from "./call-options.js";
import type { Capabilities } from "./capabilities.js";
import type { EmbeddingModel } from "./embedding.js";
import type { FinishReason } from "./finish-reason.js";
import type { Logger } from "./logger.js";
import type { TokenLogprob } from "./logprobs.js";
import type { Message, ToolCall } from "./messages.js";
import type { ProviderConfig } from "./provider-config.js";
import type { ResponseFormat, ToolChoice, ToolDefinition } from "./request.js";
import type { ProviderStreamPart } from "./stream-part.js";
import type { Usage } from "./usage.js";

export interface GenerateResult {
  text: string;
  /** The model's reasoning, where the response carries it as text (see `ChatResult.reasoning`). */
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /**
   * What the provider billed. Omit it when the response carried none: the router then counts the
   * prompt and the answer itself, so budgets never see a call as free.
   */
  usage?: Usage;
  logprobs?: TokenLogprob[];
  requestId?: string;
  warnings: string[];
}

/** The parts of a request that make up its prompt, for `LanguageModel.countPromptTokens`. */
export interface PromptCountRequest {
  messages: readonly Message[];
  tools?: readonly ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** The call's deadline and the caller's abort: the count stops with it, rejecting with its reason. */
  signal?: AbortSignal;
}

export interface StreamResult {
  stream: AsyncIterable<ProviderStreamPart>;
  warnings: string[];
}

/**
 * One model of one provider. `do*` methods are called by the router only ("do" so that users
 * call the router): they never retry, and they throw `ProviderCallError` for every failure,
 * including a stream that ends without its terminal event.
 */
export interface LanguageModel {
  /** The provider's id in the policy, e.g. "openai" or "together". */
  readonly provider: string;
  readonly model: string;
  /** What the adapter knows the model can do; the policy's target may narrow or extend it. */
  readonly capabilities: Partial<Capabilities>;
  doGenerate(options: CallOptions): Promise<GenerateResult>;
  doStream(options: CallOptions): Promise<StreamResult>;
  /**
   * At most how many prompt tokens the model bills (or consumes) for this request, counted with its
   * own tokenizer and chat template: the local engine with its GGUF's vocabulary, a self-hosted
   * server through its tokenize endpoint. Resolves with undefined where the model has no better
   * count than the router's own bound (see `TokenizerFamily`); the router also falls back to that
   * bound when it rejects. It must leave the event loop free (slices of a few ms) and stop when
   * `signal` aborts. The router calls it once per request and target, only for a priced target,
   * and uses the smaller of it and its own bound.
   */
  countPromptTokens?(request: PromptCountRequest): Promise<number | undefined>;
}

/** Live load figures a provider reports (the local engine does), read by the latency policy. */
export interface LoadMetrics {
  queueDepth: number;
  busySlots: number;
  slots: number;
  decodeTokensPerSec?: number;
  ttftMs?: number;
}

/** A configured provider: builds models and owns connections or engines. */
export interface Provider {
  readonly id: string;
  readonly type: string;
  /** True when it runs in this process or on a host the operator declared local. */
  readonly local: boolean;
  /**
   * Engines this provider runs side by side, one per GPU (e.g. `["gpu0", "gpu1"]`), or none. Each of
   * its targets then becomes one target per replica, `<target>@<replica>`, and the methods below take
   * the replica.
   */
  replicas?(): Promise<readonly string[]>;
  languageModel(model: string, replica?: string): LanguageModel;
  /** The model as an embedding model, for providers with an embeddings API (`router.embed`). */
  embeddingModel?(model: string, replica?: string): EmbeddingModel;
  /** Capabilities known for a model before any call (e.g. the local engine's context window). */
  describe?(model: string, replica?: string): Promise<Partial<Capabilities>>;
  metrics?(replica?: string): LoadMetrics | undefined;
  close?(): Promise<void>;
}

export interface ProviderContext {
  /** Values that must never appear in errors, logs or traces (API keys, tokens). */
  registerSecret(secret: string): void;
  /** Replaces every registered secret in a string; use it on anything put into an error. */
  redact(text: string): string;
  /** Custom fetch for the provider SDKs (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** Reports model load progress (local engine), 0..1. */
  onProgress?: (event: { provider: string; fraction: number }) => void;
  /**
   * The router's logger, already bound to this provider (its fields carry `provider`) and
   * redacting every registered secret: an SDK's or an engine's own warnings go here, never to
   * the console. Silent when the application gave the router no logger; absent only where a
   * context is built by hand (tests), and an adapter then logs nothing.
   */
  logger?: Logger;
}

/**
 * A provider of the model catalog: its id ("openai", "anthropic", "groq", "together",
 * "fireworks", …), or a baseURL the catalog matches against each provider's API address
 * (api.deepseek.com, api.mistral.ai, …).
 */
export type CatalogProviderRef = { id: string } | { baseURL: string };

/** What `switchyard check` reports about one provider entry: legal, but probably a mistake. */
export interface ProviderConfigWarning {
  /** Path inside the entry, e.g. `["model"]`. */
  path: readonly (string | number)[];
  message: string;
}

/**
 * Turns a provider entry of the policy into a Provider, registered by `type`. The router knows
 * no provider by name: the built-ins ("openai", "anthropic", "replicate", "openai-compatible",
 * "local") are factories like any a user registers.
 *
 * `configSchema` validates the policy's `providers.<id>` entries of this type and is the source of
 * their positioned errors; it must be a zod object whose `type` is `z.literal(<type>)`. `create`
 * should import the provider's SDK dynamically, so that the SDK loads only when a policy uses it.
 */
export interface ProviderFactory<Config extends ProviderConfig = ProviderConfig> {
  readonly type: string;
  readonly configSchema: ZodType<Config, unknown>;
  /**
   * What every model of this provider can do, before any call (the adapter's model table and the
   * policy's target narrow or extend it). `local: true` makes its targets eligible for `local-only`
   * and lets them go unpriced.
   */
  readonly capabilities: Partial<Capabilities>;
  /**
   * Entry fields holding secrets: `${ENV_NAME}` is expanded there (and in header values) and the
   * values are redacted everywhere; a nested field is written with dots (`"options.apiKey"`).
   * @default ["apiKey", "apiToken"]
   */
  readonly secretFields?: readonly string[];
  /** Adjusts a validated entry before `create` sees it, e.g. resolves paths against the policy's folder. */
  resolve?(config: Config, context: { baseDir: string }): Config;
  /**
   * Which provider of the bundled model catalog serves this entry's models, for default prices,
   * context windows and deprecation warnings; undefined when the catalog has none (self-hosted
   * servers). @default none
   */
  catalogProvider?(config: Config): CatalogProviderRef | undefined;
  /** Warnings for `switchyard check` about a resolved entry (a model file that is missing). */
  check?(config: Config): ProviderConfigWarning[];
  /**
   * Builds the provider; it may be async. If it throws, the router reports a `ProviderSetupError`
   * naming the entry and closes the providers it created before; a factory that opens something
   * before failing must close it itself.
   */
  create(id: string, config: Config, context: ProviderContext): Provider | Promise<Provider>;
}
