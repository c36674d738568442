import type {
  ChatRequest,
  DailyLimit,
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

/** Something that happened during a call, for telemetry. Strings are already redacted. */
export type RouterEvent =
  | {
      type: "attempt";
      route: string;
      target: string;
      outcome: string;
      errorKind?: string;
      ms: number;
      costUsd: number;
      /** The provider may have charged for it. */
      possiblyBilled: boolean;
    }
  | { type: "retry"; route: string; target: string; attempt: number; delayMs: number }
  /** A hedged request to `hedge` went out because `target` had no first token after `delayMs`. */
  | { type: "hedge"; route: string; target: string; hedge: string; delayMs: number }
  | { type: "fallback"; route: string; from: string; reason: string }
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
  emit(event: RouterEvent): void;
  /**
   * Spend keys an attempt on `target` is charged to: "route:<name>", "tag:<tag>" for each of the
   * request's tags, "target:<id>" (a replica's policy target) and "provider:<id>".
   */
  spendKeys(route: Route, request: ChatRequest, target: Target): string[];
  /** The daily limits among those spend keys. */
  dailyBudgets(route: Route, request: ChatRequest, target: Target): DailyLimit[];
}
