import type {
  CallLimits,
  Candidate,
  Capabilities,
  ChatRequest,
  HealthState,
  LatencyStats,
  PolicyInput,
  RequestEstimate,
  Route,
  StateSnapshot,
  Target,
} from "../../src/core/index.js";

export type TargetOverrides = Partial<Omit<Target, "capabilities">> & {
  capabilities?: Partial<Capabilities>;
};

/** A remote target that can do everything, unless told otherwise. */
export function makeTarget(id: string, overrides: TargetOverrides = {}): Target {
  const { capabilities, ...rest } = overrides;
  return {
    id,
    provider: "openai",
    providerType: "openai",
    model: `${id}-model`,
    price: { input: 1, output: 2 },
    limits: {},
    weight: 1,
    maxAttempts: 3,
    ...rest,
    capabilities: {
      logprobs: 20,
      tools: true,
      jsonSchema: true,
      streaming: true,
      vision: true,
      contextWindow: 128_000,
      local: false,
      noTraining: false,
      ...capabilities,
    },
  };
}

export function makeRoute(targets: readonly Target[], overrides: Partial<Route> = {}): Route {
  return {
    name: "default",
    strategy: "ordered",
    targets: targets.map((target) => target.id),
    timeoutMs: 120_000,
    continueOnInterrupt: false,
    fallbackOnContentFilter: false,
    ...overrides,
  };
}

export function makeSnapshot(overrides: Partial<StateSnapshot> = {}): StateSnapshot {
  return {
    now: 1_000_000,
    latency: new Map<string, LatencyStats>(),
    health: new Map<string, HealthState>(),
    spendUsd: new Map<string, number>(),
    queueWaitMs: new Map<string, number>(),
    ...overrides,
  };
}

export function stats(overrides: Partial<LatencyStats> = {}): LatencyStats {
  return {
    ttftMs: 300,
    ttftP95Ms: 500,
    outputTokensPerSec: 100,
    samples: 50,
    updatedAt: 1_000_000,
    ...overrides,
  };
}

export function health(overrides: Partial<HealthState> = {}): HealthState {
  return {
    breaker: "closed",
    consecutiveFailures: 0,
    ejections: 0,
    windowCalls: 0,
    windowFailures: 0,
    ...overrides,
  };
}

export interface InputOverrides {
  request?: Partial<ChatRequest>;
  route?: Partial<Route>;
  estimate?: Partial<RequestEstimate>;
  snapshot?: Partial<StateSnapshot>;
  streaming?: boolean;
  /** Estimated attempt cost per target id. @default 0.001 each */
  costs?: Record<string, number>;
  /** The merged limits the router hands policies. @default the route's deadline, no cap, no SLO, no daily budget */
  limits?: Partial<CallLimits>;
}

/** A policy input over `targets`, in route order. */
export function makeInput(targets: readonly Target[], overrides: InputOverrides = {}): PolicyInput {
  const candidates: Candidate[] = targets.map((target) => ({
    target,
    estimatedCostUsd: overrides.costs?.[target.id] ?? 0.001,
  }));
  const route = makeRoute(targets, overrides.route);
  return {
    request: { messages: [{ role: "user", content: "Hello" }], ...overrides.request },
    route,
    estimate: { promptTokens: 1000, maxOutputTokens: 500, ...overrides.estimate },
    candidates,
    snapshot: makeSnapshot(overrides.snapshot),
    streaming: overrides.streaming ?? false,
    limits: { timeoutMs: route.timeoutMs, slo: {}, dailyBudgets: new Map(), ...overrides.limits },
  };
}

/** The ids a filter rejects, and the kept ones. */
export function rejectedIds(
  policy: { filter?: (input: PolicyInput) => { target: string }[] },
  input: PolicyInput,
) {
  return (policy.filter?.(input) ?? []).map((rejection) => rejection.target);
}
