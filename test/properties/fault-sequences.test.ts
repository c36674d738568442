import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ChatResult, type StreamPart, SwitchyardError } from "../../index.js";
import type { RouterEvent } from "../../src/router/routing-context.js";
import { startHarness, type Tracked, track, useFakeClock } from "../faults/support/fault-harness.js";
import { type LocalStep, localEngineDouble } from "../faults/support/local-engine-double.js";
import { anthropicShape, openaiShape } from "../faults/support/provider-shapes.js";
import { answer, cutBody, fail, frames, hang, type Reply, reset } from "../faults/support/replies.js";
import { leakedSecrets } from "../faults/support/secret-scan.js";
import { Upstream } from "../faults/support/upstream.js";
import { mswServer, useMswServer } from "../support/msw-server.js";

useMswServer();
useFakeClock();

const faults = [
  "ok",
  "rate-limit",
  "rate-limit-long",
  "server",
  "overloaded",
  "reset",
  "hang",
  "truncated",
  "error-after-tokens",
  "bad-request",
  "auth",
  "quota",
] as const;
type Fault = (typeof faults)[number];

/** Failures a provider does not charge for: the request was refused before any generation. */
const neverBilled: ReadonlySet<Fault> = new Set([
  "rate-limit",
  "rate-limit-long",
  "server",
  "overloaded",
  "bad-request",
  "auth",
  "quota",
]);

/** Outcomes that were surely generated (or may have been): the attempt must carry a cost. */
function surelyBilled(fault: Fault, streaming: boolean): boolean {
  return (
    fault === "ok" ||
    fault === "hang" ||
    (streaming && (fault === "truncated" || fault === "error-after-tokens"))
  );
}

/**
 * What an answer reports using: within any estimate (the prompt estimate is at least a token and
 * the request allows 2 output tokens), so the budget guarantee's premise holds.
 */
const reportedUsage = { inputTokens: 1, outputTokens: 1 };

/** Every error body echoes the caller's key, so redaction is exercised on every failure. */
function replyFor(fault: Fault, key: string, streaming: boolean): Reply {
  const message = `request with key ${key} failed`;
  switch (fault) {
    case "ok":
      return answer("Hello", reportedUsage);
    case "rate-limit":
      return fail("rate-limit", { message, headers: { "retry-after": "1" } });
    case "rate-limit-long":
      return fail("rate-limit", { message, headers: { "retry-after": "3600" } });
    case "server":
      return fail("server", { message });
    case "overloaded":
      return fail("overloaded", { message });
    case "reset":
      return reset();
    case "hang":
      return hang();
    case "truncated":
      return streaming ? frames((wire) => wire.opening(["Hel"])) : cutBody();
    case "error-after-tokens":
      return streaming ? frames((wire) => [...wire.opening(["Hel"]), wire.errorEvent(message)]) : cutBody();
    case "bad-request":
      return fail("bad-request", { message });
    case "auth":
      return fail("auth", { message });
    case "quota":
      return fail("quota", { message });
  }
}

/** A success about one request in three, so chains both recover and run dry. */
const faultArbitrary = fc.oneof(
  { arbitrary: fc.constant<Fault>("ok"), weight: 5 },
  { arbitrary: fc.constantFrom(...faults.filter((fault) => fault !== "ok")), weight: 11 },
);

const targetArbitrary = fc.record({
  anthropic: fc.boolean(),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  script: fc.array(faultArbitrary, { minLength: 1, maxLength: 3 }),
});

const localArbitrary = fc.record({
  position: fc.nat(4),
  script: fc.array(fc.constantFrom<LocalStep>("ok", "crash"), { minLength: 1, maxLength: 2 }),
  localOnly: fc.boolean(),
});

const scenarioArbitrary = fc.record({
  targets: fc.array(targetArbitrary, { minLength: 1, maxLength: 4 }),
  streaming: fc.boolean(),
  continueOnInterrupt: fc.boolean(),
  budgetFactor: fc.oneof(fc.constant(undefined), fc.constantFrom(0.5, 1.05, 1.5, 3, 20)),
  // Mostly remote chains; a local target (sometimes the only one allowed) in one run of four.
  local: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: localArbitrary, weight: 1 }),
});
type Scenario = typeof scenarioArbitrary extends fc.Arbitrary<infer Value> ? Value : never;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

