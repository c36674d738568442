import type { ZodType } from "zod";
import type { CallOptions } from "./call-options.js";
import type { Capabilities } from "./capabilities.js";
import type { FinishReason } from "./finish-reason.js";
import type { TokenLogprob } from "./logprobs.js";
import type { ToolCall } from "./messages.js";
import type { ProviderConfig } from "./provider-config.js";
import type { ProviderStreamPart } from "./stream-part.js";
import type { Usage } from "./usage.js";

export interface GenerateResult {
  text: string;
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
}

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
  /** Warnings for `switchyard check` about a resolved entry (a model file that is missing). */
  check?(config: Config): ProviderConfigWarning[];
  /**
   * Builds the provider; it may be async. If it throws, the router reports a `ProviderSetupError`
   * naming the entry and closes the providers it created before; a factory that opens something
   * before failing must close it itself.
   */
  create(id: string, config: Config, context: ProviderContext): Provider | Promise<Provider>;
}
