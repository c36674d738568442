import { describe, expect, it } from "vitest";
import { hostileInputs } from "../../bench/hostile-inputs.mjs";
import {
  AbortedError,
  DeadlineExceededError,
  InvalidRequestError,
  StreamInterruptedError,
} from "../../index.js";
import { createPolicyFolder } from "../cli/support/policy-folder.js";
import { runSwitchyard } from "../cli/support/run-switchyard.js";
import { useMswServer } from "../support/msw-server.js";
import { startHarness, track } from "./support/fault-harness.js";
import { openaiShape } from "./support/provider-shapes.js";
import { answer, dropAfter } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();

const tenMegabytes = 10 * 1024 * 1024;
/** The slowest text to count exactly (BENCHMARKS.md): its count runs until the work budget is spent. */
const hostilePrompt = [
  { role: "user" as const, content: hostileInputs["random CJK without punctuation"]?.(tenMegabytes) ?? "" },
];

/**
 * The event-loop gap is wall time: on a 2-vCPU VM running other test files beside this one, the
 * scheduler alone sometimes parks this process for half a second. A count that does not yield
 * holds the loop for its whole duration on every try, so a retry still catches it.
 */
const gapTestOptions = { timeout: 30_000, retry: 2 };

/** Watches the event loop with a 1 ms interval until `stop()`; `longestGapMs` is the longest wait for a tick. */
function watchEventLoop(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}

async function elapsedMs(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await work().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { ms: performance.now() - started, error };
}

async function startRouter() {
  const big = new Upstream("big", openaiShape).replies(answer("never sent"));
  const small = new Upstream("small", openaiShape).replies(answer("small answer"));
  const harness = await startHarness({
    targets: { big, small },
    routes: { big: { targets: ["big"] }, small: { targets: ["small"] } },
  });
  return { ...harness, big, small };
}

describe("a 10 MB hostile prompt", () => {
  it("is counted promptly by explain, which names it too long for every window", gapTestOptions, async () => {
    const { router } = await startRouter();
    const loop = watchEventLoop();
    const { error } = await elapsedMs(() => router.explain({ route: "big", messages: hostilePrompt }));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).message).toMatch(
      /exceeds the largest context window of route "big"/,
    );
    expect(loop.stop()).toBeLessThan(400);
    await router.close();
  });

  it("fails at its deadline long before its count would have ended, and reaches no provider", async () => {
    const { router, big } = await startRouter();
    const full = await elapsedMs(() => router.explain({ route: "big", messages: hostilePrompt }));
    const cut = await elapsedMs(() => router.chat({ route: "big", messages: hostilePrompt, timeoutMs: 50 }));
    expect(DeadlineExceededError.isInstance(cut.error)).toBe(true);
    expect(cut.ms).toBeLessThan(full.ms / 2);
    expect(big.count).toBe(0);
    await router.close();
  }, 30_000);

  it("ends when the caller aborts, long before its count would have ended", async () => {
    const { router, big } = await startRouter();
    const full = await elapsedMs(() => router.explain({ route: "big", messages: hostilePrompt }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user left")), 50);
    const cut = await elapsedMs(() =>
      router.chat({ route: "big", messages: hostilePrompt, signal: controller.signal }),
    );
    expect(AbortedError.isInstance(cut.error)).toBe(true);
    expect(cut.ms).toBeLessThan(full.ms / 2);
    expect(big.count).toBe(0);
    await router.close();
  }, 30_000);

  it("leaves 100 calls on another route answered while it is counted", gapTestOptions, async () => {
    const { router, small } = await startRouter();
    const loop = watchEventLoop();
    const hostile = track(router.chat({ route: "big", messages: hostilePrompt }));
    const first = await router.chat({ route: "small", messages: [{ role: "user", content: "hi" }] });
    expect(first.text).toBe("small answer");
    expect(hostile.settled).toBe(false);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        router.chat({ route: "small", messages: [{ role: "user", content: `question ${index}` }] }),
      ),
    );
    expect(answers.every((result) => result.text === "small answer")).toBe(true);
    expect(InvalidRequestError.isInstance(await hostile.error())).toBe(true);
    expect(loop.stop()).toBeLessThan(400);
    expect(small.count).toBe(101);
    await router.close();
  });
});

describe("a 10 MB answer cut off before its usage", () => {
  it("is counted for the record without holding the event loop", gapTestOptions, async () => {
    const text = hostileInputs["random letters without spaces"]?.(tenMegabytes) ?? "";
    const deltas = Array.from({ length: 10 }, (_, index) => text.slice(index << 20, (index + 1) << 20));
    const upstream = new Upstream("chatty", openaiShape).replies(dropAfter((wire) => wire.opening(deltas)));
    const { router } = await startHarness({ targets: { chatty: upstream } });
    const loop = watchEventLoop();
    const stream = router.stream({ messages: [{ role: "user", content: "say a lot" }] });
    for await (const _part of stream) {
      // Read to the end; the parts themselves are not under test.
    }
    const error = await track(stream.result).error();
    const gapMs = loop.stop();
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const { partialText, usage } = error as StreamInterruptedError;
    expect(partialText).toBe(text);
    expect(usage.outputTokens).toBeGreaterThan(1_000_000);
    expect(usage.outputTokens).toBeLessThanOrEqual(Buffer.byteLength(text));
    expect(gapMs).toBeLessThan(400);
    await router.close();
  });
});

describe("switchyard explain", () => {
  it("answers promptly for a 10 MB hostile prompt, naming it too long for every window", async () => {
    const folder = await createPolicyFolder();
    try {
      const policy = await folder.write(
        "routing.yaml",
        `version: 1
providers:
  openai: { type: openai, apiKey: "\${OPENAI_API_KEY}" }
targets:
  fast: { provider: openai, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }
routes:
  default: { targets: [fast] }
`,
      );
      const request = await folder.write("request.json", JSON.stringify({ messages: hostilePrompt }));
      const run = await runSwitchyard(["explain", "--policy", policy, "--request", request], {
        env: { OPENAI_API_KEY: "sk-hostile-input-canary" },
      });
      expect(run.stderr).toMatch(/exceeds the largest context window of route "default"/);
      expect(run.code).toBe(1);
    } finally {
      await folder.remove();
    }
  }, 30_000);
});
