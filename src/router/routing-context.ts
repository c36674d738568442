import type { ResponseCache } from "../cache/response-cache.js";
import type {
  ChatRequest,
  DailyLimit,
  EmbeddingModel,
  Filter,
  LanguageModel,
  LoadMetrics,
  Price,
  RequestEstimate,
  Route,
  RouteRule,
  StateStore,
  Strategy,
  StrategyName,
  Target,
  Usage,
} from "../core/index.js";
import type { TelemetrySink } from "./call-observer.js";
import type { Occupancy } from "./occupancy.js";
import type { PrefixAffinity } from "./prefix-affinity.js";
import type { SecretRedactor } from "./secret-redactor.js";

/** Admission for one target (rate limits, concurrency). `acquire` resolves with a release function. */
export interface AdmissionGate {
  acquire(options: { weight: number; signal: AbortSignal }): Promise<() => void>;
  /** After a 429: dispatch nothing until `retryAfterMs` has passed. */
  penalize(retryAfterMs: number): void;
  /** Corrects the token reservation once real usage is known. */
  correct(reservedTokens: number, actualTokens: number): void;
  expectedWaitMs(): number;
}

/** A process-wide retry budget (token bucket), so an outage cannot multiply traffic. */
export interface RetryBudgetLike {
  canRetry(): boolean;
  onRetry(): void;
  onSuccess(): void;
}

/** The outcome of a call, as `call-end` reports it. */
export type CallOutcome = "success" | "error" | "aborted";

/**
 * Something that happened during a call (every such event carries the call's `callId`), or to
 * the router (`policy-reload`, `state`). Strings are already redacted.
 */
export type RouterEvent =
  | {
      /** The request is valid and its route chosen. */
      type: "call-start";
      callId: string;
      route: string;
      streaming: boolean;
      /** The route's `select` rule that chose it, when one did. */
      rule?: number;
      maxTokens?: number;
      tags?: string[];
      metadata?: Record<string, string>;
    }
  | {
      type: "attempt";
      callId: string;
      route: string;
      target: string;
      provider: string;
      model: string;
      /** 1 for the first attempt on this target within the call, 2 for its first retry, … */
      attempt: number;
      /** The hedged request of the call. */
      hedge?: boolean;
      outcome: string;
      errorKind?: string;
      status?: number;
      ms: number;
      /** Time to the attempt's first part, ms. */
      ttftMs?: number;
      costUsd: number;
      /** The provider may have charged for it. */
      possiblyBilled: boolean;
      inputTokens?: number;
      outputTokens?: number;
      finishReason?: string;
      requestId?: string;
    }
  | { type: "retry"; callId: string; route: string; target: string; attempt: number; delayMs: number }
  /** A hedged request to `hedge` went out because `target` had no first token after `delayMs`. */
  | { type: "hedge"; callId: string; route: string; target: string; hedge: string; delayMs: number }
  | { type: "fallback"; callId: string; route: string; from: string; to: string; reason: string }
  /** A target was skipped (another could take the call) or waited on, until `until` (ms since epoch). */
  | {
      type: "paused";
      callId: string;
      route: string;
      target: string;
      until: number;
      reason: "retry-after" | "rate-limit";
      action: "skipped" | "waited";
    }
  | {
      /** Once per call, whatever happened; a request that failed validation has no `call-start` before it. */
      type: "call-end";
      callId: string;
      outcome: CallOutcome;
      /** The route the call ended on (absent when the request was invalid). */
      route?: string;
      target?: string;
      provider?: string;
      model?: string;
      streaming: boolean;
      /** From `chat()` to the result or the error, ms. */
      latencyMs: number;
      /** Time to the first part of the answer, ms, when one arrived. */
      ttftMs?: number;
      attempts: number;
      usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number };
      costUsd: number;
      finishReason?: string;
      /** What the route's response cache did; absent when the route has none. A hit's usage is the original's. */
      cache?: "hit" | "miss" | "bypass";
      /** The error's name (`AllTargetsFailedError`, …) and message, when the call failed. */
      errorType?: string;
      errorMessage?: string;
      tags?: string[];
      metadata?: Record<string, string>;
    }
  | { type: "policy-reload"; ok: boolean; message?: string }
  /** The shared state store (Redis) became unavailable, or is back; see docs/running-many-replicas.md. */
  | { type: "state"; status: "unavailable" | "restored"; message: string };

/** Everything a call needs; built by the router from the policy and shared by every call. */
export interface RoutingContext {
  routes: ReadonlyMap<string, Route>;
  targets: ReadonlyMap<string, Target>;
  models: ReadonlyMap<string, LanguageModel>;
  defaultRoute: string;
  /** The policy's `select` rules, in order. @default none */
  select?: readonly RouteRule[];
  filters: readonly Filter[];
  strategy(name: StrategyName): Strategy;
  store: StateStore;
  gate(target: string): AdmissionGate | undefined;
  /** The target's model as an embedding model, when its provider has an embeddings API. */
  embeddingModel(target: string): EmbeddingModel | undefined;
  /** Live load of the engine behind a target (the local engine reports it). */
  load(target: string): LoadMetrics | undefined;
  /** Calls placed on each target and not finished. */
  occupancy: Occupancy;
  /** Which target served which prompt prefix (replicas of one model). */
  affinity: PrefixAffinity;
  retryBudget: RetryBudgetLike;
  /**
   * Counts the request's prompt tokens once, in slices that leave the event loop free, and keeps
   * the count for `estimate`; rejects with the signal's reason (the call's deadline or abort).
   */
  countPrompt(request: ChatRequest, signal?: AbortSignal, targets?: readonly Target[]): Promise<number>;
  /** The request's estimate; its prompt count must have been awaited with `countPrompt` first. */
  estimate(request: ChatRequest, target?: Target): RequestEstimate;
  /**
   * Prompt tokens `target` can bill at most for the request: its model's own count where it has
   * one (`LanguageModel.countPromptTokens`), else its tokenizer family's count where that is known,
   * else a bound no tokenizer exceeds (see `TokenizerFamily`). Cost estimates use it;
   * `countPrompt` must have been awaited with the target among `targets`.
   */
  billablePromptTokens(request: ChatRequest, target: Target): number;
  /** `countTokens` as `target` bills it at most (continued text sent as part of a prompt). */
  countBillableTokens(text: string, target: Target): Promise<number>;
  estimateCostUsd(price: Price, inputTokens: number, outputTokens: number): number;
  actualCostUsd(price: Price, usage: Usage): number;
  /** Tokens of an answer's text when the provider reported none; bounded however long the text. */
  countTokens(text: string): Promise<number>;
  redact(text: string): string;
  /** Every configured secret: stream parts, results, errors and traces pass it on their way out. */
  secrets: SecretRedactor;
  random(): number;
  /** Router-level events (`policy-reload`, `state`); a call reports through its `CallObserver`. */
  emit(event: RouterEvent): void;
  /** Everything that watches calls (`onEvent`, OpenTelemetry, the logger, the call log). */
  telemetry: TelemetrySink;
  /** The response caches of the routes that have one. @default none (nothing is cached) */
  responseCache?: ResponseCache;
  /**
   * Spend keys an attempt on `target` is charged to: "route:<name>", "tag:<tag>" for each of the
   * request's tags, "target:<id>" (a replica's policy target) and "provider:<id>".
   */
  spendKeys(route: Route, request: ChatRequest, target: Target): string[];
  /** The daily limits among those spend keys. */
  dailyBudgets(route: Route, request: ChatRequest, target: Target): DailyLimit[];
}
