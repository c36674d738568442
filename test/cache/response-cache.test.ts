import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import {
  AllTargetsFailedError,
  createRouter,
  type RouterEvent,
  type StateStore,
  StreamInterruptedError,
  type StreamPart,
} from "../../index.js";
import type { PolicyFile } from "../../src/config/index.js";
import { startHarness, track, useFakeClock } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer, dropAfter, fail, refusal, timed } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";

useMswServer();

type RouteFile = PolicyFile["routes"][string];

const messages = [{ role: "user" as const, content: "What is the capital of France?" }];
const greedy = { messages, temperature: 0 };

/** A route over `targets` that caches for a minute (or as `cache` says). */
function cachedRoute(targets: string[], cache: Partial<NonNullable<RouteFile["cache"]>> = {}): RouteFile {
  return { targets, cache: { ttlMs: 60_000, ...cache } };
}

async function readAll(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const callEnds = (events: RouterEvent[]) =>
  events.filter((event): event is Extract<RouterEvent, { type: "call-end" }> => event.type === "call-end");

describe("a route's response cache", () => {
  it("serves an identical temperature-0 request again without calling any target, at no cost", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris.", { inputTokens: 14, outputTokens: 2 }));
    const { router, events, store } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"]) },
    });
    const first = await router.chat(greedy);
    const spent = (await store.snapshot([], ["route:default"])).spendUsd.get("route:default");
    const second = await router.chat(greedy);
    expect(a.count).toBe(1);
    expect(first.route.cache).toBe("miss");
    expect(first.costUsd).toBeGreaterThan(0);
    expect(second).toMatchObject({
      text: "Paris.",
      finishReason: "stop",
      costUsd: 0,
      usage: first.usage,
      message: first.message,
    });
    expect(second.route).toMatchObject({
      cache: "hit",
      target: "a",
      model: openaiShape.model,
      attempts: [],
      ranked: [],
    });
    expect(second.route.callId).not.toBe(first.route.callId);
    expect(second.route.cachedAt).toBeTypeOf("number");
    // A hit spends nothing: the route's spend is what the miss cost.
    expect((await store.snapshot([], ["route:default"])).spendUsd.get("route:default")).toBe(spent);
    const [missEnd, hitEnd] = callEnds(events);
    expect(missEnd).toMatchObject({ cache: "miss", attempts: 1 });
    expect(hitEnd).toMatchObject({ cache: "hit", attempts: 0, costUsd: 0, outcome: "success", target: "a" });
    expect(events.filter((event) => event.type === "attempt")).toHaveLength(1);
    await router.close();
  });

  it("misses when anything that shapes the answer differs, and ignores tags, metadata and budgets", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    await router.chat(greedy);
    const variants = [
      { ...greedy, maxTokens: 10 },
      { ...greedy, stop: ["."] },
      { ...greedy, seed: 7 },
      { ...greedy, messages: [{ role: "user" as const, content: "What is the capital of Spain?" }] },
      { ...greedy, providerOptions: { "a-provider": { user: "u1" } } },
    ];
    for (const variant of variants) expect((await router.chat(variant)).route.cache).toBe("miss");
    expect(a.count).toBe(1 + variants.length);
    const relabelled = await router.chat({
      ...greedy,
      tags: ["batch"],
      metadata: { caller: "c1" },
      budget: { maxCostUsd: 1 },
      timeoutMs: 5000,
    });
    expect(relabelled.route.cache).toBe("hit");
    expect(a.count).toBe(1 + variants.length);
    await router.close();
  });

  it("keeps no answer of another route: each route's cache is its own", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"]), other: cachedRoute(["a"]) },
    });
    await router.chat(greedy);
    expect((await router.chat({ ...greedy, route: "other" })).route.cache).toBe("miss");
    expect(a.count).toBe(2);
    await router.close();
  });

  it("is absent from the trace of a route without a cache", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a } });
    const result = await router.chat(greedy);
    await router.chat(greedy);
    expect(result.route.cache).toBeUndefined();
    expect(a.count).toBe(2);
    await router.close();
  });
});

