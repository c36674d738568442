import { describe, expect, it, vi } from "vitest";
import {
  DeadlineExceededError,
  ProviderCallError,
  StreamInterruptedError,
  type StreamPart,
} from "../../index.js";
import type { ChatStream } from "../../src/router/stream-outputs.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, type Tracked, track, useFakeClock } from "./support/fault-harness.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer, hang, type TimedFrame, timed } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
const modes = [
  { mode: "chat", streaming: false },
  { mode: "stream", streaming: true },
] as const;

function readAll(stream: ChatStream): Tracked<StreamPart[]> {
  return track(
    (async () => {
      const parts: StreamPart[] = [];
      for await (const part of stream) parts.push(part);
      return parts;
    })(),
  );
}

describe.each(providerShapes)("scenario 8 ($name): no response headers (hang)", (shape) => {
  it.each(modes)("aborts each try after the per-try timeout and retries ($mode)", async ({ streaming }) => {
    const a = new Upstream("a", shape).replies(hang(), hang(), answer("Hello"));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], firstTokenTimeoutMs: 1000, timeoutMs: 10_000 } },
    });
    const request = { messages };
    const call = track(streaming ? router.stream(request).result : router.chat(request));
    await vi.advanceTimersByTimeAsync(999);
    expect(a.count).toBe(1);
    expect(a.calls[0]?.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.calls[0]?.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1750);
    const result = await call.promise;
    expect(result.text).toBe("Hello");
    expect(a.calls.map((request) => request.at - (a.calls[0]?.at ?? 0))).toEqual([0, 1250, 2750]);
    expect(a.cancelled).toBe(2);
    expect(result.route.attempts.map((attempt) => attempt.errorKind ?? attempt.outcome)).toEqual([
      "timeout",
      "timeout",
      "success",
    ]);
    await router.close();
  });

  it.each(modes)(
    "ends at the call's deadline with every upstream request cancelled ($mode)",
    async ({ streaming }) => {
      const a = new Upstream("a", shape).replies(hang());
      const { router } = await startHarness({
        targets: { a },
        routes: { default: { targets: ["a"], firstTokenTimeoutMs: 1000, timeoutMs: 2000 } },
      });
      const started = Date.now();
      const request = { messages };
      const call = track(streaming ? router.stream(request).result : router.chat(request));
      await vi.advanceTimersByTimeAsync(1999);
      expect(call.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = await call.error();
      expect(Date.now() - started).toBe(2000);
      expect(DeadlineExceededError.isInstance(error)).toBe(true);
      expect((error as DeadlineExceededError).timeoutMs).toBe(2000);
      expect(a.count).toBe(2);
      expect(a.cancelled).toBe(2);
      expect((error as DeadlineExceededError).trace.attempts.map((attempt) => attempt.outcome)).toEqual([
        "error",
        "aborted",
      ]);
      await router.close();
    },
  );
});

describe.each(providerShapes)("scenario 9 ($name): timeout of a possibly billed generation", (shape) => {
  it("records the timed-out attempt as possibly billed, with the prompt's estimated cost", async () => {
    const a = new Upstream("a", shape).replies(hang(), answer("Hello"));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], firstTokenTimeoutMs: 1000 } },
    });
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(1250);
    const result = await call.promise;
    const [timedOut, answered] = result.route.attempts;
    expect(timedOut).toMatchObject({ outcome: "error", errorKind: "timeout", possiblyBilled: true });
    expect(timedOut?.costUsd).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((timedOut?.costUsd ?? 0) + (answered?.costUsd ?? 0), 15);
    await router.close();
  });

  it("does not retry it on a target whose policy allows one attempt: the next target answers", async () => {
    const a = { upstream: new Upstream("a", shape).replies(hang()), maxAttempts: 1 };
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], firstTokenTimeoutMs: 1000 } },
    });
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(1000);
    const result = await call.promise;
    expect(result.text).toBe("from b");
    expect(a.upstream.count).toBe(1);
    expect(result.route.attempts[0]).toMatchObject({
      target: "a",
      errorKind: "timeout",
      possiblyBilled: true,
    });
    await router.close();
  });
});

describe.each(providerShapes)(
  "scenario 10 ($name): stall after the first token while keep-alives arrive",
  (shape) => {
    const stallWithKeepAlives = (wire: typeof shape): TimedFrame[] => [
      ...wire.opening(["Hel"]).map((frame) => ({ atMs: 0, frame })),
      ...[5000, 10_000, 15_000, 20_000, 25_000].map((atMs) => ({ atMs, frame: wire.keepAlive })),
    ];

    it("fires the idle timeout anyway and surfaces the partial output", async () => {
      const a = new Upstream("a", shape).replies(timed(stallWithKeepAlives, { end: "hang" }));
      const b = new Upstream("b", shape).replies(answer("from b"));
      const { router } = await startHarness({
        targets: { a, b },
        routes: { default: { targets: ["a", "b"], idleTimeoutMs: 20_000 } },
      });
      const stream = router.stream({ messages });
      const parts = readAll(stream);
      await vi.advanceTimersByTimeAsync(19_999);
      expect(parts.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const seen = await parts.promise;
      expect(seen.map((part) => part.type)).toEqual(["text-delta", "error"]);
      const error = await track(stream.result).error();
      expect(StreamInterruptedError.isInstance(error)).toBe(true);
      const interrupted = error as StreamInterruptedError;
      expect(interrupted.partialText).toBe("Hel");
      expect(interrupted.usage.outputTokens).toBeGreaterThan(0);
      expect(ProviderCallError.isInstance(interrupted.cause)).toBe(true);
      expect(interrupted.cause).toMatchObject({ kind: "timeout" });
      expect(interrupted.message).toContain("stalled");
      expect(a.count).toBe(1);
      expect(a.cancelled).toBe(1);
      expect(b.count).toBe(0);
      await router.close();
    });

    it("keeps a slow stream alive as long as tokens arrive within the idle timeout", async () => {
      const slow = (wire: typeof shape): TimedFrame[] => [
        ...wire.opening(["a"]).map((frame) => ({ atMs: 0, frame })),
        ...["b", "c", "d"].flatMap((text, index) =>
          wire
            .opening([text])
            .slice(-1)
            .map((frame) => ({ atMs: (index + 1) * 15_000, frame })),
        ),
        ...wire.closing({ inputTokens: 9, outputTokens: 4 }).map((frame) => ({ atMs: 60_000, frame })),
      ];
      const a = new Upstream("a", shape).replies(timed(slow));
      const { router } = await startHarness({
        targets: { a },
        routes: { default: { targets: ["a"], idleTimeoutMs: 20_000 } },
      });
      const call = track(router.stream({ messages }).result);
      await vi.advanceTimersByTimeAsync(60_000);
      expect((await call.promise).text).toBe("abcd");
      await router.close();
    });
  },
);
