import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../core/index.js";
import { PrefixAffinity } from "./prefix-affinity.js";

const system = "You are a careful assistant. ".repeat(80); // 2,320 characters
const ask = (question: string, prefix = system): ChatRequest => ({
  messages: [
    { role: "system", content: prefix },
    { role: "user", content: question },
  ],
});

describe("prefix affinity", () => {
  it("matches the blocks of a shared prefix to the target that served it", () => {
    const affinity = new PrefixAffinity({ blockChars: 256 });
    affinity.record(ask("first question"), "a@gpu1");
    const matched = affinity.match(ask("a different question"), ["a@gpu0", "a@gpu1"]);
    const chars = matched.get("a@gpu1") ?? 0;
    // The system prompt (plus its role marker) is shared; the questions differ.
    expect(chars).toBeGreaterThanOrEqual(Math.floor(system.length / 256) * 256);
    expect(chars).toBeLessThanOrEqual(system.length + 16);
    expect(matched.has("a@gpu0")).toBe(false);
  });

  it("does not match prompts that differ early, nor targets outside the candidates", () => {
    const affinity = new PrefixAffinity({ blockChars: 256 });
    affinity.record(ask("q"), "a@gpu1");
    expect(affinity.match(ask("q", `X${system}`), ["a@gpu0", "a@gpu1"]).size).toBe(0);
    expect(affinity.match(ask("q"), ["a@gpu0"]).size).toBe(0);
  });

  it("credits each target with the longest prefix it served", () => {
    const affinity = new PrefixAffinity({ blockChars: 256 });
    affinity.record(ask("q", system.slice(0, 700)), "a@gpu0");
    affinity.record(ask("q"), "a@gpu1");
    const matched = affinity.match(ask("another"), ["a@gpu0", "a@gpu1"]);
    expect(matched.get("a@gpu0")).toBe(512);
    expect(matched.get("a@gpu1") ?? 0).toBeGreaterThan(2000);
  });

  it("forgets the least recently used prefixes beyond its bound", () => {
    const affinity = new PrefixAffinity({ blockChars: 256, maxEntries: 4 });
    affinity.record(ask("q", "a".repeat(1024)), "x");
    affinity.record(ask("q", "b".repeat(1024)), "y");
    expect(affinity.match(ask("q", "a".repeat(1024)), ["x"]).size).toBe(0);
    expect(affinity.match(ask("q", "b".repeat(1024)), ["y"]).get("y")).toBe(1024);
  });
});
