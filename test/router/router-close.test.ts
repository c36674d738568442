import { describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  InMemoryStateStore,
  InvalidOptionsError,
  RouterClosedError,
  type StateSnapshot,
  type StreamPart,
} from "../../index.js";
import { flush, startHarness, track, useFakeClock } from "../faults/support/fault-harness.js";
import { providerShapes } from "../faults/support/provider-shapes.js";
import { answer, fail, frames, hang, type Reply, timed } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";
import { countingFactory } from "./support/counting-provider.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
const shape = providerShapes[0]!;

/** A complete answer whose frames all arrive `afterMs` into the response. */
const answerAfter = (afterMs: number, text: string): Reply =>
  timed((wire) =>
    [...wire.opening([text]), ...wire.closing({ inputTokens: 9, outputTokens: 2 })].map((frame) => ({
      atMs: afterMs,
      frame,
    })),
  );

/** Lets I/O and microtasks run, without moving the clock, until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let round = 0; round < 400 && !condition(); round++) await flush();
  expect(condition()).toBe(true);
}

/** Moves the clock far past every backoff, hedge delay and deadline, and lets the I/O run. */
async function waitLong(): Promise<void> {
  await vi.advanceTimersByTimeAsync(300_000);
  await flush();
}

describe("close() stops every call in flight", () => {
  it("cancels a call in retry backoff: no upstream request after close() resolves, no timer left", async () => {
    const a = new Upstream("a", shape).replies(fail("server"));
    const { router, events } = await startHarness({ targets: { a } });
    const call = track(router.chat({ messages }));
    await until(() => events.some((event) => event.type === "retry"));
    await router.close();
    expect(call.settled).toBe(true);
    const error = await call.error();
    expect(RouterClosedError.isInstance(error)).toBe(true);
    expect((error as RouterClosedError).trace?.attempts.map((attempt) => attempt.errorKind)).toEqual([
      "server",
    ]);
    expect(vi.getTimerCount()).toBe(0);
    await waitLong();
    expect(a.count).toBe(1);
  });

  it("ends a call still being validated (its JSON schema compiling) with RouterClosedError, sending nothing", async () => {
    const a = new Upstream("a", shape).replies(answer("never sent"));
    const { router } = await startHarness({ targets: { a } });
    const schema = {
      type: "object",
      properties: Object.fromEntries(
        Array.from({ length: 200 }, (_, i) => [`field${i}`, { type: "string", pattern: `^x{${i}}$` }]),
      ),
    };
    const call = track(router.chat({ messages, responseFormat: { type: "json_schema", schema } }));
    await router.close();
    expect(call.settled).toBe(true);
    expect(RouterClosedError.isInstance(await call.error())).toBe(true);
    await waitLong();
    expect(a.count).toBe(0);
  });

  it("ends 100 calls in flight with RouterClosedError before close() resolves, cancelling every upstream request", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const { router } = await startHarness({ targets: { a } });
    const calls = Array.from({ length: 100 }, () => track(router.chat({ messages })));
    await until(() => a.count === 100);
    await router.close();
    expect(calls.every((call) => call.settled)).toBe(true);
    const errors = await Promise.all(calls.map((call) => call.error()));
    expect(errors.every((error) => RouterClosedError.isInstance(error))).toBe(true);
    expect((errors[0] as Error).message).toBe(
      'Call on route "default" was stopped because the router was closed',
    );
    await flush();
    expect(a.cancelled).toBe(100);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ends 50 streams in flight with an error part carrying RouterClosedError and the text delivered so far", async () => {
    const a = new Upstream("a", shape).replies(frames((wire) => wire.opening(["Hel"]), { hang: true }));
    const { router } = await startHarness({ targets: { a } });
    const streams = Array.from({ length: 50 }, () => {
      const stream = router.stream({ messages });
      const parts: StreamPart[] = [];
      const reading = track(
        (async () => {
          for await (const part of stream) parts.push(part);
        })(),
      );
      return { stream, parts, reading };
    });
    await until(() => streams.every(({ parts }) => parts.length > 0));
    await router.close();
    for (const { stream, parts, reading } of streams) {
      await reading.promise;
      const last = parts.at(-1);
      expect(parts.map((part) => part.type)).toEqual(["text-delta", "error"]);
      expect(last?.type === "error" && RouterClosedError.isInstance(last.error)).toBe(true);
      const error = await track(stream.result).error();
      expect(RouterClosedError.isInstance(error) && error.partialText).toBe("Hel");
    }
    await flush();
    expect(a.cancelled).toBe(50);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects the calls waiting in a limiter with RouterClosedError and sends none of them", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const { router } = await startHarness({
      targets: { a: { upstream: a, limits: { maxConcurrent: 1, maxQueue: 200 } } },
    });
    const calls = Array.from({ length: 100 }, () => track(router.chat({ messages })));
    // Bottleneck dispatches on zero-delay timers.
    await vi.advanceTimersByTimeAsync(10);
    await until(() => a.count === 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(a.count).toBe(1);
    await router.close();
    const errors = await Promise.all(calls.map((call) => call.error()));
    expect(errors.filter((error) => RouterClosedError.isInstance(error))).toHaveLength(100);
    await waitLong();
    expect(a.count).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends no hedge and no fallback after close()", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const b = new Upstream("b", shape).replies(answer("hedge"));
    const c = new Upstream("c", shape).replies(answer("fallback"));
    const { router } = await startHarness({
      targets: { a, b, c },
      routes: {
        default: { targets: ["a", "b"], hedge: { enabled: true, delayMs: 1000 }, fallback: "backup" },
        backup: { targets: ["c"] },
      },
    });
    const calls = Array.from({ length: 50 }, () => track(router.chat({ messages })));
    await until(() => a.count === 50);
    await vi.advanceTimersByTimeAsync(500);
    await router.close();
    await waitLong();
    const errors = await Promise.all(calls.map((call) => call.error()));
    expect(errors.every((error) => RouterClosedError.isInstance(error))).toBe(true);
    expect([a.count, b.count, c.count]).toEqual([50, 0, 0]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stops calls that were still being planned: they send nothing", async () => {
    let openSnapshots: () => void = () => {};
    const snapshotsHeld = new Promise<void>((resolve) => {
      openSnapshots = resolve;
    });
    let planning = 0;
    class SlowStore extends InMemoryStateStore {
      override async snapshot(
        targets: readonly string[],
        spendKeys: readonly string[],
      ): Promise<StateSnapshot> {
        planning++;
        await snapshotsHeld;
        return super.snapshot(targets, spendKeys);
      }
    }
    const a = new Upstream("a", shape).replies(answer("too late"));
    const { router } = await startHarness({ targets: { a }, store: new SlowStore() });
    const calls = Array.from({ length: 50 }, () => track(router.chat({ messages })));
    await until(() => planning === 50);
    const closing = track(router.close());
    openSnapshots();
    await closing.promise;
    const errors = await Promise.all(calls.map((call) => call.error()));
    expect(errors.every((error) => RouterClosedError.isInstance(error))).toBe(true);
    await waitLong();
    expect(a.count).toBe(0);
  });

  it("leaves a call its caller aborted before close() an AbortedError", async () => {
    const a = new Upstream("a", shape).replies(hang());
    const { router } = await startHarness({ targets: { a } });
    const controller = new AbortController();
    const call = track(router.chat({ messages, signal: controller.signal }));
    await until(() => a.count === 1);
    controller.abort(new Error("caller left"));
    await router.close();
    const error = await call.error();
    expect(AbortedError.isInstance(error) && !RouterClosedError.isInstance(error)).toBe(true);
  });
});

