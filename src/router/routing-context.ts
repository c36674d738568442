import type {
  ChatRequest,
  LanguageModel,
  Price,
  RequestEstimate,
  Route,
  RoutingPolicy,
  StateStore,
  StrategyName,
  Target,
  Usage,
} from "../core/index.js";

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
    }
  | { type: "retry"; route: string; target: string; attempt: number; delayMs: number }
  | { type: "fallback"; route: string; from: string; reason: string }
  | { type: "policy-reload"; ok: boolean; message?: string };

/** Everything a call needs; built by the router from the policy and shared by every call. */
export interface RoutingContext {
  routes: ReadonlyMap<string, Route>;
  targets: ReadonlyMap<string, Target>;
  models: ReadonlyMap<string, LanguageModel>;
  defaultRoute: string;
  filters: readonly RoutingPolicy[];
  strategy(name: StrategyName): RoutingPolicy;
  store: StateStore;
  gate(target: string): AdmissionGate | undefined;
  retryBudget: RetryBudgetLike;
  estimate(request: ChatRequest, target?: Target): RequestEstimate;
  estimateCostUsd(price: Price, inputTokens: number, outputTokens: number): number;
  actualCostUsd(price: Price, usage: Usage): number;
  countTokens(text: string): number;
  redact(text: string): string;
  random(): number;
  emit(event: RouterEvent): void;
  /** Spend keys a call is charged to: "route:<name>" and "tag:<tag>". */
  spendKeys(route: Route, request: ChatRequest): string[];
  /** Daily limits by spend key. */
  dailyLimits: ReadonlyMap<string, number>;
}
