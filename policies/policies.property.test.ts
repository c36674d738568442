import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  Candidate,
  ChatRequest,
  Filter,
  HealthState,
  LatencyStats,
  PolicyInput,
  StrategyName,
  Target,
} from "../src/core/index.js";
import { builtinPolicies } from "./builtin-policies.js";
import { capabilitiesPolicy } from "./capabilities/index.js";
import { costPolicy } from "./cost/index.js";
import { healthPolicy } from "./health/index.js";
import { strategyFor } from "./strategy-for.js";
import { makeInput, makeTarget } from "./test/policy-input.js";

const now = 1_000_000;

/** Undefined three times in four: needs, faults and budgets are each the exception, not the rule. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
}

/** True three times in four: most targets can do most things. */
const mostly = fc.oneof(
  { arbitrary: fc.constant(true), weight: 3 },
  { arbitrary: fc.constant(false), weight: 1 },
);

const targetsArbitrary: fc.Arbitrary<Target[]> = fc
  .array(
    fc.record({
      logprobs: fc.constantFrom(0, 1, 5, 20, 20),
      tools: mostly,
      jsonSchema: mostly,
      streaming: mostly,
      contextWindow: fc.constantFrom(4096, 8192, 32_000, 200_000),
      maxOutputTokens: rarely(fc.constantFrom(1024, 4096, 16_384)),
      local: fc.boolean(),
      noTraining: fc.boolean(),
      weight: fc.constantFrom(0, 1, 3),
      tier: fc.constantFrom("strong" as const, "weak" as const, undefined),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((entries) =>
    entries.map(({ weight, tier, maxOutputTokens, ...capabilities }, index) =>
      makeTarget(`t${index}`, {
        weight,
        ...(tier ? { tier } : {}),
        capabilities: { ...capabilities, ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }) },
      }),
    ),
  );

const requestArbitrary: fc.Arbitrary<Partial<ChatRequest>> = fc.record({
  logprobs: rarely(fc.record({ topK: fc.integer({ min: 1, max: 20 }) })),
  tools: rarely(fc.constant([{ name: "lookup", parameters: { type: "object" } }])),
  responseFormat: rarely(fc.constant({ type: "json_schema" as const, schema: { type: "object" } })),
  maxTokens: rarely(fc.integer({ min: 1, max: 6000 })),
  privacy: rarely(fc.constantFrom("local-only" as const, "no-training" as const)),
  budget: rarely(fc.record({ maxCostUsd: fc.double({ min: 0, max: 0.05, noNaN: true }) })),
  slo: rarely(fc.record({ ttftMs: fc.integer({ min: 1, max: 5000 }) })),
});

const healthArbitrary: fc.Arbitrary<HealthState | undefined> = rarely(
  fc.record({
    breaker: fc.constantFrom("closed" as const, "open" as const, "half-open" as const),
    ejectedUntil: fc.option(fc.integer({ min: now - 60_000, max: now + 60_000 }), { nil: undefined }),
    consecutiveFailures: fc.nat(10),
    ejections: fc.nat(5),
    windowCalls: fc.nat(100),
    windowFailures: fc.nat(100),
    openedAt: fc.integer({ min: now - 60_000, max: now }),
  }),
);

const statsArbitrary: fc.Arbitrary<LatencyStats | undefined> = fc.option(
  fc.record({
    ttftMs: fc.integer({ min: 10, max: 10_000 }),
    ttftP95Ms: fc.integer({ min: 10, max: 20_000 }),
    outputTokensPerSec: fc.double({ min: 1, max: 500, noNaN: true }),
    samples: fc.double({ min: 0, max: 100, noNaN: true }),
    updatedAt: fc.constant(now),
  }),
  { nil: undefined },
);

/** A whole policy input over generated targets, request, state and estimate. */
const inputArbitrary: fc.Arbitrary<PolicyInput> = targetsArbitrary.chain((targets) =>
  fc
    .record({
      request: requestArbitrary,
      streaming: fc.boolean(),
      promptTokens: fc.integer({ min: 1, max: 10_000 }),
      health: fc.array(healthArbitrary, { minLength: targets.length, maxLength: targets.length }),
      latency: fc.array(statsArbitrary, { minLength: targets.length, maxLength: targets.length }),
      waits: fc.array(rarely(fc.integer({ min: 0, max: 10_000 })), {
        minLength: targets.length,
        maxLength: targets.length,
      }),
      costs: fc.array(fc.double({ min: 0, max: 0.02, noNaN: true }), {
        minLength: targets.length,
        maxLength: targets.length,
      }),
      routePrivacy: rarely(fc.constantFrom("local-only" as const, "no-training" as const)),
    })
    .map(({ request, streaming, promptTokens, health, latency, waits, costs, routePrivacy }) => {
      const entries = <T>(values: (T | undefined)[]) =>
        new Map(
          values.flatMap((value, index) =>
            value === undefined ? [] : [[targets[index]!.id, value] as const],
          ),
        );
      return makeInput(targets, {
        request,
        streaming,
        route: routePrivacy ? { privacy: routePrivacy } : {},
        estimate: { promptTokens, maxOutputTokens: request.maxTokens ?? 1024 },
        limits: {
          ...(request.budget?.maxCostUsd === undefined ? {} : { maxCostUsd: request.budget.maxCostUsd }),
          slo: request.slo ?? {},
        },
        costs: Object.fromEntries(costs.map((cost, index) => [targets[index]!.id, cost])),
        snapshot: { now, health: entries(health), latency: entries(latency), queueWaitMs: entries(waits) },
      });
    }),
);

/** Applies filters in order, each to what the previous ones kept, as the router does. */
function runFilters(policies: readonly Filter[], input: PolicyInput) {
  let candidates: readonly Candidate[] = input.candidates;
  const rejected: { target: string; reason: string }[] = [];
  for (const policy of policies) {
    const rejections = policy.filter({ ...input, candidates });
    const removed = new Set(rejections.map((rejection) => rejection.target));
    candidates = candidates.filter((candidate) => !removed.has(candidate.target.id));
    rejected.push(...rejections);
  }
  return { kept: candidates, rejected };
}

describe("policy properties", () => {
  it("a local-only call never keeps a non-local target, whatever else holds", () => {
    let remoteOtherwiseKept = 0;
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const localOnly = { ...input, request: { ...input.request, privacy: "local-only" as const } };
        const { kept } = runFilters(builtinPolicies(), localOnly);
        expect(kept.every((candidate) => candidate.target.capabilities.local)).toBe(true);
        const anyPrivacy = {
          ...input,
          request: { ...input.request, privacy: undefined },
          route: { ...input.route, privacy: undefined },
        };
        const keptAnyway = runFilters(builtinPolicies(), anyPrivacy).kept;
        if (keptAnyway.some((candidate) => !candidate.target.capabilities.local)) remoteOtherwiseKept += 1;
      }),
      { numRuns: 200 },
    );
    // The property is only as good as its inputs: remote targets must often pass every other filter.
    expect(remoteOtherwiseKept).toBeGreaterThan(30);
  });

  it("never drops a requested need: every kept target meets every need, every removed one has a reason", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const rejections = capabilitiesPolicy.filter?.(input) ?? [];
        const removed = new Set(rejections.map((rejection) => rejection.target));
        const { request, estimate } = input;
        for (const { target } of input.candidates) {
          const capabilities = target.capabilities;
          const meetsAll =
            (request.logprobs === undefined || capabilities.logprobs >= request.logprobs.topK) &&
            (!request.tools?.length || capabilities.tools) &&
            (request.responseFormat?.type !== "json_schema" || capabilities.jsonSchema) &&
            (!input.streaming || capabilities.streaming) &&
            estimate.promptTokens + estimate.maxOutputTokens <= capabilities.contextWindow &&
            (request.maxTokens === undefined ||
              capabilities.maxOutputTokens === undefined ||
              capabilities.maxOutputTokens >= request.maxTokens);
          expect(removed.has(target.id)).toBe(!meetsAll);
        }
        expect(rejections.every((rejection) => rejection.reason.length > 0)).toBe(true);
        expect(new Set(rejections.map((rejection) => rejection.target)).size).toBe(rejections.length);
      }),
    );
  });

  it("keeps at least one target unless every breaker is open", () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const removed = new Set((healthPolicy.filter?.(input) ?? []).map((rejection) => rejection.target));
        const someBreakerAllows = input.candidates.some(
          (candidate) => input.snapshot.health.get(candidate.target.id)?.breaker !== "open",
        );
        if (someBreakerAllows) expect(removed.size).toBeLessThan(input.candidates.length);
      }),
    );
  });

  it("keeps real spend within every budget when calls are admitted by their estimate", () => {
    const call = fc.record({
      estimatedUsd: fc.double({ min: 0, max: 0.5, noNaN: true }),
      /** Real cost as a share of the full-length estimate. */
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      tagged: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(call, { maxLength: 40 }),
        (routeDailyUsd, tagDailyUsd, calls) => {
          const spend = new Map<string, number>();
          const target = makeTarget("a");
          for (const { estimatedUsd, share, tagged } of calls) {
            const budgets = [
              { key: "route:chat", limitUsd: routeDailyUsd },
              ...(tagged ? [{ key: "tag:beta", limitUsd: tagDailyUsd }] : []),
            ];
            const input = makeInput([target], {
              route: { name: "chat", budget: { dailyUsd: routeDailyUsd } },
              request: tagged ? { tags: ["beta"] } : {},
              costs: { a: estimatedUsd },
              snapshot: { spendUsd: new Map(spend) },
              limits: { dailyBudgets: new Map([["a", budgets]]) },
            });
            if ((costPolicy.filter?.(input) ?? []).length > 0) continue;
            const keys = tagged ? ["route:chat", "tag:beta"] : ["route:chat"];
            for (const key of keys) spend.set(key, (spend.get(key) ?? 0) + estimatedUsd * share);
            expect(spend.get("route:chat") ?? 0).toBeLessThanOrEqual(routeDailyUsd);
            expect(spend.get("tag:beta") ?? 0).toBeLessThanOrEqual(tagDailyUsd);
          }
        },
      ),
    );
  });

  it("ranks every candidate exactly once, whatever the strategy", () => {
    const names: StrategyName[] = ["ordered", "cheapest", "fastest", "weighted", "quality-threshold"];
    fc.assert(
      fc.property(
        inputArbitrary,
        fc.constantFrom(...names),
        fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (input, name, draws, difficulty) => {
          const random = () => draws.next().value;
          const strategy = strategyFor(name, { random, difficultyScorer: { score: () => difficulty } });
          const ranked = strategy.rank?.(input) ?? [];
          expect(ranked).toHaveLength(input.candidates.length);
          expect(new Set(ranked)).toEqual(new Set(input.candidates));
        },
      ),
    );
  });
});
