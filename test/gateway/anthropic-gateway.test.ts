import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Started, startGateway } from "./gateway-fixture.js";
import { reasoningReply, toolReply } from "./openai-upstream.js";

let started: Started;
let client: Anthropic;

beforeAll(async () => {
  started = await startGateway();
  client = new Anthropic({ baseURL: started.gateway.url, apiKey: "unused-without-keys", maxRetries: 0 });
});
afterAll(() => started.stop());

const weatherTool = {
  name: "get_weather",
  description: "Weather of a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

describe("the Anthropic-compatible gateway", () => {
  it("answers a Messages call through the route `model` names", async () => {
    const { data, response } = await client.messages
      .create({
        model: "default",
        max_tokens: 50,
        system: "Be brief.",
        messages: [{ role: "user", content: "Hi" }],
      })
      .withResponse();
    expect(data).toMatchObject({
      type: "message",
      role: "assistant",
      model: "default",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 12, output_tokens: 3 },
    });
    expect(response.headers.get("x-switchyard-target")).toBe("mini");
    expect(started.upstream.requests.at(-1)?.body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
  });

  it("streams Anthropic's events from message_start to message_stop", async () => {
    const stream = client.messages.stream({
      model: "default",
      max_tokens: 50,
      messages: [{ role: "user", content: "Hi" }],
    });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "Hello!" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBe(3);
    expect(types[0]).toBe("message_start");
    expect(types).toContain("content_block_start");
    expect(types).toContain("content_block_delta");
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
  });

  it("returns the upstream's reasoning as a thinking block, whole and streamed, and takes it back", async () => {
    started.upstream.replies.push(
      reasoningReply("The user greets.", "Hello!"),
      reasoningReply("The user greets.", "Hello!"),
    );
    const answer = await client.messages.create({
      model: "default",
      max_tokens: 50,
      messages: [{ role: "user", content: "Hi" }],
    });
    const thinking = { type: "thinking" as const, thinking: "The user greets.", signature: "" };
    expect(answer.content).toEqual([thinking, { type: "text", text: "Hello!" }]);
    const streamed = await client.messages
      .stream({ model: "default", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] })
      .finalMessage();
    expect(streamed.content).toEqual([thinking, { type: "text", text: "Hello!" }]);
    await client.messages.create({
      model: "default",
      max_tokens: 50,
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: [thinking, { type: "text", text: "Hello!" }] },
        { role: "user", content: "Bye" },
      ],
    });
    expect(started.upstream.requests.at(-1)?.body.messages).toEqual([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Bye" },
    ]);
  });

  it("returns tool_use blocks, whole and streamed, and sends tool results back as tool messages", async () => {
    started.upstream.replies.push(toolReply, toolReply);
    const answer = await client.messages.create({
      model: "default",
      max_tokens: 50,
      tools: [weatherTool],
      tool_choice: { type: "auto" },
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    expect(answer.stop_reason).toBe("tool_use");
    expect(answer.content).toEqual([
      { type: "tool_use", id: "call_abc123", name: "get_weather", input: { city: "Paris" } },
    ]);
    expect(started.upstream.requests.at(-1)?.body.tools).toMatchObject([
      { type: "function", function: { name: "get_weather", parameters: weatherTool.input_schema } },
    ]);
    const streamed = await client.messages
      .stream({
        model: "default",
        max_tokens: 50,
        tools: [weatherTool],
        messages: [{ role: "user", content: "Weather?" }],
      })
      .finalMessage();
    expect(streamed.content).toMatchObject([
      { type: "tool_use", name: "get_weather", input: { city: "Paris" } },
    ]);
    await client.messages.create({
      model: "default",
      max_tokens: 50,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "call_abc123", name: "get_weather", input: { city: "Paris" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_abc123", content: "18°C" }] },
      ],
    });
    expect(started.upstream.requests.at(-1)?.body.messages).toMatchObject([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        tool_calls: [{ id: "call_abc123", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      { role: "tool", tool_call_id: "call_abc123", content: "18°C" },
    ]);
  });

  it("answers errors in Anthropic's shape: an unknown model is 404, a missing max_tokens 400", async () => {
    const before = started.upstream.requests.length;
    const missing = await client.messages
      .create({ model: "nope", max_tokens: 5, messages: [{ role: "user", content: "Hi" }] })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: "error",
      error: { type: "not_found_error" },
    });
    const response = await fetch(`${started.gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(body.error.message).toContain("max_tokens");
    expect(started.upstream.requests.length).toBe(before);
  });
});

describe("a Messages stream's result", () => {
  it("comes as an SSE comment before message_stop when asked, and the SDK still reads the stream", async () => {
    const response = await fetch(`${started.gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-switchyard-stream-result": "1" },
      body: JSON.stringify({
        model: "default",
        max_tokens: 64,
        stream: true,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    const text = await response.text();
    const comment = text.indexOf(": x-switchyard-result {");
    expect(comment).toBeGreaterThan(0);
    expect(comment).toBeLessThan(text.indexOf("event: message_stop"));
    expect(text.slice(comment).split("\n")[0]).toContain('"x-switchyard-target":"mini"');
    const stream = client.messages.stream(
      { model: "default", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] },
      { headers: { "x-switchyard-stream-result": "1" } },
    );
    expect(await stream.finalText()).toBe("Hello!");
  });
});
