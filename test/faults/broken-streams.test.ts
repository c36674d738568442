import { describe, expect, it, vi } from "vitest";
import { ProviderCallError, StreamInterruptedError, type StreamPart } from "../../index.js";
import type { ChatStream } from "../../src/router/stream-outputs.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, type Tracked, track, useFakeClock } from "./support/fault-harness.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer, dropAfter, frames } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
const tools = [
  {
    name: "get_weather",
    description: "Current weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
];

function readAll(stream: ChatStream): Tracked<StreamPart[]> {
  return track(
    (async () => {
      const parts: StreamPart[] = [];
      for await (const part of stream) parts.push(part);
      return parts;
    })(),
  );
}

const textOf = (parts: StreamPart[]) =>
  parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("");

async function interruption(stream: ChatStream): Promise<StreamInterruptedError> {
  const error = await track(stream.result).error();
  expect(StreamInterruptedError.isInstance(error)).toBe(true);
  return error as StreamInterruptedError;
}

describe.each(providerShapes)("scenario 11 ($name): stream ends without its terminal event", (shape) => {
  it("is a typed truncation error after tokens, never a success", async () => {
    const a = new Upstream("a", shape).replies(frames((wire) => wire.opening(["Hel", "lo"])));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const stream = router.stream({ messages });
    const parts = await readAll(stream).promise;
    expect(parts.at(-1)?.type).toBe("error");
    const error = await interruption(stream);
    expect(error.partialText).toBe("Hello");
    expect(error.cause).toMatchObject({ kind: "truncated" });
    expect(a.count).toBe(1);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("is retried when it ended before any token reached the caller", async () => {
    const a = new Upstream("a", shape).replies(
      frames((wire) => wire.opening([])),
      answer("Hello"),
    );
    const { router } = await startHarness({ targets: { a } });
    const call = track(router.stream({ messages }).result);
    await vi.advanceTimersByTimeAsync(250);
    const result = await call.promise;
    expect(result.text).toBe("Hello");
    expect(result.route.attempts.map((attempt) => attempt.errorKind ?? attempt.outcome)).toEqual([
      "truncated",
      "success",
    ]);
    await router.close();
  });
});

describe.each(providerShapes)("scenario 12 ($name): malformed JSON event mid-stream", (shape) => {
  it("is a typed decode error that moves to the next target before any token", async () => {
    const a = new Upstream("a", shape).replies(frames((wire) => [...wire.opening([]), wire.malformed]));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const result = await router.stream({ messages }).result;
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(result.route.attempts[0]).toMatchObject({ target: "a", errorKind: "invalid_response" });
    await router.close();
  });

  it("interrupts the stream with the decode error as its cause after tokens", async () => {
    const a = new Upstream("a", shape).replies(
      frames((wire) => [
        ...wire.opening(["Hel"]),
        wire.malformed,
        ...wire.closing({ inputTokens: 9, outputTokens: 2 }),
      ]),
    );
    const { router } = await startHarness({ targets: { a } });
    const stream = router.stream({ messages });
    expect(textOf(await readAll(stream).promise)).toBe("Hel");
    const error = await interruption(stream);
    expect(ProviderCallError.isInstance(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ kind: "invalid_response" });
    await router.close();
  });
});

describe.each(providerShapes)("scenario 13 ($name): unknown event type", (shape) => {
  it("is tolerated: the answer completes", async () => {
    const a = new Upstream("a", shape).replies(
      frames((wire) => [
        ...wire.opening(["Hel"]),
        wire.unknownEvent,
        ...wire.opening(["lo"]).slice(-1),
        ...wire.closing({ inputTokens: 9, outputTokens: 2 }),
      ]),
    );
    const { router } = await startHarness({ targets: { a } });
    const result = await router.stream({ messages }).result;
    expect(result.text).toBe("Hello");
    expect(result.finishReason).toBe("stop");
    await router.close();
  });
});

describe.each(providerShapes)(
  "scenarios 5 and 17 ($name): error event after tokens reached the caller",
  (shape) => {
    const brokenAfterHel = () => frames((wire) => [...wire.opening(["Hel"]), wire.errorEvent("Overloaded")]);

    it("ends in StreamInterruptedError with the partial text and usage, and no other call", async () => {
      const a = new Upstream("a", shape).replies(brokenAfterHel());
      const b = new Upstream("b", shape).replies(answer("from b"));
      const { router } = await startHarness({ targets: { a, b } });
      const stream = router.stream({ messages });
      const parts = await readAll(stream).promise;
      expect(textOf(parts)).toBe("Hel");
      const error = await interruption(stream);
      expect(error.partialText).toBe("Hel");
      expect(error.usage.inputTokens).toBeGreaterThan(0);
      expect(error.usage.outputTokens).toBeGreaterThan(0);
      expect(error.trace.attempts).toEqual([
        expect.objectContaining({ target: "a", outcome: "interrupted", possiblyBilled: true }),
      ]);
      expect(error.trace.attempts[0]?.costUsd).toBeGreaterThan(0);
      const last = parts.at(-1);
      expect(last?.type === "error" && last.error).toBe(error);
      expect(a.count).toBe(1);
      expect(b.count).toBe(0);
      await router.close();
    });

    it("continues plain text on the next target when the route opts in", async () => {
      const a = new Upstream("a", shape).replies(brokenAfterHel());
      const b = new Upstream("b", shape).replies(answer("lo!"));
      const { router } = await startHarness({
        targets: { a, b },
        routes: { default: { targets: ["a", "b"], continueOnInterrupt: true } },
      });
      const stream = router.stream({ messages });
      expect(textOf(await readAll(stream).promise)).toBe("Hello!");
      const result = await stream.result;
      expect(result.text).toBe("Hello!");
      const sent = b.calls[0]?.body.messages as Array<{ role: string; content: unknown }>;
      expect(sent.at(-1)).toMatchObject({ role: "assistant" });
      expect(JSON.stringify(sent.at(-1)?.content)).toContain("Hel");
      expect(result.route.attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
        ["a", "interrupted"],
        ["b", "success"],
      ]);
      expect(result.costUsd).toBeCloseTo(
        result.route.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0),
        15,
      );
      expect(result.usage.outputTokens).toBeGreaterThan(2);
      await router.close();
    });

    it("never continues a stream that had started a tool call", async () => {
      const a = new Upstream("a", shape).replies(
        frames((wire) => [...wire.toolOpening(), wire.errorEvent("Overloaded")]),
      );
      const b = new Upstream("b", shape).replies(answer("from b"));
      const { router } = await startHarness({
        targets: { a: { upstream: a, tools: true }, b: { upstream: b, tools: true } },
        routes: { default: { targets: ["a", "b"], continueOnInterrupt: true } },
      });
      const stream = router.stream({ messages, tools });
      await readAll(stream).promise;
      await interruption(stream);
      expect(b.count).toBe(0);
      await router.close();
    });
  },
);

describe.each(providerShapes)(
  "scenario 22 ($name): a stream that failed after delivering tokens",
  (shape) => {
    it("is never retried from scratch: no duplicated output, one charge", async () => {
      const a = new Upstream("a", shape).replies(
        dropAfter((wire) => wire.opening(["Hel"])),
        answer("Hello"),
      );
      const { router } = await startHarness({ targets: { a } });
      const stream = router.stream({ messages });
      const parts = readAll(stream);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(textOf(await parts.promise)).toBe("Hel");
      const error = await interruption(stream);
      expect(error.cause).toMatchObject({ kind: "network" });
      expect(a.count).toBe(1);
      expect(error.trace.attempts).toHaveLength(1);
      expect(error.trace.attempts.filter((attempt) => attempt.costUsd > 0)).toHaveLength(1);
      await router.close();
    });

    it("with continuation, the next target continues rather than restarts", async () => {
      const a = new Upstream("a", shape).replies(dropAfter((wire) => wire.opening(["Hel"])));
      const b = new Upstream("b", shape).replies(answer("lo"));
      const { router } = await startHarness({
        targets: { a, b },
        routes: { default: { targets: ["a", "b"], continueOnInterrupt: true } },
      });
      const stream = router.stream({ messages });
      const reading = readAll(stream);
      await vi.advanceTimersByTimeAsync(1);
      const parts = await reading.promise;
      expect(
        parts
          .filter((part) => part.type === "text-delta")
          .map((part) => part.type === "text-delta" && part.text),
      ).toEqual(["Hel", "l", "o"]);
      expect(a.count).toBe(1);
      expect(b.count).toBe(1);
      await router.close();
    });
  },
);
