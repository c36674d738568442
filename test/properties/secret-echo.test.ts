import fc from "fast-check";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { type ChatResult, StreamInterruptedError, type StreamPart, SwitchyardError } from "../../index.js";
import { chunk } from "../../providers/openai/fixtures/openai-wire.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { anthropicShape, openaiShape } from "../faults/support/provider-shapes.js";
import { defaultUsage, type Reply } from "../faults/support/replies.js";
import { leakedSecrets } from "../faults/support/secret-scan.js";
import { Upstream } from "../faults/support/upstream.js";
import { mswServer, useMswServer } from "../support/msw-server.js";
import { sseData } from "../support/sse-frames.js";
import { sseResponse } from "../support/sse-response.js";

useMswServer();

/** Characters that begin the key or its base64 form, so deltas often end in a held tail. */
const filler = fc
  .array(fc.constantFrom("a", "s", "k", "-", "c", "2", " ", "ö", "👋", "\n", "."), { maxLength: 12 })
  .map((characters) => characters.join(""));

const scenarioArbitrary = fc.record({
  anthropic: fc.boolean(),
  streaming: fc.boolean(),
  /** OpenAI shape only: the answer is also the model's reasoning (`reasoning_content`), sent first. */
  reasoning: fc.boolean(),
  /** The answer: filler and echoes of the key (as sent, or base64 as in a basic-auth header). */
  segments: fc.array(
    fc.oneof(
      { arbitrary: filler, weight: 2 },
      { arbitrary: fc.constantFrom<"key" | "base64">("key", "base64"), weight: 1 },
    ),
    { minLength: 1, maxLength: 8 },
  ),
  /** Where the deltas break, as fractions of the answer's length: anywhere, inside the key too. */
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
  ending: fc.constantFrom("finish", "error-event", "http-error"),
});
type Scenario = typeof scenarioArbitrary extends fc.Arbitrary<infer Value> ? Value : never;

/** The answer's code points cut into non-empty deltas at the scenario's fractions. */
function deltasOf(text: string, cuts: readonly number[]): string[] {
  const characters = Array.from(text);
  const points = [...new Set(cuts.map((cut) => Math.round(cut * characters.length)))]
    .filter((point) => point > 0 && point < characters.length)
    .sort((a, b) => a - b);
  return [0, ...points].map((start, index) => characters.slice(start, points[index] ?? undefined).join(""));
}

/** Whether the scenario's answer comes with the same text as reasoning (an OpenAI-shaped host). */
const withReasoning = (scenario: Scenario) => scenario.reasoning && !scenario.anthropic;

function replyFor(scenario: Scenario, key: string, text: string): Reply {
  const headers = { "x-request-id": `req-${key}`, "request-id": `req-${key}` };
  const echo = `upstream saw ${key} (${Buffer.from(key).toString("base64")})`;
  return (call, shape) => {
    if (scenario.ending === "http-error") {
      const failure = shape.failure("server", echo);
      return HttpResponse.json(failure?.body as Record<string, unknown>, {
        status: 500,
        statusText: `Internal Server Error for ${key}`,
        headers,
      });
    }
    if (!call.stream) {
      const body = shape.answer(text, defaultUsage) as { choices: { message: Record<string, unknown> }[] };
      if (withReasoning(scenario) && body.choices[0]) body.choices[0].message.reasoning_content = text;
      return HttpResponse.json(body as unknown as Record<string, unknown>, { headers });
    }
    const reasoning = withReasoning(scenario)
      ? deltasOf(text, scenario.cuts).map((delta) => sseData(chunk({ delta: { reasoning_content: delta } })))
      : [];
    const opening = [...reasoning, ...shape.opening(deltasOf(text, scenario.cuts))];
    const ending = scenario.ending === "finish" ? shape.closing(defaultUsage) : [shape.errorEvent(echo)];
    return sseResponse([...opening, ...ending], { headers });
  };
}

/** Every echo of the key replaced, longest form first: what the caller must receive. */
function redacted(text: string, key: string): string {
  return [Buffer.from(key).toString("base64"), key].reduce(
    (out, needle) => out.split(needle).join("[REDACTED]"),
    text,
  );
}

async function checkScenario(scenario: Scenario): Promise<void> {
  mswServer.resetHandlers();
  const upstream = new Upstream("echo", scenario.anthropic ? anthropicShape : openaiShape);
  const key = upstream.apiKey;
  const forms = { key, base64: Buffer.from(key).toString("base64") };
  const text = scenario.segments
    .map((segment) => (segment === "key" || segment === "base64" ? forms[segment] : segment))
    .join("");
  upstream.replies(replyFor(scenario, key, text || "."));
  const { router, events } = await startHarness({ targets: { echo: { upstream, maxAttempts: 1 } } });
  try {
    const request = { messages: [{ role: "user" as const, content: "hi" }] };
    const parts: StreamPart[] = [];
    let result: ChatResult | undefined;
    let error: unknown;
    try {
      if (scenario.streaming) {
        const stream = router.stream(request);
        for await (const part of stream) parts.push(part);
        result = await stream.result;
      } else {
        result = await router.chat(request);
      }
    } catch (caught) {
      error = caught;
    }

    // Whatever was echoed, wherever the deltas broke: no key in anything the caller can see.
    expect(leakedSecrets({ result, error, parts, events }, [key])).toEqual([]);

    const delivered = parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("");
    const thought = parts.map((part) => (part.type === "reasoning-delta" ? part.text : "")).join("");
    const expectedText = redacted(text || ".", key);
    const succeeds =
      scenario.ending === "finish" || (!scenario.streaming && scenario.ending === "error-event");
    if (succeeds) {
      expect(error).toBeUndefined();
      expect(result?.text).toBe(expectedText);
      expect(result?.reasoning).toBe(withReasoning(scenario) ? expectedText : undefined);
      if (scenario.streaming && withReasoning(scenario)) expect(thought).toBe(result?.reasoning);
      expect(result?.route.attempts.at(-1)?.requestId).toBe("req-[REDACTED]");
      if (scenario.streaming) expect(delivered).toBe(result?.text);
    } else {
      expect(SwitchyardError.isInstance(error)).toBe(true);
      // What was delivered before the failure is a redacted start of the answer, and the error's
      // partial text is exactly what was delivered.
      expect(expectedText.startsWith(delivered)).toBe(true);
      expect(expectedText.startsWith(thought)).toBe(true);
      if (StreamInterruptedError.isInstance(error)) expect(error.partialText).toBe(delivered);
    }
  } finally {
    await router.close();
  }
}

describe("property: whatever the upstream echoes, no configured secret reaches the caller", () => {
  it("holds for answers and reasoning, split deltas, id headers, status lines, error bodies and stream errors", async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary, checkScenario), { numRuns: 120 });
  }, 120_000);
});
