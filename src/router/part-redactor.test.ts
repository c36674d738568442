import { describe, expect, it } from "vitest";
import type { ProviderStreamPart } from "../core/index.js";
import { PartRedactor } from "./part-redactor.js";
import { SecretRedactor } from "./secret-redactor.js";

/** A canary, not a key: the redactor matches whatever secrets are registered, whatever their shape. */
const key = "test-canary-not-a-real-key-0123456789";
const usage = { inputTokens: 1, outputTokens: 1 };

function run(parts: readonly ProviderStreamPart[], secrets = [key]): ProviderStreamPart[] {
  const redactor = new SecretRedactor();
  for (const secret of secrets) redactor.register(secret);
  const partRedactor = new PartRedactor(redactor);
  return parts.flatMap((part) => [...partRedactor.accept(part)]);
}

describe("PartRedactor", () => {
  it("replaces a key split across text deltas and releases held tails before finish", () => {
    const out = run([
      { type: "text-delta", text: `key ${key.slice(0, 5)}` },
      { type: "text-delta", text: "" },
      { type: "text-delta", text: `${key.slice(5)} and t` },
      { type: "finish", finishReason: "stop", usage, requestId: `req-${key}` },
    ]);
    expect(out).toEqual([
      { type: "text-delta", text: "key " },
      { type: "text-delta", text: "[REDACTED] and " },
      { type: "text-delta", text: "t" },
      { type: "finish", finishReason: "stop", usage, requestId: "req-[REDACTED]" },
    ]);
  });

  it("redacts tool-call deltas per call, and the complete call", () => {
    const out = run([
      {
        type: "tool-call-delta",
        index: 0,
        id: "call_1",
        name: "f",
        argumentsDelta: `{"k":"${key.slice(0, 9)}`,
      },
      { type: "tool-call-delta", index: 0, argumentsDelta: `${key.slice(9)}"}` },
      { type: "tool-call", index: 0, id: "call_1", name: "f", arguments: `{"k":"${key}"}` },
    ]);
    const deltas = out.flatMap((part) => (part.type === "tool-call-delta" ? [part.argumentsDelta] : []));
    expect(deltas.join("")).toBe('{"k":"[REDACTED]"}');
    expect(out.at(-1)).toMatchObject({ type: "tool-call", arguments: '{"k":"[REDACTED]"}' });
    expect(JSON.stringify(out)).not.toContain(key.slice(0, 9));
  });

  it("replaces a key split across reasoning deltas and releases reasoning's tail before the answer", () => {
    const out = run([
      { type: "reasoning-delta", text: `the key is ${key.slice(0, 7)}` },
      { type: "reasoning-delta", text: `${key.slice(7)}, so t` },
      { type: "text-delta", text: "Done." },
      { type: "finish", finishReason: "stop", usage },
    ]);
    expect(out).toEqual([
      { type: "reasoning-delta", text: "the key is " },
      { type: "reasoning-delta", text: "[REDACTED], so " },
      { type: "reasoning-delta", text: "t" },
      { type: "text-delta", text: "Done." },
      { type: "finish", finishReason: "stop", usage },
    ]);
  });

  it("drops an adapter's empty deltas, with secrets or without", () => {
    const empty: ProviderStreamPart = { type: "text-delta", text: "" };
    const emptyReasoning: ProviderStreamPart = { type: "reasoning-delta", text: "" };
    expect(run([empty, emptyReasoning])).toEqual([]);
    expect(run([empty, emptyReasoning], [])).toEqual([]);
  });
});