describe("the temperature rule", () => {
  it("bypasses the cache when the temperature is unset or above 0", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    for (const request of [
      { messages },
      { messages },
      { messages, temperature: 0.7 },
      { messages, temperature: 0.7 },
    ]) {
      expect((await router.chat(request)).route.cache).toBe("bypass");
    }
    expect(a.count).toBe(4);
    // Bypassed calls stored nothing: the first temperature-0 call still misses.
    expect((await router.chat(greedy)).route.cache).toBe("miss");
    await router.close();
  });

  it("caches any temperature on a route that allows it", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"], { allowNonZeroTemperature: true }) },
    });
    await router.chat({ messages, temperature: 0.7 });
    expect((await router.chat({ messages, temperature: 0.7 })).route.cache).toBe("hit");
    expect((await router.chat({ messages })).route.cache).toBe("miss");
    expect(a.count).toBe(2);
    await router.close();
  });
});

describe("what is never cached", () => {
  it("does not cache an error: the next identical call goes to the target", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), answer("Paris."));
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 } },
      routes: { default: cachedRoute(["a"]) },
    });
    const error = await track(router.chat(greedy)).error();
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    expect((error as AllTargetsFailedError).trace.cache).toBe("miss");
    const next = await router.chat(greedy);
    expect(next.route.cache).toBe("miss");
    expect(next.text).toBe("Paris.");
    expect((await router.chat(greedy)).route.cache).toBe("hit");
    expect(a.count).toBe(2);
    await router.close();
  });

  it("does not cache a stream that broke after some tokens", async () => {
    const a = new Upstream("a", openaiShape).replies(
      dropAfter((shape) => shape.opening(["Par"])),
      answer("Paris."),
    );
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 } },
      routes: { default: cachedRoute(["a"]) },
    });
    const broken = router.stream(greedy);
    await readAll(broken);
    const error = await track(broken.result).error();
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((await router.chat(greedy)).route.cache).toBe("miss");
    expect(a.count).toBe(2);
    await router.close();
  });

  it("does not cache a stream its reader cancelled", async () => {
    const a = new Upstream("a", openaiShape).replies(
      timed((shape) => [{ atMs: 0, frame: shape.opening(["Par"]).join("") }], { end: "hang" }),
      answer("Paris."),
    );
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    const stream = router.stream(greedy);
    for await (const part of stream) {
      if (part.type === "text-delta") stream.cancel();
    }
    await track(stream.result).error();
    expect((await router.chat(greedy)).route.cache).toBe("miss");
    expect(a.count).toBe(2);
    await router.close();
  });

  it("does not cache a content-filter refusal", async () => {
    const a = new Upstream("a", openaiShape).replies(refusal(), answer("Paris."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    const refused = await router.chat(greedy);
    expect(refused.finishReason).toBe("content-filter");
    expect((await router.chat(greedy)).text).toBe("Paris.");
    expect(a.count).toBe(2);
    await router.close();
  });

  it("does not keep an answer larger than maxEntryBytes", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("x".repeat(2000)));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"], { maxEntryBytes: 1024 }) },
    });
    await router.chat(greedy);
    expect((await router.chat(greedy)).route.cache).toBe("miss");
    expect(a.count).toBe(2);
    await router.close();
  });
});

describe("a hit replayed as a stream", () => {
  it("streams a cached answer as text deltas, then finish with the hit's result", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris is the capital."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    const miss = await router.chat(greedy);
    const stream = router.stream(greedy);
    const parts = await readAll(stream);
    const last = parts.at(-1);
    expect(last?.type).toBe("finish");
    const deltas = parts.filter((part) => part.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.map((part) => (part.type === "text-delta" ? part.text : "")).join("")).toBe(miss.text);
    expect(parts.slice(0, -1).every((part) => part.type === "text-delta")).toBe(true);
    const result = await stream.result;
    expect(result.route.cache).toBe("hit");
    if (last?.type === "finish") expect(last.result.route.cache).toBe("hit");
    expect(a.count).toBe(1);
    await router.close();
  });

  it("serves a chat from what a stream stored", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    const streamed = router.stream(greedy);
    await readAll(streamed);
    expect((await streamed.result).route.cache).toBe("miss");
    const hit = await router.chat(greedy);
    expect(hit).toMatchObject({ text: "Paris.", route: { cache: "hit" } });
    expect(a.count).toBe(1);
    await router.close();
  });

  it("replays a tool call as a tool-call part", async () => {
    const a = new Upstream("a", openaiShape);
    a.replies(() => {
      const toolCall = {
        id: "call_1",
        type: "function",
        function: { name: "capital", arguments: '{"of":"FR"}' },
      };
      return HttpResponse.json({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: openaiShape.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: null, tool_calls: [toolCall] },
            finish_reason: "tool_calls",
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 },
      });
    });
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    const tools = [
      { name: "capital", parameters: { type: "object", properties: { of: { type: "string" } } } },
    ];
    const miss = await router.chat({ ...greedy, tools });
    expect(miss.message.toolCalls).toHaveLength(1);
    const parts = await readAll(router.stream({ ...greedy, tools }));
    expect(parts.find((part) => part.type === "tool-call")).toEqual({
      type: "tool-call",
      index: 0,
      id: "call_1",
      name: "capital",
      arguments: '{"of":"FR"}',
    });
    expect(a.count).toBe(1);
    await router.close();
  });
});

