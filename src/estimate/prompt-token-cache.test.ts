import { describe, expect, it } from "vitest";
import { type ChatRequest, SwitchyardError } from "../core/index.js";
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
});
