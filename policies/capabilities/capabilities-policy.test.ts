import { describe, expect, it } from "vitest";
import { makeInput, makeTarget, rejectedIds } from "../test/policy-input.js";
import { capabilitiesPolicy } from "./capabilities-policy.js";
import { requestNeeds } from "./request-needs.js";

const reasonsFor = (input: ReturnType<typeof makeInput>) =>
  Object.fromEntries((capabilitiesPolicy.filter?.(input) ?? []).map((entry) => [entry.target, entry.reason]));

describe("capabilities policy", () => {
  it("removes a target that returns fewer log-prob alternatives than requested, with both numbers", () => {
    const targets = [
      makeTarget("five", { capabilities: { logprobs: 5 } }),
      makeTarget("none", { capabilities: { logprobs: 0 } }),
      makeTarget("twenty", { capabilities: { logprobs: 20 } }),
    ];
    expect(reasonsFor(makeInput(targets, { request: { logprobs: { topK: 10 } } }))).toEqual({
      five: "returns at most 5 log-prob alternatives, 10 requested",
      none: "returns no log-probs",
    });
  });

  it("keeps targets without log-probs when none are requested", () => {
    const targets = [makeTarget("none", { capabilities: { logprobs: 0 } })];
    expect(capabilitiesPolicy.filter?.(makeInput(targets))).toEqual([]);
  });

  it("removes targets without tools when the request sends tools", () => {
    const targets = [makeTarget("plain", { capabilities: { tools: false } }), makeTarget("agent")];
    const tools = [{ name: "lookup", parameters: { type: "object" } }];
    expect(reasonsFor(makeInput(targets, { request: { tools } }))).toEqual({
      plain: "does not support tools",
    });
  });

  it("removes targets without JSON-schema output for a json_schema response format only", () => {
    const targets = [makeTarget("loose", { capabilities: { jsonSchema: false } })];
    const schema = { type: "object" };
    expect(
      reasonsFor(makeInput(targets, { request: { responseFormat: { type: "json_schema", schema } } })),
    ).toEqual({
      loose: "does not support JSON-schema output",
    });
    expect(reasonsFor(makeInput(targets, { request: { responseFormat: { type: "json_object" } } }))).toEqual(
      {},
    );
  });

  it("removes targets that cannot stream when the caller streams", () => {
    const targets = [makeTarget("batch", { capabilities: { streaming: false } })];
    expect(reasonsFor(makeInput(targets, { streaming: true }))).toEqual({ batch: "does not stream" });
    expect(reasonsFor(makeInput(targets, { streaming: false }))).toEqual({});
  });

  it("removes a target whose context window cannot hold the prompt and the output, naming both", () => {
    const targets = [makeTarget("small", { capabilities: { contextWindow: 8192 } })];
    const input = makeInput(targets, { estimate: { promptTokens: 7000, maxOutputTokens: 2048 } });
    expect(reasonsFor(input)).toEqual({
      small: "context window of 8192 tokens cannot hold 7000 prompt + 2048 output tokens",
    });
  });

  it("removes a target that generates fewer tokens than the request's maxTokens", () => {
    const targets = [makeTarget("short", { capabilities: { maxOutputTokens: 4096 } })];
    expect(reasonsFor(makeInput(targets, { request: { maxTokens: 8000 } }))).toEqual({
      short: "generates at most 4096 tokens, 8000 requested",
    });
    expect(reasonsFor(makeInput(targets, { request: { maxTokens: 4096 } }))).toEqual({});
  });

  it("lists every unmet need of a target in one rejection", () => {
    const targets = [makeTarget("weak", { capabilities: { logprobs: 0, tools: false } })];
    const input = makeInput(targets, {
      request: { logprobs: { topK: 1 }, tools: [{ name: "f", parameters: {} }] },
    });
    expect(reasonsFor(input)).toEqual({ weak: "returns no log-probs; does not support tools" });
  });

  it("rejects every target with a reason when none qualifies", () => {
    const targets = [
      makeTarget("a", { capabilities: { logprobs: 0 } }),
      makeTarget("b", { capabilities: { logprobs: 2 } }),
    ];
    expect(
      rejectedIds(capabilitiesPolicy, makeInput(targets, { request: { logprobs: { topK: 5 } } })),
    ).toEqual(["a", "b"]);
  });
});

describe("requestNeeds", () => {
  it("reads the needs of a request", () => {
    const needs = requestNeeds(
      {
        messages: [],
        logprobs: { topK: 3 },
        tools: [{ name: "f", parameters: {} }],
        responseFormat: { type: "json_schema", schema: {} },
        maxTokens: 100,
      },
      { streaming: true },
    );
    expect(needs).toEqual({
      logprobsTopK: 3,
      tools: true,
      jsonSchema: true,
      streaming: true,
      vision: false,
      maxOutputTokens: 100,
    });
  });

  it("treats an empty tool list as no tools", () => {
    expect(requestNeeds({ messages: [], tools: [] }, { streaming: false }).tools).toBe(false);
  });
});
