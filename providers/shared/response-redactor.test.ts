import { describe, expect, it } from "vitest";
import type { ProviderStreamPart } from "../../src/core/index.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import { ResponseRedactor } from "./response-redactor.js";

const key = "canary-5f0c2a7e9b8d4c61a3e2f1d0c9b8a7e6-not-a-key";

function redactor(): ResponseRedactor {
  const redactor = new ResponseRedactor(createTestProviderContext());
  redactor.registerSecret(key);
  return redactor;
}

async function* from(parts: ProviderStreamPart[]): AsyncGenerator<ProviderStreamPart> {
  yield* parts;
}

async function collect(stream: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const parts: ProviderStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe("ResponseRedactor", () => {
  it("registers the secret with the context, so the router redacts it too", () => {
    const context = createTestProviderContext();
    new ResponseRedactor(context).registerSecret(key);
    expect(context.secrets).toEqual([key]);
  });

  it("redacts every string of a result: text, tool calls, request id, log-prob tokens", () => {
    const result = redactor().result({
      text: `echo ${key}`,
      reasoning: `I should not repeat ${key}`,
      toolCalls: [{ id: `call_${key}`, name: `fn_${key}`, arguments: `{"k":"${key}"}` }],
      finishReason: "stop",
      usage: { inputTokens: 1, outputTokens: 1 },
      logprobs: [{ token: key, logprob: -1, topLogprobs: [{ token: key, logprob: -1 }] }],
      requestId: `req-${key}`,
      warnings: [],
    });
    expect(JSON.stringify(result)).not.toContain(key.slice(-12));
    expect(result.text).toBe("echo [REDACTED]");
    expect(result.reasoning).toBe("I should not repeat [REDACTED]");
    expect(result.requestId).toBe("req-[REDACTED]");
    expect(result.toolCalls[0]).toEqual({
      id: "call_[REDACTED]",
      name: "fn_[REDACTED]",
      arguments: '{"k":"[REDACTED]"}',
    });
  });

  it("redacts a key split across reasoning deltas, delivering reasoning's tail before the answer", async () => {
    const parts = await collect(
      redactor().stream(
        from([
          { type: "reasoning-delta", text: `The user pasted ${key.slice(0, 11)}` },
          { type: "reasoning-delta", text: `${key.slice(11)}; refuse. ${key.slice(0, 3)}` },
          { type: "text-delta", text: "No." },
          { type: "finish", finishReason: "stop" },
        ]),
      ),
    );
    const reasoning = parts.flatMap((part) => (part.type === "reasoning-delta" ? [part.text] : []));
    expect(reasoning.join("")).toBe(`The user pasted [REDACTED]; refuse. ${key.slice(0, 3)}`);
    expect(parts.map((part) => part.type)).toEqual([
      "reasoning-delta",
      "reasoning-delta",
      "reasoning-delta",
      "text-delta",
      "finish",
    ]);
  });

  it("redacts a key split across text and tool-argument deltas; joined deltas are the redacted whole", async () => {
    const parts = await collect(
      redactor().stream(
        from([
          { type: "text-delta", text: `Here: ${key.slice(0, 9)}` },
          { type: "text-delta", text: `${key.slice(9)} done` },
          {
            type: "tool-call-delta",
            index: 0,
            id: `call_${key}`,
            name: "f",
            argumentsDelta: key.slice(0, 3),
          },
          { type: "tool-call-delta", index: 0, argumentsDelta: key.slice(3) },
          { type: "tool-call", index: 0, id: `call_${key}`, name: "f", arguments: key },
          { type: "text-delta", text: " c" },
          {
            type: "finish",
            finishReason: "stop",
            usage: { inputTokens: 1, outputTokens: 1 },
            requestId: key,
          },
        ]),
      ),
    );
    expect(JSON.stringify(parts)).not.toContain(key.slice(0, 9));
    const text = parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("");
    expect(text).toBe("Here: [REDACTED] done c");
    const deltas = parts.flatMap((part) => (part.type === "tool-call-delta" ? [part.argumentsDelta] : []));
    expect(deltas.join("")).toBe("[REDACTED]");
    expect(parts.at(-2)).toEqual({ type: "text-delta", text: "c" });
    expect(parts.at(-1)).toMatchObject({ type: "finish", requestId: "[REDACTED]" });
  });

  it("never delivers a held tail of a stream that fails", async () => {
    async function* failing(): AsyncGenerator<ProviderStreamPart> {
      yield { type: "text-delta", text: `leak ${key.slice(0, 20)}` };
      throw new Error("connection reset");
    }
    const parts: ProviderStreamPart[] = [];
    await expect(
      (async () => {
        for await (const part of redactor().stream(failing())) parts.push(part);
      })(),
    ).rejects.toThrow("connection reset");
    expect(parts).toEqual([{ type: "text-delta", text: "leak " }]);
  });
});
