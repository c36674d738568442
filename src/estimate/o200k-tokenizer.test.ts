import { describe, expect, it, vi } from "vitest";

const imported: string[] = [];

vi.mock("gpt-tokenizer/encoding/o200k_base", async (importOriginal) => {
  imported.push("gpt-tokenizer/encoding/o200k_base");
  return await importOriginal();
});

describe("loadO200k", () => {
  it("leaves the tokenizer unloaded when the package is imported, and loads it on the first count", async () => {
    const estimate = await import("./index.js");
    expect(imported).toEqual([]);
    expect(await estimate.countTextTokens("hello world")).toBe(2);
    expect(imported).toEqual(["gpt-tokenizer/encoding/o200k_base"]);
  });

  it("rejects with the signal's reason when it aborts while the tokenizer loads, and loads it for the next count", async () => {
    vi.resetModules();
    const { loadO200k } = await import("./o200k-tokenizer.js");
    const controller = new AbortController();
    const reason = new Error("deadline");
    const loading = loadO200k(controller.signal);
    controller.abort(reason);
    await expect(loading).rejects.toBe(reason);
    const count = await loadO200k();
    expect(count("hello world")).toBe(2);
  });

  it("leaves no listener on the caller's signal once loaded", async () => {
    const { loadO200k } = await import("./o200k-tokenizer.js");
    const signal = new AbortController().signal;
    const added = vi.spyOn(signal, "addEventListener");
    const removed = vi.spyOn(signal, "removeEventListener");
    await loadO200k(signal);
    expect(removed).toHaveBeenCalledTimes(added.mock.calls.length);
  });
});
