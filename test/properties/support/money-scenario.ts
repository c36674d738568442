import fc from "fast-check";
import { expect } from "vitest";
import {
  type ChatResult,
  createRouter,
  type RouterEvent,
  type RouteTrace,
  type StateStore,
  SwitchyardError,
} from "../../../index.js";
import type { PolicyFile } from "../../../src/config/index.js";
import { anthropicShape, openaiShape } from "../../faults/support/provider-shapes.js";
import { answer, cutBody, fail, frames, hang, type Reply, reset } from "../../faults/support/replies.js";
import { Upstream } from "../../faults/support/upstream.js";
import { mswServer } from "../../support/msw-server.js";

/** What an upstream does with one request. */
const faults = [
  "ok",
  "server",
  "rate-limit",
  "reset",
  "hang",
  "truncated",
  "error-after-tokens",
  "bad-request",
] as const;
type Fault = (typeof faults)[number];

/**
 * What an answer reports using: one prompt token and one output token (an Anthropic stream
 * reports 9 prompt tokens in its opening), within any estimate of the request below (its prompt
 * counts more than 9 tokens, and it allows 2 output tokens). Interrupted streams deliver "Hel",
 * one token. So no attempt costs more than its estimate, the premise of the guarantee under test.
 */
const billed = { inputTokens: 1, outputTokens: 1 };

function replyFor(fault: Fault, streaming: boolean): Reply {
  switch (fault) {
    case "ok":
      return answer("Hello", billed);
    case "server":
      return fail("server");
    case "rate-limit":
      return fail("rate-limit", { headers: { "retry-after-ms": "1" } });
    case "reset":
      return reset();
    case "hang":
      return hang();
    case "truncated":
      return streaming ? frames((wire) => wire.opening(["Hel"])) : cutBody();
    case "error-after-tokens":
      return streaming
        ? frames((wire) => [...wire.opening(["Hel"]), wire.errorEvent("overloaded mid-answer")])
        : cutBody();
    case "bad-request":
      return fail("bad-request");
  }
}

/** A daily budget as a multiple of the largest attempt estimate; mostly absent. */
const dailyFactor = fc.option(
  fc.integer({ min: 3, max: 400 }).map((quarters) => quarters / 4),
  { nil: undefined, freq: 2 },
);
const callFactor = fc.option(
  fc.integer({ min: 3, max: 16 }).map((quarters) => quarters / 4),
  { nil: undefined, freq: 2 },
);

export const moneyScenario = fc.record({
  /** Calls in flight at once. */
  calls: fc.oneof(
    { arbitrary: fc.integer({ min: 100, max: 150 }), weight: 3 },
    fc.integer({ min: 1, max: 99 }),
  ),
  streaming: fc.boolean(),
  hedge: fc.boolean(),
  continueOnInterrupt: fc.boolean(),
  providers: fc.array(
    fc.record({
      anthropic: fc.boolean(),
      script: fc.array(fc.oneof(fc.constant<Fault>("ok"), fc.constantFrom(...faults)), {
        minLength: 1,
        maxLength: 6,
      }),
      dailyFactor,
    }),
    { minLength: 1, maxLength: 2 },
  ),
  targets: fc.array(
    fc.record({
      provider: fc.nat(1),
      input: fc.double({ min: 0.05, max: 60, noNaN: true }),
      output: fc.double({ min: 0.05, max: 120, noNaN: true }),
      maxAttempts: fc.integer({ min: 1, max: 3 }),
      dailyFactor,
    }),
    { minLength: 1, maxLength: 3 },
  ),
  routeDaily: dailyFactor,
  tagDaily: dailyFactor,
  routeCall: callFactor,
  requestCall: callFactor,
});
export type MoneyScenario = typeof moneyScenario extends fc.Arbitrary<infer Value> ? Value : never;

export interface MoneyRun {
  /** A fresh, empty store for one scenario. */
  store(): Promise<StateStore>;
  /** Lets time pass until `settled()` (fake timers advance; real ones wait). */
  drive(settled: () => boolean): Promise<void>;
  /** First-token and idle timeout of every try. */
  tryTimeoutMs: number;
  /**
   * How exactly the store keeps dollars: Redis keeps integer nano-dollars, each recorded cost
   * rounded to the nearest, so a key may end up to that much per attempt from the exact sum.
   * @default 0
   */
  precisionUsd?: number;
}

