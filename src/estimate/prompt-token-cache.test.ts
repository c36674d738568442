import { describe, expect, it } from "vitest";
import { type ChatRequest, type PromptCountRequest, SwitchyardError } from "../core/index.js";
import { PromptTokenCache } from "./prompt-token-cache.js";

const request: ChatRequest = { messages: [{ role: "user", content: "hello world" }] };

describe("PromptTokenCache", () => {
  it("counts a request once and reads the count back synchronously", async () => {
    const cache = new PromptTokenCache();
    const counted = await cache.count(request);
    expect(counted).toBe(3 + 3 + 1 + 2);
    expect(cache.get(request)).toBe(counted);
    expect(await cache.count(request, AbortSignal.abort())).toBe(counted);
  });

  it("refuses to read a count that was never taken", () => {
    expect(() => new PromptTokenCache().get(request)).toThrow(SwitchyardError);
  });

  it("keeps nothing for a count that was aborted", async () => {
    const cache = new PromptTokenCache();
    await expect(cache.count(request, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
    expect(() => cache.get(request)).toThrow(/before they were counted/);
  });

  it("bounds a target by its model's own count where the model counts, once per request", async () => {
    const cache = new PromptTokenCache();
    const asked: PromptCountRequest[] = [];
    const model = {
      countPromptTokens: async (prompt: PromptCountRequest) => {
        asked.push(prompt);
        return 20;
      },
    };
    const target = { family: "utf8-bound", model } as const;
    await cache.count(request, undefined, [target, target]);
    await cache.count(request, undefined, [target]);
    expect(cache.billable(request, target)).toBe(20);
    expect(cache.billable(request, { family: "utf8-bound" })).toBe(cache.get(request, "utf8-bound"));
    expect(asked).toHaveLength(1);
    expect(asked[0]?.messages).toBe(request.messages);
  });

  it("keeps the smaller of the family's bound and the model's count", async () => {
    const cache = new PromptTokenCache();
    const target = { family: "utf8-bound", model: { countPromptTokens: async () => 1_000_000 } } as const;
    await cache.count(request, undefined, [target]);
    expect(cache.billable(request, target)).toBe(cache.get(request, "utf8-bound"));
  });

  it.each([
    ["rejects", async () => Promise.reject(new Error("tokenizer down"))],
    ["has no count", async () => undefined],
    ["answers something that is not a token count", async () => 2.5],
  ])("falls back to the family's bound when the model's count %s", async (_name, countPromptTokens) => {
    const cache = new PromptTokenCache();
    const target = { family: "utf8-bound", model: { countPromptTokens } } as const;
    await cache.count(request, undefined, [target]);
    expect(cache.billable(request, target)).toBe(cache.get(request, "utf8-bound"));
  });

  it("rejects with the signal's reason when the signal aborts while a model counts", async () => {
    const cache = new PromptTokenCache();
    const controller = new AbortController();
    const reason = new Error("deadline");
    const model = {
      countPromptTokens: (prompt: PromptCountRequest) =>
        new Promise<number>((_resolve, reject) => {
          prompt.signal?.addEventListener("abort", () => reject(new Error("fetch aborted")));
        }),
    };
    const counting = cache.count(request, controller.signal, [{ family: "utf8-bound", model }]);
    setTimeout(() => controller.abort(reason), 5);
    await expect(counting).rejects.toBe(reason);
  });
});