describe("identical calls at once", () => {
  it("sends one of 100 concurrent identical calls upstream; the 99 others are served its answer", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    const results = await Promise.all(Array.from({ length: 100 }, () => router.chat(greedy)));
    expect(a.count).toBe(1);
    expect(results.filter((result) => result.route.cache === "miss")).toHaveLength(1);
    expect(results.filter((result) => result.route.cache === "hit")).toHaveLength(99);
    expect(new Set(results.map((result) => result.text))).toEqual(new Set(["Paris."]));
    // Every caller has its own copy: changing one result changes no other.
    (results[1] as { text: string }).text = "changed";
    expect(results[2]?.text).toBe("Paris.");
    await router.close();
  });

  it("lets the waiting calls send their own when the call in flight fails", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), answer("Paris."));
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 } },
      routes: { default: cachedRoute(["a"]) },
    });
    const calls = Array.from({ length: 5 }, () => track(router.chat(greedy)));
    const settled = await Promise.allSettled(calls.map((call) => call.promise));
    expect(settled.filter((outcome) => outcome.status === "rejected")).toHaveLength(1);
    expect(settled.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(4);
    expect(a.count).toBe(5);
    await router.close();
  });

  it("stops waiting when a waiting call's caller aborts", async () => {
    const a = new Upstream("a", openaiShape).replies(async (call, shape) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return answer("Paris.")(call, shape);
    });
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    const leader = router.chat(greedy);
    const controller = new AbortController();
    const follower = track(router.chat({ ...greedy, signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error("caller gave up"));
    const error = await follower.error();
    expect((error as Error).name).toBe("AbortedError");
    expect((await leader).route.cache).toBe("miss");
    expect(a.count).toBe(1);
    await router.close();
  });
});

describe("bounds of the memory store", () => {
  it("evicts the least recently used answer when maxBytes would be passed", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("y".repeat(400)));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"], { maxBytes: 2500 }) },
    });
    const ask = (city: string) =>
      router.chat({ messages: [{ role: "user", content: city }], temperature: 0 });
    await ask("one");
    await ask("two");
    expect((await ask("one")).route.cache).toBe("hit");
    // An entry of this answer is ~1,050 bytes: two fit in 2,500, three do not; "two", read least recently, goes.
    await ask("three");
    expect(a.count).toBe(3);
    expect((await ask("one")).route.cache).toBe("hit");
    expect((await ask("three")).route.cache).toBe("hit");
    expect((await ask("two")).route.cache).toBe("miss");
    expect(a.count).toBe(4);
    await router.close();
  });

  it("evicts by count at maxEntries", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"], { maxEntries: 2 }) },
    });
    const ask = (city: string) =>
      router.chat({ messages: [{ role: "user", content: city }], temperature: 0 });
    for (const city of ["one", "two", "three"]) await ask(city);
    expect((await ask("one")).route.cache).toBe("miss");
    expect((await ask("three")).route.cache).toBe("hit");
    await router.close();
  });
});

describe("the cache's TTL", () => {
  useFakeClock();

  it("serves an answer until ttlMs has passed, then asks the target again", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"], { ttlMs: 10_000 }) },
    });
    await router.chat(greedy);
    await vi.advanceTimersByTimeAsync(9_000);
    expect((await router.chat(greedy)).route.cache).toBe("hit");
    await vi.advanceTimersByTimeAsync(1_500);
    expect((await router.chat(greedy)).route.cache).toBe("miss");
    expect(a.count).toBe(2);
    await router.close();
  });
});

