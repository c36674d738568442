import { expect, it } from "vitest";
import type { CallOptions, ProviderStreamPart } from "../../src/core/index.js";
import { createTestProviderContext } from "../support/test-provider-context.js";
import { collectStream, streamedText } from "./collect-stream.js";
import { conformanceFixture as fixture } from "./conformance-fixture.js";
import type { ConformanceHarness } from "./conformance-harness.js";

/** Byte sizes that split frames, lines and multi-byte characters at awkward places. */
const awkwardChunkSizes = [1, 3, 7, 64] as const;

/** Answers: text, streams, tools, JSON output, log-probs, usage, request ids, abort. */
export function registerGenerationTests(harness: ConformanceHarness): void {
  const { spec, providerId, setup, callOptions, required, expectProviderError, finishOf } = harness;

  it("creates a provider of its factory's type under the given id", () => {
    const provider = spec.factory.create(providerId, spec.config, createTestProviderContext());
    expect(provider.id).toBe(providerId);
    expect(provider.type).toBe(spec.factory.type);
    const model = provider.languageModel(spec.model);
    expect(model.provider).toBe(providerId);
    expect(model.model).toBe(spec.model);
  });

  it("generates text with usage and a stop finish reason", async () => {
    const { model } = setup(spec.scenarios.text());
    const result = await model.doGenerate(callOptions());
    expect(result.text).toBe(fixture.text);
    expect(result.finishReason).toBe("stop");
    expect(result.usage).toMatchObject(fixture.usage);
    expect(result.toolCalls).toEqual([]);
    expect(result.warnings).toEqual([]);
    if (spec.features.requestId) expect(result.requestId).toBe(fixture.requestId);
  });

  it("rejects an already aborted call with kind aborted and sends nothing", async () => {
    // No handler installed: a request would fail as unhandled, not as aborted.
    const { model } = setup([]);
    const controller = new AbortController();
    controller.abort();
    const error = await model.doGenerate(callOptions({ signal: controller.signal })).catch((e) => e);
    expectProviderError(error, { kind: "aborted", retryable: false });
  });

  if (spec.features.streaming) {
    const stream = required(spec.scenarios.stream, "stream");

    it("streams text deltas that join to the answer and ends with one finish part", async () => {
      const { model } = setup(stream({}));
      const { parts, error } = await collectStream(() => model.doStream(callOptions()));
      expect(error).toBeUndefined();
      expect(streamedText(parts)).toBe(fixture.text);
      expect(parts.filter((part) => part.type === "finish")).toHaveLength(1);
      const finish = finishOf(parts);
      expect(finish).toMatchObject({ type: "finish", finishReason: "stop", usage: fixture.usage });
      if (spec.features.requestId) expect(finish).toMatchObject({ requestId: fixture.requestId });
    });

    for (const chunkSize of awkwardChunkSizes) {
      it(`decodes a stream delivered in ${chunkSize}-byte network chunks`, async () => {
        const { model } = setup(stream({ chunkSize }));
        const { parts, error } = await collectStream(() => model.doStream(callOptions()));
        expect(error).toBeUndefined();
        expect(streamedText(parts)).toBe(fixture.text);
        expect(finishOf(parts)).toMatchObject({ finishReason: "stop", usage: fixture.usage });
      });
    }
  }

  if (spec.features.tools) {
    const tools = required(spec.scenarios.tools, "tools");
    const toolOptions = (): CallOptions => callOptions({ tools: [fixture.tool], toolChoice: "auto" });

    it("returns a tool call with its name and raw JSON arguments", async () => {
      const { model } = setup(tools());
      const result = await model.doGenerate(toolOptions());
      expect(result.finishReason).toBe("tool-calls");
      expect(result.toolCalls).toHaveLength(1);
      const [call] = result.toolCalls;
      expect(call?.id).toMatch(/\S/);
      expect(call).toMatchObject({ name: fixture.toolCall.name, arguments: fixture.toolCall.arguments });
      expect(result.usage).toMatchObject(fixture.toolUsage);
    });

    if (spec.features.streaming) {
      const toolsStream = required(spec.scenarios.toolsStream, "toolsStream");

      it("streams tool-call deltas, then one complete tool-call part before finish", async () => {
        const { model } = setup(toolsStream({}));
        const { parts, error } = await collectStream(() => model.doStream(toolOptions()));
        expect(error).toBeUndefined();
        const deltas = parts.filter((part) => part.type === "tool-call-delta");
        expect(deltas.map((part) => part.argumentsDelta).join("")).toBe(fixture.toolCall.arguments);
        expect(deltas[0]).toMatchObject({ index: 0, name: fixture.toolCall.name });
        const calls = parts.filter((part) => part.type === "tool-call");
        expect(calls).toHaveLength(1);
        expect(calls[0]).toMatchObject({
          index: 0,
          name: fixture.toolCall.name,
          arguments: fixture.toolCall.arguments,
        });
        expect(calls[0]?.id).toMatch(/\S/);
        expect(parts.indexOf(calls[0] as ProviderStreamPart)).toBeLessThan(parts.length - 1);
        expect(finishOf(parts)).toMatchObject({ finishReason: "tool-calls", usage: fixture.toolUsage });
      });
    }
  }

  if (spec.features.jsonSchema) {
    const json = required(spec.scenarios.json, "json");

    it("returns the JSON answer to a json_schema response format", async () => {
      const { model } = setup(json());
      const result = await model.doGenerate(callOptions({ responseFormat: fixture.responseFormat }));
      expect(JSON.parse(result.text)).toEqual(fixture.json);
      expect(result.finishReason).toBe("stop");
    });
  }

  if (spec.features.logprobs) {
    const logprobs = required(spec.scenarios.logprobs, "logprobs");

    it("returns each token's log-prob with its top-k alternatives", async () => {
      const { model } = setup(logprobs());
      const result = await model.doGenerate(callOptions({ logprobs: fixture.logprobsTopK }));
      expect(result.logprobs).toEqual(fixture.logprobs);
      expect(result.text).toBe(fixture.logprobs.map((entry) => entry.token).join(""));
    });

    if (spec.features.streaming) {
      const logprobsStream = required(spec.scenarios.logprobsStream, "logprobsStream");

      it("streams log-prob parts that cover every generated token in order", async () => {
        const { model } = setup(logprobsStream({}));
        const { parts, error } = await collectStream(() =>
          model.doStream(callOptions({ logprobs: fixture.logprobsTopK })),
        );
        expect(error).toBeUndefined();
        const streamed = parts.flatMap((part) => (part.type === "logprobs" ? part.logprobs : []));
        expect(streamed).toEqual(fixture.logprobs);
      });
    }
  }
}
