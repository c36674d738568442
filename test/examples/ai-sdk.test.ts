import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureCompiledBuild } from "../support/ensure-compiled-build.js";
import { useMswServer } from "../support/msw-server.js";
import { sseData, sseDone } from "../support/sse-frames.js";
import { sseResponse } from "../support/sse-response.js";

type Example = typeof import("../../examples/ai-sdk.js");

const server = useMswServer();
const apiKey = "test-canary-not-a-real-key-mistral-example";
const policy = fileURLToPath(new URL("../../examples/ai-sdk.yaml", import.meta.url));

type Body = { stream?: boolean; tools?: unknown[]; response_format?: unknown; messages: { role: string }[] };

const completion = (message: Record<string, unknown>, finishReason: string) => ({
  id: "4e0d1b5e9ac9431b8eb1b5b1a6ed0f4b",
  object: "chat.completion",
  created: 1741569952,
  model: "mistral-small-latest",
  choices: [
    { index: 0, message: { role: "assistant", tool_calls: null, ...message }, finish_reason: finishReason },
  ],
  usage: { prompt_tokens: 21, total_tokens: 32, completion_tokens: 11 },
});
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
  id: "4e0d1b5e9ac9431b8eb1b5b1a6ed0f4b",
  object: "chat.completion.chunk",
  created: 1741569952,
  model: "mistral-small-latest",
  choices: [{ index: 0, delta, finish_reason: finishReason }],
  ...(finishReason ? { usage: { prompt_tokens: 12, total_tokens: 18, completion_tokens: 6 } } : {}),
});

/** Mistral's chat completions on a loopback of msw, answering each of the example's calls. */
const mistral = http.post("https://api.mistral.ai/v1/chat/completions", async ({ request }) => {
  if (request.headers.get("authorization") !== `Bearer ${apiKey}`)
    return HttpResponse.json({ message: "Unauthorized" }, { status: 401 });
  const body = (await request.json()) as Body;
  if (body.stream) {
    return sseResponse([
      sseData(chunk({ role: "assistant", content: "" })),
      ...["One, ", "two, ", "three."].map((content) => sseData(chunk({ content }))),
      sseData(chunk({ content: "" }, "stop")),
      sseDone,
    ]);
  }
  if (body.messages.some((message) => message.role === "tool")) {
    return HttpResponse.json(completion({ content: "It is 21 °C in Paris." }, "stop"));
  }
  if (body.tools) {
    const call = {
      id: "D681PevKs",
      function: { name: "getWeather", arguments: '{"city":"Paris"}' },
      index: 0,
    };
    return HttpResponse.json(completion({ content: "", tool_calls: [call] }, "tool_calls"));
  }
  if (body.response_format)
    return HttpResponse.json(completion({ content: '{"city":"Paris","temperatureC":21}' }, "stop"));
  return HttpResponse.json(completion({ content: "Hello!" }, "stop"));
});

/** Mistral's embeddings endpoint, as recorded answers of mistral-embed look. */
const mistralEmbed = http.post("https://api.mistral.ai/v1/embeddings", async ({ request }) => {
  if (request.headers.get("authorization") !== `Bearer ${apiKey}`)
    return HttpResponse.json({ message: "Unauthorized" }, { status: 401 });
  const body = (await request.json()) as { model: string; input: string[] };
  return HttpResponse.json({
    id: "e8a3c1d4b2f04a6c9e7d5b3a1c0f2e4d",
    object: "list",
    data: body.input.map((text, index) => ({ object: "embedding", embedding: [text.length, 0.5], index })),
    model: body.model,
    usage: {
      prompt_tokens: body.input.length * 6,
      total_tokens: body.input.length * 6,
      completion_tokens: 0,
    },
  });
});

let example: Example;

beforeAll(async () => {
  await ensureCompiledBuild();
  // The compiled example against the built package, as an application would run it.
  example = (await import(new URL("../../dist/examples/ai-sdk.js", import.meta.url).href)) as Example;
}, 180_000);

describe("examples/ai-sdk.ts", () => {
  it("routes generateText, streamText, a tool loop, structured output, embed and embedMany through Mistral targets", async () => {
    server.use(mistral, mistralEmbed);
    const result = await example.runAiSdkExample(policy, { MISTRAL_API_KEY: apiKey });
    expect(result).toEqual({
      text: "Hello!",
      target: "mistral-small",
      costUsd: expect.closeTo((21 * 0.1 + 11 * 0.3) / 1e6, 12),
      streamed: "One, two, three.",
      toolAnswer: "It is 21 °C in Paris.",
      steps: 2,
      output: { city: "Paris", temperatureC: 21 },
      embedding: ["sunny day at the beach".length, 0.5],
      embeddings: 2,
      embeddingCostUsd: expect.closeTo((6 * 0.1) / 1e6, 12),
    });
  });

  it("shows in the README's AI SDK section only lines the example runs (every ts block)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const start = readme.indexOf("## AI SDK\n");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    // Every TypeScript block of the section.
    const block = [...section.matchAll(/```ts\n([\s\S]*?)```\n/g)].map((match) => match[1]).join("\n");
    const exampleLines = new Set(
      readFileSync(new URL("../../examples/ai-sdk.ts", import.meta.url), "utf8")
        .split("\n")
        .map((line) => line.trim()),
    );
    // The imports name the package (the example, the repository's files); the router is the example's.
    const shown = block
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("import ") && !line.startsWith("const router = "));
    expect(shown.length).toBeGreaterThan(16);
    expect(shown.filter((line) => !exampleLines.has(line))).toEqual([]);
  });
});