describe("close({ graceMs })", () => {
  it("lets calls finish within the grace period, then stops the rest with RouterClosedError", async () => {
    const a = new Upstream("a", shape).replies(answerAfter(2000, "in time"), hang());
    const { router } = await startHarness({ targets: { a } });
    const quick = track(router.stream({ messages }).result);
    await until(() => a.count === 1);
    const slow = track(router.chat({ messages }));
    await until(() => a.count === 2);
    const closing = track(router.close({ graceMs: 5000 }));
    expect(() => router.stream({ messages })).toThrow(RouterClosedError);
    await vi.advanceTimersByTimeAsync(2500);
    expect((await quick.promise).text).toBe("in time");
    expect(slow.settled).toBe(false);
    expect(closing.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2500);
    await closing.promise;
    expect(RouterClosedError.isInstance(await slow.error())).toBe(true);
    expect(a.count).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("resolves as soon as the last call ends, without waiting out the grace period", async () => {
    const a = new Upstream("a", shape).replies(answerAfter(1000, "done"));
    const { router } = await startHarness({ targets: { a } });
    const call = track(router.stream({ messages }).result);
    await until(() => a.count === 1);
    const closing = track(router.close({ graceMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect((await call.promise).text).toBe("done");
    await closing.promise;
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects a grace period that is not a number ≥ 0 with InvalidOptionsError, and stays open", async () => {
    const a = new Upstream("a", shape).replies(answer("still open"));
    const { router } = await startHarness({ targets: { a } });
    for (const graceMs of [-1, Number.NaN, "5s"]) {
      await expect(router.close({ graceMs: graceMs as number })).rejects.toSatisfy(
        (error: unknown) => InvalidOptionsError.isInstance(error) && error.option === "graceMs",
      );
    }
    expect((await router.chat({ messages })).text).toBe("still open");
    await router.close();
  });
});

describe("a closed router", () => {
  it("refuses chat, stream, explain and reload with RouterClosedError", async () => {
    const a = new Upstream("a", shape).replies(answer());
    const { router } = await startHarness({ targets: { a } });
    await router.close();
    await expect(router.chat({ messages })).rejects.toSatisfy(RouterClosedError.isInstance);
    expect(() => router.stream({ messages })).toThrow(RouterClosedError);
    await expect(router.explain({ messages })).rejects.toSatisfy(RouterClosedError.isInstance);
    await expect(router.reload()).rejects.toSatisfy(RouterClosedError.isInstance);
    expect(() => router.stream({ messages })).toThrow(
      "The router is closed: create a new router to send more calls",
    );
    expect(a.count).toBe(0);
  });

  it("shares one close() between concurrent and later callers, closing each provider once", async () => {
    const engine = countingFactory();
    const { router } = await startHarness({
      targets: {},
      extraProviders: { local: { type: "local", model: "./ok.gguf" } },
      extraTargets: { tiny: { provider: "local", model: "m" } },
      routes: { default: { targets: ["tiny"] } },
      providers: [engine],
    });
    const first = router.close();
    const second = router.close({ graceMs: 1000 });
    expect(second).toBe(first);
    await first;
    expect(router.close()).toBe(first);
    expect(engine.live()).toEqual([]);
    expect(engine.closedTwice).toBe(0);
  });
});
