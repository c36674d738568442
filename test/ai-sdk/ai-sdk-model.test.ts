import type { LanguageModelV3, LanguageModelV4 } from "@ai-sdk/provider";
import { afterEach, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createSwitchyard } from "../../src/ai-sdk/index.js";
import { type Harness, startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer, fail, hang } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";
import { reasoningReply, textReply, toolCallReply } from "./openai-replies.js";

type Ai = typeof import("ai");
type LanguageModel = import("ai").LanguageModel;

const nodeMajor = Number(process.versions.node.split(".")[0]);

useMswServer();

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.router.close();
  harness = undefined;
});

/** A router over two scripted OpenAI upstreams, primary first. */
async function routerOver(primary: Upstream, backup = new Upstream("backup", openaiShape)) {
  harness = await startHarness({ targets: { primary, backup } });
  return harness.router;
}

const weather = { city: "Paris", temperatureC: 21 };

/** The same behaviours, run against one major of the `ai` package and one specification version. */
function behavesAsAnAiSdkModel(name: string, load: () => Promise<Ai>, version: "v3" | "v4") {
  // The first call of a file loads the router and the OpenAI SDK: slow on a busy machine.
  describe(name, { timeout: 30_000 }, () => {
    let ai: Ai;
    beforeAll(async () => {
      ai = await load();
    }, 30_000);

    // One function for both majors: `ai` 7's types differ from 6's, the calls below do not.
    const model = (router: Harness["router"], route = "default") =>
      createSwitchyard({ router, specificationVersion: version })(route) as unknown as LanguageModel;

    it("answers generateText with the routed text, usage, and the route trace and cost in providerMetadata", async () => {
      const primary = new Upstream("primary", openaiShape).replies(fail("bad-request"));
      const backup = new Upstream("backup", openaiShape).replies(textReply(["Hello", " there"]));
      const router = await routerOver(primary, backup);
      const result = await ai.generateText({ model: model(router), prompt: "Say hello.", maxRetries: 0 });
      expect(result.text).toBe("Hello there");
      expect(result.usage.inputTokens).toBe(21);
      expect(result.usage.outputTokens).toBe(11);
      expect(result.finishReason).toBe("stop");
      expect(result.response.modelId).toBe("gpt-4o-mini");
      const metadata = result.providerMetadata?.switchyard as Record<string, unknown>;
      expect(metadata.target).toBe("backup");
      expect(metadata.costUsd).toBeCloseTo((21 * 1 + 11 * 2) / 1e6, 12);
      const route = metadata.route as { attempts: { target: string; outcome: string }[] };
      expect(route.attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
        ["primary", "error"],
        ["backup", "success"],
      ]);
      expect(primary.calls[0]?.body.messages).toEqual([{ role: "user", content: "Say hello." }]);
    });

    it("fails with a non-retryable APICallError, so the AI SDK's default retries add no upstream calls", async () => {
      const primary = new Upstream("primary", openaiShape).replies(fail("bad-request"));
      const backup = new Upstream("backup", openaiShape).replies(fail("auth"));
      const router = await routerOver(primary, backup);
      const failure = await ai
        .generateText({ model: model(router), prompt: "Hi" })
        .catch((error: unknown) => error);
      expect(ai.APICallError.isInstance(failure)).toBe(true);
      const error = failure as InstanceType<Ai["APICallError"]>;
      expect(error.isRetryable).toBe(false);
      expect(error.statusCode).toBe(401);
      expect(error.message).toMatch(/All targets of route "default" failed/);
      expect((error.data as { route: { attempts: unknown[] } }).route.attempts).toHaveLength(2);
      expect([primary.count, backup.count]).toEqual([1, 1]);
    });

    it("streams text with streamText and ends with usage and providerMetadata", async () => {
      const router = await routerOver(
        new Upstream("primary", openaiShape).replies(textReply(["Hel", "lo, ", "wörld"])),
      );
      const result = ai.streamText({ model: model(router), prompt: "Say hello.", maxRetries: 0 });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.join("")).toBe("Hello, wörld");
      expect(deltas.length).toBeGreaterThan(1);
      expect((await result.usage).outputTokens).toBe(11);
      expect(await result.finishReason).toBe("stop");
      const metadata = (await result.providerMetadata)?.switchyard as Record<string, unknown>;
      expect(metadata.target).toBe("primary");
    });

    it("gives the upstream's reasoning as reasoningText of generateText, with its reasoning tokens", async () => {
      const router = await routerOver(
        new Upstream("primary", openaiShape).replies(reasoningReply(["The user ", "greets."], "Hello!")),
      );
      const result = await ai.generateText({ model: model(router), prompt: "Hi", maxRetries: 0 });
      expect(result.text).toBe("Hello!");
      expect(result.reasoningText).toBe("The user greets.");
      expect(result.usage.outputTokenDetails.reasoningTokens).toBe(32);
    });

    it("streams the upstream's reasoning as reasoning parts, so streamText has its reasoningText", async () => {
      const router = await routerOver(
        new Upstream("primary", openaiShape).replies(reasoningReply(["The user ", "greets."], "Hello!")),
      );
      const result = ai.streamText({ model: model(router), prompt: "Hi", maxRetries: 0 });
      const types: string[] = [];
      for await (const part of result.fullStream) types.push(part.type);
      expect(await result.reasoningText).toBe("The user greets.");
      expect(await result.text).toBe("Hello!");
      const reasoning = types.filter((type) => type.startsWith("reasoning"));
      expect(reasoning).toEqual(["reasoning-start", "reasoning-delta", "reasoning-delta", "reasoning-end"]);
      expect(types.indexOf("reasoning-end")).toBeLessThan(types.indexOf("text-start"));
    });

    for (const streaming of [false, true]) {
      it(`runs a multi-step tool loop with stopWhen (${streaming ? "streamText" : "generateText"})`, async () => {
        const upstream = new Upstream("primary", openaiShape).replies(
          toolCallReply("get_weather", '{"city":"Paris"}'),
          textReply(["It is 21 °C in Paris."]),
        );
        const router = await routerOver(upstream);
        const executed: unknown[] = [];
        const tools = {
          get_weather: ai.tool({
            description: "Current weather for a city.",
            inputSchema: z.object({ city: z.string() }),
            execute: async (input: { city: string }) => {
              executed.push(input);
              return { temperatureC: 21 };
            },
          }),
        };
        const settings = {
          model: model(router),
          prompt: "Weather in Paris?",
          tools,
          stopWhen: ai.stepCountIs(3),
          maxRetries: 0,
        };
        const text = streaming ? await ai.streamText(settings).text : (await ai.generateText(settings)).text;
        expect(text).toBe("It is 21 °C in Paris.");
        expect(executed).toEqual([{ city: "Paris" }]);
        expect(upstream.count).toBe(2);
        const second = upstream.calls[1]?.body as { messages: Record<string, unknown>[]; tools: unknown[] };
        expect(second.messages.at(-2)).toMatchObject({
          role: "assistant",
          tool_calls: [
            { type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          ],
        });
        expect(second.messages.at(-1)).toMatchObject({ role: "tool", content: '{"temperatureC":21}' });
        expect(second.tools).toEqual([
          expect.objectContaining({
            type: "function",
            function: expect.objectContaining({ name: "get_weather" }),
          }),
        ]);
      });
    }

    it("sends generateObject's schema as the router's json_schema response format", async () => {
      const upstream = new Upstream("primary", openaiShape).replies(textReply([JSON.stringify(weather)]));
      const router = await routerOver(upstream);
      const { object } = await ai.generateObject({
        model: model(router),
        schema: z.object({ city: z.string(), temperatureC: z.number() }),
        schemaName: "weather",
        prompt: "Weather in Paris as JSON.",
        maxRetries: 0,
      });
      expect(object).toEqual(weather);
      const format = upstream.calls[0]?.body.response_format as {
        type: string;
        json_schema: { name: string; schema: { required: string[] } };
      };
      expect(format.type).toBe("json_schema");
      expect(format.json_schema.name).toBe("weather");
      expect(format.json_schema.schema.required).toEqual(["city", "temperatureC"]);
    });

    it("parses Output.object of generateText", async () => {
      const router = await routerOver(
        new Upstream("primary", openaiShape).replies(textReply([JSON.stringify(weather)])),
      );
      const { output } = await ai.generateText({
        model: model(router),
        output: ai.Output.object({ schema: z.object({ city: z.string(), temperatureC: z.number() }) }),
        prompt: "Weather in Paris as JSON.",
        maxRetries: 0,
      });
      expect(output).toEqual(weather);
    });

    it("cancels the upstream request when the AI SDK's abort signal fires", async () => {
      const upstream = new Upstream("primary", openaiShape).replies(hang());
      const router = await routerOver(upstream);
      const controller = new AbortController();
      const call = ai.generateText({
        model: model(router),
        prompt: "Hi",
        abortSignal: controller.signal,
        maxRetries: 0,
      });
      await expect.poll(() => upstream.count).toBe(1);
      controller.abort();
      await expect(call).rejects.toMatchObject({ name: "AbortError" });
      await expect.poll(() => upstream.cancelled).toBe(1);
      expect(harness?.events.some((event) => event.type === "call-end")).toBe(true);
    });

    it("passes providerOptions.switchyard to the router and refuses keys it does not know", async () => {
      const router = await routerOver(
        new Upstream("primary", openaiShape).replies(answer("Hi")),
        new Upstream("backup", openaiShape).replies(answer("Hi")),
      );
      const only = await ai.generateText({
        model: model(router),
        prompt: "Hi",
        providerOptions: { switchyard: { targets: { only: ["backup"] }, tags: ["chat"] } },
        maxRetries: 0,
      });
      expect(only.providerMetadata?.switchyard).toMatchObject({ target: "backup" });
      await expect(
        ai.generateText({
          model: model(router),
          prompt: "Hi",
          providerOptions: { switchyard: { tag: ["chat"] } },
          maxRetries: 0,
        }),
      ).rejects.toThrow(/providerOptions\.switchyard: Unrecognized key: "tag"/);
    });

    it("answers an unknown route with NoSuchModelError and a PDF file part with UnsupportedFunctionalityError", async () => {
      const router = await routerOver(new Upstream("primary", openaiShape).replies(answer("Hi")));
      const unknown = await ai
        .generateText({ model: model(router, "defualt"), prompt: "Hi", maxRetries: 0 })
        .catch((error: unknown) => error);
      expect(ai.NoSuchModelError.isInstance(unknown)).toBe(true);
      expect((unknown as Error).message).toMatch(/unknown route "defualt".*did you mean `default`/);
      const file = await ai
        .generateText({
          model: model(router),
          messages: [
            {
              role: "user",
              content: [
                { type: "file", data: new Uint8Array([37, 80, 68, 70]), mediaType: "application/pdf" },
              ],
            },
          ],
          maxRetries: 0,
        })
        .catch((error: unknown) => error);
      expect(ai.UnsupportedFunctionalityError.isInstance(file)).toBe(true);
      expect((file as Error).message).toMatch(
        /file parts of media type application\/pdf \(prompt\[0\]\.content\[0\]/,
      );
    });
  });
}

behavesAsAnAiSdkModel("with ai 6 (specification v3)", () => import("ai"), "v3");
describe.skipIf(nodeMajor < 22)("ai 7 (Node ≥ 22)", () => {
  behavesAsAnAiSdkModel("with ai 7 and a v3 model", () => import("ai7") as unknown as Promise<Ai>, "v3");
  behavesAsAnAiSdkModel("with ai 7 and a v4 model", () => import("ai7") as unknown as Promise<Ai>, "v4");
});

describe("createSwitchyard's types", () => {
  it("gives models that fit the AI SDK's v3 and v4 model types", () => {
    type Router = Parameters<typeof createSwitchyard>[0]["router"];
    const router = {} as Router;
    expectTypeOf(createSwitchyard({ router })("default")).toExtend<LanguageModelV3>();
    expectTypeOf(
      createSwitchyard({ router, specificationVersion: "v4" })("default"),
    ).toExtend<LanguageModelV4>();
    expectTypeOf(createSwitchyard({ router })("default")).not.toExtend<LanguageModelV4>();
    expectTypeOf(createSwitchyard({ router })("default")).toExtend<LanguageModel>();
  });
});
