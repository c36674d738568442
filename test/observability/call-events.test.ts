import { describe, expect, it } from "vitest";
import {
  AbortedError,
  AllTargetsFailedError,
  InvalidRequestError,
  NoEligibleTargetError,
  type RouterEvent,
} from "../../index.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer, fail, frames, hang } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";

useMswServer();

const messages = [{ role: "user" as const, content: "hi" }];

type EventOf<T extends RouterEvent["type"]> = Extract<RouterEvent, { type: T }>;
const ofType = <T extends RouterEvent["type"]>(events: RouterEvent[], type: T) =>
  events.filter((event): event is EventOf<T> => event.type === type);
const callScoped = (events: RouterEvent[]) =>
  events.filter((event) => event.type !== "policy-reload" && event.type !== "state");

describe("every call has one id, on its events, its result and its error", () => {
  it("tells 100 concurrent calls apart: each id has one call-start, its attempts and one call-end", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("from a"));
    const { router, events } = await startHarness({ targets: { a } });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        router.chat({ messages, metadata: { caller: `c${index}` }, tags: ["batch"] }),
      ),
    );
    const ids = new Set(results.map((result) => result.route.callId));
    expect(ids.size).toBe(100);
    for (const result of results) {
      const own = callScoped(events).filter(
        (event) => "callId" in event && event.callId === result.route.callId,
      );
      expect(own.map((event) => event.type)).toEqual(["call-start", "attempt", "call-end"]);
      const [start, , end] = own as [EventOf<"call-start">, EventOf<"attempt">, EventOf<"call-end">];
      // The metadata each caller sent comes back on its own call's events, never another's.
      expect(end.metadata).toEqual(start.metadata);
      expect(start.tags).toEqual(["batch"]);
    }
    expect(callScoped(events).every((event) => "callId" in event && typeof event.callId === "string")).toBe(
      true,
    );
    await router.close();
  });

  it("reports call-end with usage, cost, latency, model and outcome", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("from a", { inputTokens: 12, outputTokens: 3 }));
    const { router, events } = await startHarness({ targets: { a } });
    const result = await router.chat({ messages, maxTokens: 20 });
    const [start] = ofType(events, "call-start");
    expect(start).toMatchObject({
      callId: result.route.callId,
      route: "default",
      streaming: false,
      maxTokens: 20,
    });
    const [attempt] = ofType(events, "attempt");
    expect(attempt).toMatchObject({
      callId: result.route.callId,
      target: "a",
      provider: "a-provider",
      model: openaiShape.model,
      attempt: 1,
      outcome: "success",
      inputTokens: 12,
      outputTokens: 3,
      finishReason: "stop",
    });
    const [end] = ofType(events, "call-end");
    expect(end).toMatchObject({
      callId: result.route.callId,
      outcome: "success",
      route: "default",
      target: "a",
      model: openaiShape.model,
      attempts: 1,
      usage: { inputTokens: 12, outputTokens: 3 },
      costUsd: result.costUsd,
      finishReason: "stop",
    });
    expect(end?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.costUsd).toBeGreaterThan(0);
    await router.close();
  });

  it("puts the call id on the error a failed call ends with, and on its call-end", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), fail("server"), fail("server"));
    const { router, events } = await startHarness({ targets: { a: { upstream: a, maxAttempts: 1 } } });
    const error = await router.chat({ messages }).catch((caught: unknown) => caught);
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    const failed = error as AllTargetsFailedError;
    expect(failed.callId).toMatch(/^[0-9a-f-]{36}$/);
    expect(failed.trace.callId).toBe(failed.callId);
    expect(failed.toJSON()).toMatchObject({ callId: failed.callId });
    const [end] = ofType(events, "call-end");
    expect(end).toMatchObject({
      callId: failed.callId,
      outcome: "error",
      errorType: "AllTargetsFailedError",
      attempts: 1,
    });
    expect(ofType(events, "attempt")[0]).toMatchObject({
      callId: failed.callId,
      outcome: "error",
      status: 500,
    });
    await router.close();
  });

  it("gives an invalid request an id too: a call-end with no call-start, and nothing sent", async () => {
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router, events } = await startHarness({ targets: { a } });
    const error = await router.chat({ messages: [] }).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    const invalid = error as InvalidRequestError;
    expect(invalid.callId).toBeDefined();
    expect(ofType(events, "call-start")).toEqual([]);
    expect(ofType(events, "call-end")).toEqual([
      expect.objectContaining({ callId: invalid.callId, outcome: "error", errorType: "InvalidRequestError" }),
    ]);
    expect(a.count).toBe(0);
    await router.close();
  });

  it("names a call with no eligible target on its error and its call-end", async () => {
    const a = { upstream: new Upstream("a", openaiShape), tools: false };
    const { router, events } = await startHarness({ targets: { a } });
    const tools = [{ name: "t", description: "d", parameters: { type: "object", properties: {} } }];
    const error = await router.chat({ messages, tools }).catch((caught: unknown) => caught);
    expect(NoEligibleTargetError.isInstance(error)).toBe(true);
    const callId = (error as NoEligibleTargetError).callId;
    expect(ofType(events, "call-end")).toEqual([
      expect.objectContaining({ callId, outcome: "error", route: "default", attempts: 0 }),
    ]);
    await router.close();
  });

  it("ends an aborted stream with an aborted call-end, and an abandoned one the same way", async () => {
    const a = new Upstream("a", openaiShape).replies(
      hang(),
      frames((wire) => wire.opening(["Hel"]), { hang: true }),
    );
    const { router, events } = await startHarness({ targets: { a } });
    const controller = new AbortController();
    const stream = router.stream({ messages, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 20);
    const error = await stream.result.catch((caught: unknown) => caught);
    expect(AbortedError.isInstance(error)).toBe(true);
    const abandoned = router.stream({ messages });
    // The reader takes the first part and walks away while the upstream still sends.
    for await (const part of abandoned) if (part.type === "text-delta") break;
    await abandoned.result.catch(() => {});
    const ends = ofType(events, "call-end");
    expect(ends).toHaveLength(2);
    expect(ends.map((end) => [end.outcome, end.streaming])).toEqual([
      ["aborted", true],
      ["aborted", true],
    ]);
    await router.close();
  });

  it("reports a fallback with the route it moved to, and each retry, under the call's id", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router, events } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 2 }, b },
      routes: { default: { targets: ["a"], fallback: "spare" }, spare: { targets: ["b"] } },
    });
    const result = await router.chat({ messages });
    const { callId } = result.route;
    expect(ofType(events, "retry")).toEqual([expect.objectContaining({ callId, target: "a", attempt: 2 })]);
    expect(ofType(events, "fallback")).toEqual([
      expect.objectContaining({ callId, from: "default", to: "spare" }),
    ]);
    expect(ofType(events, "attempt").map((event) => [event.target, event.attempt, event.outcome])).toEqual([
      ["a", 1, "error"],
      ["a", 2, "error"],
      ["b", 1, "success"],
    ]);
    await router.close();
  });
});
