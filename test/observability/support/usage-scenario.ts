import { expect } from "vitest";
import type { RouterEvent, RouteTrace, StateStore, UsageReport, UsageTotals } from "../../../index.js";
import { startHarness } from "../../faults/support/fault-harness.js";
import { openaiShape } from "../../faults/support/provider-shapes.js";
import { answer, fail, hang, type Reply } from "../../faults/support/replies.js";
import { Upstream } from "../../faults/support/upstream.js";

/** Answers, fails or hangs by what the prompt asks for, so concurrent calls each get their fault. */
const byPrompt: Reply = (call, shape) => {
  const prompt = JSON.stringify(call.body.messages);
  if (prompt.includes("hang")) return hang()(call, shape);
  if (prompt.includes("fail")) return fail("server")(call, shape);
  return answer("fine", { inputTokens: 70, outputTokens: 30 })(call, shape);
};

type Attempt = Extract<RouterEvent, { type: "attempt" }>;

/**
 * 100 concurrent calls on `store` (half streams, four tags): a third fail over from route
 * `default` (target a) to `spare` (target b), a tenth are aborted while a hangs (possibly billed,
 * so they cost their estimate); then `usage()` must equal the sums of the traces' attempts.
 */
export async function expectUsageMatchesTraces(store: StateStore): Promise<UsageReport> {
  const a = new Upstream("a", openaiShape).replies(byPrompt);
  const b = new Upstream("b", openaiShape).replies(answer("spare", { inputTokens: 50, outputTokens: 20 }));
  const { router, events } = await startHarness({
    targets: { a: { upstream: a, maxAttempts: 1 }, b },
    routes: { default: { targets: ["a"], fallback: "spare" }, spare: { targets: ["b"] } },
    store,
  });
  const calls = await Promise.all(
    Array.from({ length: 100 }, async (_, index) => {
      const kind = index % 10 === 0 ? "hang" : index % 3 === 0 ? "fail" : "ok";
      const controller = new AbortController();
      if (kind === "hang") setTimeout(() => controller.abort(new Error("caller left")), 30);
      const tag = `team-${index % 4}`;
      const request = {
        messages: [{ role: "user" as const, content: `${kind} ${index}` }],
        tags: [tag],
        signal: controller.signal,
      };
      const done = index % 2 === 0 ? router.chat(request) : router.stream(request).result;
      const trace: RouteTrace = await done.then(
        (result) => result.route,
        (error: { trace: RouteTrace }) => error.trace,
      );
      return { tag, trace };
    }),
  );
  const report = await router.usage();
  await router.close();

  const sum = (attempts: Attempt[]): UsageTotals => ({
    costUsd: attempts.reduce((total, attempt) => total + attempt.costUsd, 0),
    inputTokens: attempts.reduce((total, attempt) => total + (attempt.inputTokens ?? 0), 0),
    outputTokens: attempts.reduce((total, attempt) => total + (attempt.outputTokens ?? 0), 0),
  });
  const attempts = events.filter((event): event is Attempt => event.type === "attempt");
  // The events and the traces report the same attempts at the same cost.
  const traced = calls.flatMap((call) => call.trace.attempts);
  expect(attempts).toHaveLength(traced.length);
  expect(sum(attempts).costUsd).toBeCloseTo(
    traced.reduce((total, attempt) => total + attempt.costUsd, 0),
    9,
  );
  const byTarget = (target: string) => attempts.filter((attempt) => attempt.target === target);
  const expectTotals = (actual: UsageTotals | undefined, expected: UsageTotals) => {
    expect(actual?.costUsd).toBeCloseTo(expected.costUsd, 9);
    expect(actual?.inputTokens).toBe(expected.inputTokens);
    expect(actual?.outputTokens).toBe(expected.outputTokens);
  };
  expect(sum(attempts).costUsd).toBeGreaterThan(0);
  expectTotals(report.total, sum(attempts));
  expectTotals(report.providers["a-provider"], sum(byTarget("a")));
  expectTotals(report.providers["b-provider"], sum(byTarget("b")));
  expectTotals(report.targets.a, sum(byTarget("a")));
  expectTotals(report.targets.b, sum(byTarget("b")));
  expectTotals(report.routes.default, sum(byTarget("a")));
  expectTotals(report.routes.spare, sum(byTarget("b")));
  for (let team = 0; team < 4; team++) {
    const ids = new Set(calls.filter((call) => call.tag === `team-${team}`).map((call) => call.trace.callId));
    expectTotals(report.tags[`team-${team}`], sum(attempts.filter((attempt) => ids.has(attempt.callId))));
  }
  expect(Object.keys(report.providers).sort()).toEqual(["a-provider", "b-provider"]);
  const day = new Date().toISOString().slice(0, 10);
  expect(report).toMatchObject({ day, from: `${day}T00:00:00.000Z` });
  expect(Date.parse(report.to) - Date.parse(report.from)).toBe(86_400_000);
  return report;
}
