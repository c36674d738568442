import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../core/index.js";
import { type CacheKeyInput, responseCacheKey } from "./response-cache-key.js";

const targets = [{ id: "a", provider: "openai", model: "gpt-4o-mini" }];
const request: ChatRequest = {
  messages: [{ role: "user", content: "hi" }],
  temperature: 0,
  tools: [
    {
      name: "f",
      parameters: { type: "object", properties: { x: { type: "string" }, y: { type: "number" } } },
    },
  ],
};
const keyOf = (input: Partial<CacheKeyInput> = {}) =>
  responseCacheKey({ route: "default", targets, request, ...input });

/** The longest the event loop waited for a 1 ms interval while `work` ran. */
async function longestGapMs(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await work();
  clearInterval(timer);
  return Math.max(longest, performance.now() - last);
}

describe("responseCacheKey", () => {
  it("is a SHA-256 hex digest, the same for the same request", async () => {
    const key = await keyOf();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyOf()).toBe(key);
  });

  it("does not depend on the order of keys in the request's objects", async () => {
    const reordered: ChatRequest = {
      tools: [
        {
          parameters: { properties: { y: { type: "number" }, x: { type: "string" } }, type: "object" },
          name: "f",
        },
      ],
      temperature: 0,
      messages: [{ content: "hi", role: "user" }],
    };
    expect(await keyOf({ request: reordered })).toBe(await keyOf());
  });

  it("ignores the signal, deadline, budget, SLO, tags and metadata", async () => {
    const relabelled: ChatRequest = {
      ...request,
      signal: new AbortController().signal,
      timeoutMs: 500,
      budget: { maxCostUsd: 0.01 },
      slo: { ttftMs: 100 },
      tags: ["t"],
      metadata: { user: "u" },
    };
    expect(await keyOf({ request: relabelled })).toBe(await keyOf());
  });

  it("changes with any field that shapes the answer, with the route and with its targets", async () => {
    const base = await keyOf();
    const variants: Partial<CacheKeyInput>[] = [
      { request: { ...request, temperature: 0.5 } },
      { request: { ...request, maxTokens: 5 } },
      { request: { ...request, topP: 0.9 } },
      { request: { ...request, stop: ["\n"] } },
      { request: { ...request, seed: 1 } },
      { request: { ...request, logprobs: { topK: 2 } } },
      { request: { ...request, toolChoice: "required" } },
      { request: { ...request, responseFormat: { type: "json_object" } } },
      { request: { ...request, providerOptions: { openai: { user: "u" } } } },
      { request: { ...request, privacy: "local-only" } },
      { request: { ...request, targets: { only: ["a"] } } },
      { request: { ...request, messages: [{ role: "user", content: "hi!" }] } },
      { route: "other" },
      { targets: [{ id: "a", provider: "openai", model: "gpt-4o" }] },
      { targets: [{ id: "b", provider: "openai", model: "gpt-4o-mini" }] },
      { targets: [...targets, { id: "b", provider: "anthropic", model: "claude" }] },
    ];
    const keys = await Promise.all(variants.map((variant) => keyOf(variant)));
    expect(new Set([base, ...keys]).size).toBe(variants.length + 1);
  });

  it("hashes a 10 MB prompt without holding the event loop", { timeout: 30_000, retry: 2 }, async () => {
    // Flat, as a string parsed from a request body is (`repeat` builds a rope that the first slice flattens at once).
    const content = Buffer.from("The quick brown fox jumps over the lazy dog. ".repeat(233_017)).toString();
    const big: ChatRequest = { messages: [{ role: "user", content }], temperature: 0 };
    let key = "";
    const started = performance.now();
    const gapMs = await longestGapMs(async () => {
      key = await keyOf({ request: big });
    });
    const totalMs = performance.now() - started;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // Hashing it at once would be one gap as long as the whole; in slices, the longest gap is a
    // small part of it (on a loaded 2-core VM, the scheduler alone parks the loop 10–20 ms).
    expect(gapMs).toBeLessThan(totalMs / 2);
  });

  it("rejects with the signal's reason when it aborts while hashing", async () => {
    const content = Buffer.alloc(20_000_000, "x").toString();
    const controller = new AbortController();
    const reason = new Error("stop");
    const aborting = responseCacheKey(
      { route: "default", targets, request: { messages: [{ role: "user", content }] } },
      controller.signal,
    );
    setImmediate(() => controller.abort(reason));
    await expect(aborting).rejects.toBe(reason);
  });
});