const request = {
  messages: [
    { role: "user" as const, content: "Summarize this support ticket in one short sentence, please." },
  ],
  maxTokens: 2,
  tags: ["batch"],
};

/**
 * Runs `calls` concurrent calls through one router over scripted upstreams (retries, hedges,
 * mid-stream faults, fallbacks) and checks that no cap was overspent: the call's (the stricter
 * of request and route), the route's, the tag's, every target's and every provider's daily
 * budget; that the store's ledger equals the attempts' costs, no hold left behind; and that every
 * call ended in one result or one typed error.
 */
export async function checkMoneyScenario(scenario: MoneyScenario, run: MoneyRun): Promise<void> {
  mswServer.resetHandlers();
  // Each upstream plays its script over and over, so faults keep coming while calls are in flight.
  const upstreams = scenario.providers.map((provider, index) =>
    new Upstream(`p${index}`, provider.anthropic ? anthropicShape : openaiShape).replies(
      ...Array.from({ length: scenario.calls * 4 }, (_, position) =>
        replyFor(provider.script[position % provider.script.length] ?? "ok", scenario.streaming),
      ),
    ),
  );
  mswServer.use(...upstreams.map((upstream) => upstream.handler()));
  const providerOf = (target: MoneyScenario["targets"][number]) =>
    upstreams[target.provider % upstreams.length] as Upstream;
  const targetIds = scenario.targets.map((_, index) => `t${index}`);
  const base: PolicyFile = {
    providers: Object.fromEntries(
      upstreams.map((upstream) => [
        upstream.id,
        upstream.shape.providerConfig(upstream.baseURL, upstream.apiKey),
      ]),
    ),
    targets: Object.fromEntries(
      scenario.targets.map((target, index) => [
        targetIds[index],
        {
          provider: providerOf(target).id,
          model: providerOf(target).shape.model,
          price: { input: target.input, output: target.output },
          maxAttempts: target.maxAttempts,
        },
      ]),
    ),
    routes: { default: { targets: targetIds } },
  };

  // Estimates come from the router itself, before any budget exists.
  const probe = await createRouter({ policy: base, state: await run.store() });
  const plan = await probe.explain(request, { streaming: scenario.streaming });
  await probe.close();
  expect(plan.estimate.promptTokens).toBeGreaterThan(9);
  const estimates = new Map(
    plan.ranked.map((candidate) => [candidate.target.id, candidate.estimatedCostUsd]),
  );
  const largest = Math.max(...estimates.values());
  const usd = (factor: number | undefined) => (factor === undefined ? undefined : factor * largest);

  const daily = new Map<string, number>();
  const set = (key: string, factor: number | undefined) => {
    const limit = usd(factor);
    if (limit !== undefined) daily.set(key, limit);
  };
  set("route:default", scenario.routeDaily);
  set("tag:batch", scenario.tagDaily);
  for (const [index, target] of scenario.targets.entries())
    set(`target:${targetIds[index]}`, target.dailyFactor);
  for (const [index, upstream] of upstreams.entries()) {
    set(`provider:${upstream.id}`, scenario.providers[index]?.dailyFactor);
  }
  const routeCapUsd = usd(scenario.routeCall);
  const requestCapUsd = usd(scenario.requestCall);
  const budgetsOf = (kind: string) =>
    Object.fromEntries(
      [...daily].flatMap(([key, dailyUsd]) =>
        key.startsWith(`${kind}:`) ? [[key.slice(kind.length + 1), { dailyUsd }]] : [],
      ),
    );
  const policy: PolicyFile = {
    ...base,
    routes: {
      default: {
        targets: targetIds,
        firstTokenTimeoutMs: run.tryTimeoutMs,
        idleTimeoutMs: run.tryTimeoutMs,
        timeoutMs: 60_000,
        continueOnInterrupt: scenario.continueOnInterrupt,
        ...(scenario.hedge
          ? { hedge: { enabled: true, delayMs: run.tryTimeoutMs / 4, maxExtraCostUsd: 1 } }
          : {}),
        budget: {
          ...(daily.has("route:default") ? { dailyUsd: daily.get("route:default") } : {}),
          ...(routeCapUsd === undefined ? {} : { maxCostUsd: routeCapUsd }),
        },
      },
    },
    budgets: { tags: budgetsOf("tag"), targets: budgetsOf("target"), providers: budgetsOf("provider") },
  };

  const store = await run.store();
  const events: RouterEvent[] = [];
  const router = await createRouter({
    policy,
    state: store,
    random: () => 0,
    onEvent: (event) => events.push(event),
  });
  const call = {
    ...request,
    ...(requestCapUsd === undefined ? {} : { budget: { maxCostUsd: requestCapUsd } }),
  };
  const outcomes: { settled: boolean; value?: ChatResult; error?: unknown }[] = [];
  const calls = Array.from({ length: scenario.calls }, () => {
    const outcome: (typeof outcomes)[number] = { settled: false };
    outcomes.push(outcome);
    const promise = scenario.streaming ? router.stream(call).result : router.chat(call);
    return promise.then(
      (value) => Object.assign(outcome, { settled: true, value }),
      (error: unknown) => Object.assign(outcome, { settled: true, error }),
    );
  });
  await run.drive(() => outcomes.every((outcome) => outcome.settled));
  await Promise.all(calls);

  const attempts = events.filter(
    (event): event is Extract<RouterEvent, { type: "attempt" }> => event.type === "attempt",
  );
  const tolerance = 1 + 1e-9;
  // The premise: no attempt cost more than its estimate.
  for (const attempt of attempts) {
    expect(attempt.costUsd).toBeLessThanOrEqual((estimates.get(attempt.target) ?? 0) * tolerance);
  }
  // Every call: one result or one typed error, and within the stricter of the two per-call caps.
  const capUsd = Math.min(routeCapUsd ?? Number.POSITIVE_INFINITY, requestCapUsd ?? Number.POSITIVE_INFINITY);
  for (const outcome of outcomes) {
    if (outcome.error !== undefined) expect(SwitchyardError.isInstance(outcome.error)).toBe(true);
    const trace = outcome.value?.route ?? traceOf(outcome.error);
    const callUsd = trace?.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0) ?? 0;
    expect(callUsd).toBeLessThanOrEqual(capUsd * tolerance);
  }
  // Every daily budget: what its attempts cost, never more than the limit.
  const keysOf = (target: string) => {
    const index = targetIds.indexOf(target);
    const provider = scenario.targets[index] ? providerOf(scenario.targets[index]).id : "";
    return ["route:default", "tag:batch", `target:${target}`, `provider:${provider}`];
  };
  const spent = new Map<string, number>();
  for (const attempt of attempts) {
    for (const key of keysOf(attempt.target)) spent.set(key, (spent.get(key) ?? 0) + attempt.costUsd);
  }
  const slackUsd = 1e-15 + (run.precisionUsd ?? 0) * attempts.length;
  for (const [key, limitUsd] of daily) {
    expect(spent.get(key) ?? 0, key).toBeLessThanOrEqual(limitUsd * tolerance + slackUsd);
  }
  // Settled truthfully: the ledger holds exactly what the attempts cost, and no hold is left.
  const keys = [...spent.keys()];
  const ledger = (await store.snapshot([], keys)).spendUsd;
  for (const key of keys) {
    const differenceUsd = Math.abs((ledger.get(key) ?? 0) - (spent.get(key) ?? 0));
    expect(differenceUsd, key).toBeLessThanOrEqual((spent.get(key) ?? 0) * 1e-12 + slackUsd);
  }
  await router.close();
}

function traceOf(error: unknown): RouteTrace | undefined {
  if (typeof error !== "object" || error === null || !("trace" in error)) return undefined;
  const trace = (error as { trace: unknown }).trace;
  return typeof trace === "object" && trace !== null && "attempts" in trace
    ? (trace as RouteTrace)
    : undefined;
}