/** Runs one call through a fresh router over scripted upstreams and checks every invariant. */
async function checkScenario(scenario: Scenario): Promise<void> {
  mswServer.resetHandlers();
  const upstreams = scenario.targets.map((target, index) => {
    const upstream = new Upstream(`t${index}`, target.anthropic ? anthropicShape : openaiShape);
    return upstream.replies(
      ...target.script.map((fault) => replyFor(fault, upstream.apiKey, scenario.streaming)),
    );
  });
  const order = upstreams.map((upstream) => upstream.id);
  const local = scenario.local ? localEngineDouble(scenario.local.script) : undefined;
  if (scenario.local) order.splice(Math.min(scenario.local.position, order.length), 0, "local");
  const { router, events } = await startHarness({
    targets: Object.fromEntries(
      upstreams.map((upstream, index) => [
        upstream.id,
        { upstream, maxAttempts: scenario.targets[index]?.maxAttempts ?? 1 },
      ]),
    ),
    routes: {
      default: {
        targets: order,
        firstTokenTimeoutMs: 1000,
        idleTimeoutMs: 1000,
        timeoutMs: 60_000,
        continueOnInterrupt: scenario.continueOnInterrupt,
      },
    },
    ...(local
      ? {
          extraProviders: { engine: { type: "local" as const, model: "./models/tiny-llama.gguf" } },
          extraTargets: { local: { provider: "engine", model: "tiny-llama" } },
          providers: [local],
        }
      : {}),
  });
  const localOnly = scenario.local?.localOnly === true;
  const request = {
    messages: [{ role: "user" as const, content: "hi" }],
    // Small, so estimates are close to real costs and budgets bind after a billed failure.
    maxTokens: 2,
    ...(localOnly ? { privacy: "local-only" as const } : {}),
  };
  const plan = await router.explain(request, { streaming: scenario.streaming }).catch(() => undefined);
  const estimates = new Map(
    plan?.ranked.map((candidate) => [candidate.target.id, candidate.estimatedCostUsd]),
  );
  const maxCostUsd =
    scenario.budgetFactor === undefined
      ? undefined
      : Math.max(1e-9, ...estimates.values()) * scenario.budgetFactor;
  const call = { ...request, ...(maxCostUsd !== undefined ? { budget: { maxCostUsd } } : {}) };

  const parts: StreamPart[] = [];
  let reading: Tracked<void> | undefined;
  let outcome: Tracked<ChatResult>;
  if (scenario.streaming) {
    const stream = router.stream(call);
    outcome = track(stream.result);
    reading = track(
      (async () => {
        for await (const part of stream) parts.push(part);
      })(),
    );
  } else {
    outcome = track(router.chat(call));
  }
  for (let step = 0; step < 200 && !(outcome.settled && (reading?.settled ?? true)); step++) {
    await vi.advanceTimersByTimeAsync(500);
  }
  expect(outcome.settled).toBe(true);
  const settled = await outcome.promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

  // Exactly one terminal outcome: a result or one typed error; a stream ends in one matching part.
  if (settled.error !== undefined) expect(SwitchyardError.isInstance(settled.error)).toBe(true);
  if (reading) {
    await reading.promise;
    const terminal = parts.filter((part) => part.type === "finish" || part.type === "error");
    expect(terminal).toHaveLength(1);
    expect(parts.at(-1)).toBe(terminal[0]);
    const last = terminal[0];
    if (last?.type === "finish") expect(last.result).toBe(settled.value);
    if (last?.type === "error") expect(last.error).toBe(settled.error);
  }

  // Attempts per target stay within maxAttempts; a local-only request never calls a remote target.
  upstreams.forEach((upstream, index) => {
    expect(upstream.count).toBeLessThanOrEqual(scenario.targets[index]?.maxAttempts ?? 0);
  });
  if (localOnly) expect(upstreams.map((upstream) => upstream.count)).toEqual(upstreams.map(() => 0));

  // Every request that reached a server has one record, priced by what it cost or may have cost.
  const attempts = events.filter(
    (event): event is Extract<RouterEvent, { type: "attempt" }> => event.type === "attempt",
  );
  upstreams.forEach((upstream, index) => {
    const records = attempts.filter((attempt) => attempt.target === upstream.id);
    expect(records).toHaveLength(upstream.count);
    const script = scenario.targets[index]?.script ?? [];
    records.forEach((record, position) => {
      const fault = script[Math.min(position, script.length - 1)] ?? "ok";
      if (neverBilled.has(fault)) expect(record.costUsd).toBe(0);
      if (surelyBilled(fault, scenario.streaming)) expect(record.costUsd).toBeGreaterThan(0);
    });
  });
  for (const attempt of attempts) {
    expect(attempt.costUsd > 0 ? attempt.possiblyBilled : true).toBe(true);
  }
  const recordedUsd = attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
  if (settled.value) expect(settled.value.costUsd).toBeCloseTo(recordedUsd, 15);
  const trace = settled.value?.route ?? traceOf(settled.error);
  if (trace) {
    expect(trace.attempts).toHaveLength(attempts.length);
    expect(trace.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0)).toBeCloseTo(recordedUsd, 15);
  }
  // Spend stays within the call's budget: no attempt went out unless what was already spent (retries
  // and possibly billed failures included) plus its estimate fitted.
  if (maxCostUsd !== undefined) {
    expect(recordedUsd).toBeLessThanOrEqual(maxCostUsd * (1 + 1e-9));
    let spentUsd = 0;
    for (const attempt of attempts) {
      expect(spentUsd + (estimates.get(attempt.target) ?? 0)).toBeLessThanOrEqual(maxCostUsd * (1 + 1e-9));
      spentUsd += attempt.costUsd;
    }
  }

  // No key in anything the call emitted.
  const keys = upstreams.map((upstream) => upstream.apiKey);
  expect(leakedSecrets({ settled, parts, events }, keys)).toEqual([]);
  await router.close();
  await vi.advanceTimersByTimeAsync(0);
  expect(unhandled).toEqual([]);
}

function traceOf(error: unknown) {
  if (typeof error !== "object" || error === null || !("trace" in error)) return undefined;
  const trace = (error as { trace: unknown }).trace;
  return typeof trace === "object" && trace !== null && "attempts" in trace
    ? (trace as ChatResult["route"])
    : undefined;
}

describe("random fault sequences over random fallback chains", () => {
  it("keep every call within its attempts, budget and records, with one typed outcome and no secret", async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary, checkScenario), { numRuns: 80 });
  }, 120_000);

  it("never make a remote call for a local-only request, whatever the chain", async () => {
    const localOnlyScenario = scenarioArbitrary.map((scenario) => ({
      ...scenario,
      local: {
        position: scenario.local?.position ?? 0,
        script: scenario.local?.script ?? ["crash"],
        localOnly: true,
      },
    }));
    await fc.assert(fc.asyncProperty(localOnlyScenario, checkScenario), { numRuns: 40 });
  }, 120_000);
});