describe("explain", () => {
  it("says whether a request would be served from the cache, and why not", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    expect((await router.explain(greedy)).cache).toEqual({
      status: "miss",
      reason: "no answer is stored for this request",
    });
    expect((await router.explain({ messages })).cache).toMatchObject({
      status: "bypass",
      reason: expect.stringContaining("temperature is unset"),
    });
    await router.chat(greedy);
    expect((await router.explain(greedy)).cache).toMatchObject({
      status: "hit",
      target: "a",
      cachedAt: expect.any(Number),
    });
    expect(a.count).toBe(1);
    await router.close();
  });

  it("says nothing of a cache on a route without one", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a } });
    expect((await router.explain(greedy)).cache).toBeUndefined();
    await router.close();
  });
});

describe("secrets and stores", () => {
  it("serves a hit through the redactor: a secret the answer echoed never comes out", async () => {
    const a = new Upstream("a", openaiShape);
    a.replies((call, shape) => answer(`the key is ${a.apiKey}`)(call, shape));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    await router.chat(greedy);
    const hit = await router.chat(greedy);
    const streamed = await readAll(router.stream(greedy));
    expect(hit.route.cache).toBe("hit");
    expect(JSON.stringify(hit)).not.toContain(a.apiKey);
    expect(JSON.stringify(streamed)).not.toContain(a.apiKey);
    expect(hit.text).toContain("[REDACTED");
    await router.close();
  });

  it("refuses a policy whose route caches in a state store that keeps no cache entries", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { store, policy, router } = await startHarness({ targets: { a } });
    await router.close();
    const bare: StateStore = {
      snapshot: (targets, keys) => store.snapshot(targets, keys),
      recordAttempt: (observation) => store.recordAttempt(observation),
      addSpend: (keys, usd) => store.addSpend(keys, usd),
      holdSpend: (limits, usd, ttlMs) => store.holdSpend(limits, usd, ttlMs),
    };
    await expect(
      createRouter({
        policy: { ...policy, routes: { default: cachedRoute(["a"], { store: "state" }) } },
        state: bare,
      }),
    ).rejects.toThrow(/route default: cache.store is "state", but the router's state store has no getCached/);
  });

  it("caches through the in-memory state store with store: state", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"], { store: "state" }) },
    });
    await router.chat(greedy);
    expect((await router.chat(greedy)).route.cache).toBe("hit");
    expect(a.count).toBe(1);
    await router.close();
  });

  it("rejects a cache without ttlMs, naming the path", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { policy, router } = await startHarness({ targets: { a } });
    await router.close();
    await expect(
      createRouter({
        policy: { ...policy, routes: { default: { targets: ["a"], cache: { store: "memory" } as never } } },
      }),
    ).rejects.toThrow(/routes\.default\.cache\.ttlMs/);
  });
});

describe("a call aborted around the cache", () => {
  it("ends in AbortedError, calling no target, when its caller aborts while a long prompt is hashed", {
    timeout: 60_000,
  }, async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const harness = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    await harness.router.close();
    const controller = new AbortController();
    // call-start comes once the request is valid, just before its key is hashed.
    const router = await createRouter({
      policy: harness.policy,
      onEvent: (event) => {
        if (event.type === "call-start") controller.abort(new Error("caller gave up"));
      },
    });
    const content = Buffer.alloc(4_000_000, "lorem ipsum ").toString();
    const error = await track(
      router.chat({ messages: [{ role: "user", content }], temperature: 0, signal: controller.signal }),
    ).error();
    expect((error as Error).name).toBe("AbortedError");
    expect((error as { trace: { route: string } }).trace.route).toBe("default");
    expect(a.count).toBe(0);
    await router.close();
  });
});

describe("the cache across policy reloads", () => {
  it("keeps its answers through a reload that changes nothing it is keyed on", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router } = await startHarness({ targets: { a }, routes: { default: cachedRoute(["a"]) } });
    await router.chat(greedy);
    await router.reload();
    expect((await router.chat(greedy)).route.cache).toBe("hit");
    expect(a.count).toBe(1);
    await router.close();
  });

  it("misses after a reload that gives the route's target another model", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("Paris."));
    const { router, policy } = await startHarness({
      targets: { a },
      routes: { default: cachedRoute(["a"]) },
    });
    await router.chat(greedy);
    const target = policy.targets.a as { model: string };
    target.model = `${target.model}-next`;
    await router.reload();
    const after = await router.chat(greedy);
    expect(after.route).toMatchObject({ cache: "miss", model: target.model });
    expect(a.count).toBe(2);
    await router.close();
  });
});
