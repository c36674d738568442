import { execFile } from "node:child_process";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Started, startGateway, upstreamKey } from "./gateway-fixture.js";
import { hangingStreamReply, reasoningReply, statusReply, textReply, toolReply } from "./openai-upstream.js";

const execFileAsync = promisify(execFile);
let started: Started;
let client: OpenAI;

beforeAll(async () => {
  started = await startGateway();
  client = new OpenAI({ baseURL: `${started.gateway.url}/v1`, apiKey: "unused-without-keys", maxRetries: 0 });
});
afterAll(() => started.stop());

async function raw(
  path: string,
  init: RequestInit,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; text: string }> {
  const response = await fetch(`${started.gateway.url}${path}`, init);
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: response.status, headers: response.headers, body, text };
}

describe("the OpenAI-compatible gateway", () => {
  it("answers a chat completion through the route `model` names, with the call id, target and cost in headers", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "default", messages: [{ role: "user", content: "Hi" }], max_tokens: 20 })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe("default");
    expect(data.choices[0]?.message.content).toBe("Hello!");
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
    expect(response.headers.get("x-switchyard-call-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-switchyard-target")).toBe("mini");
    expect(Number(response.headers.get("x-switchyard-cost-usd"))).toBeCloseTo(
      (12 * 0.15 + 3 * 0.6) / 1e6,
      12,
    );
    const sent = started.upstream.requests.at(-1);
    expect(sent?.body).toMatchObject({ model: "gpt-4o-mini", max_completion_tokens: 20 });
    // The upstream sees the policy's key, never the caller's.
    expect(sent?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
  });

  it("streams OpenAI chunks ending in [DONE], with the usage chunk when include_usage asks", async () => {
    const stream = await client.chat.completions.create({
      model: "default",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Hello!");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3 });
  });

  it("returns the upstream's reasoning as reasoning_content, in the message and in stream deltas", async () => {
    started.upstream.replies.push(
      reasoningReply("The user greets.", "Hello!"),
      reasoningReply("The user greets.", "Hello!"),
    );
    const answer = await raw("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "Hi" }] }),
    });
    const [choice] = answer.body.choices as { message: Record<string, unknown> }[];
    expect(choice?.message).toMatchObject({ content: "Hello!", reasoning_content: "The user greets." });
    const stream = await client.chat.completions.create({
      model: "default",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    const reasoning: string[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) reasoning.push(delta.reasoning_content);
    }
    expect(reasoning.join("")).toBe("The user greets.");
  });

  it("sends each stream's own call id in its headers, before the first token", async () => {
    const first = await client.chat.completions
      .create({ model: "default", messages: [{ role: "user", content: "Hi" }], stream: true })
      .withResponse();
    for await (const _chunk of first.data) {
      // drain
    }
    const second = await client.chat.completions
      .create({ model: "default", messages: [{ role: "user", content: "Hi" }], stream: true })
      .withResponse();
    for await (const _chunk of second.data) {
      // drain
    }
    const ids = [first.response, second.response].map((response) =>
      response.headers.get("x-switchyard-call-id"),
    );
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("frames the raw stream as data lines and ends it with data: [DONE]", async () => {
    const { status, text } = await raw("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "Hi" }], stream: true }),
    });
    expect(status).toBe(200);
    const frames = text.split("\n\n").filter(Boolean);
    expect(frames.every((frame) => frame.startsWith("data: "))).toBe(true);
    expect(frames.at(-1)).toBe("data: [DONE]");
    // Without include_usage there is no usage chunk.
    expect(frames.some((frame) => frame.includes('"usage"'))).toBe(false);
  });

  it("ends a stream that asks for it with its target and cost as an SSE comment, which the SDK skips", async () => {
    const { status, headers, text } = await raw("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-switchyard-stream-result": "1" },
      body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "Hi" }], stream: true }),
    });
    expect(status).toBe(200);
    const frames = text.split("\n\n").filter(Boolean);
    const comments = frames.filter((frame) => frame.startsWith(": "));
    expect(comments).toHaveLength(1);
    const comment = comments[0] ?? "";
    expect(comment).toMatch(/^: x-switchyard-result \{/);
    const result = JSON.parse(comment.slice(": x-switchyard-result ".length)) as Record<string, string>;
    expect(result).toMatchObject({
      "x-switchyard-call-id": headers.get("x-switchyard-call-id"),
      "x-switchyard-route": "default",
      "x-switchyard-target": "mini",
      "x-switchyard-provider": "upstream",
    });
    expect(Number(result["x-switchyard-cost-usd"])).toBeGreaterThan(0);
    // Before the final chunk and [DONE]: a client that stops reading at [DONE] has seen it.
    expect(frames.indexOf(comment)).toBeLessThan(frames.length - 2);
    const stream = await client.chat.completions.create(
      { model: "default", messages: [{ role: "user", content: "Hi" }], stream: true },
      { headers: { "x-switchyard-stream-result": "1" } },
    );
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? "";
    expect(streamed).toBe("Hello!");
  });

  it("streams SSE that curl reads frame by frame", async () => {
    // Asynchronous: the gateway answers from this same process.
    const { stdout } = await execFileAsync(
      "curl",
      [
        "-sN",
        `${started.gateway.url}/v1/chat/completions`,
        "-H",
        "content-type: application/json",
        "-d",
        JSON.stringify({ model: "default", messages: [{ role: "user", content: "Hi" }], stream: true }),
      ],
      { encoding: "utf8", timeout: 10_000 },
    );
    const frames = stdout.split("\n\n").filter(Boolean);
    const chunks = frames
      .slice(0, -1)
      .map((frame) => JSON.parse(frame.replace(/^data: /, "")) as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(frames.at(-1)).toBe("data: [DONE]");
  });

  it("passes tools to the route and returns the model's tool calls, whole and streamed", async () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ];
    started.upstream.replies.push(toolReply, toolReply);
    const answer = await client.chat.completions.create({
      model: "default",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      tool_choice: "auto",
    });
    expect(started.upstream.requests.at(-1)?.body.tools).toMatchObject(tools);
    expect(answer.choices[0]?.finish_reason).toBe("tool_calls");
    expect(answer.choices[0]?.message.tool_calls).toEqual([
      {
        id: "call_abc123",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris"}' },
      },
    ]);
    const stream = client.chat.completions.stream({
      model: "default",
      messages: [{ role: "user", content: "Weather?" }],
      tools,
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
  });

  it("returns log-probs in OpenAI's shape when logprobs and top_logprobs ask, streamed too", async () => {
    const answer = await client.chat.completions.create({
      model: "default",
      messages: [{ role: "user", content: "Hi" }],
      logprobs: true,
      top_logprobs: 1,
    });
    expect(started.upstream.requests.at(-1)?.body).toMatchObject({ logprobs: true, top_logprobs: 1 });
    expect(answer.choices[0]?.logprobs?.content?.[0]).toMatchObject({
      token: "Hello!",
      logprob: -0.25,
      top_logprobs: [{ token: "Hello!", logprob: -0.25 }],
    });
    const stream = client.chat.completions.stream({
      model: "default",
      messages: [{ role: "user", content: "Hi" }],
      logprobs: true,
      top_logprobs: 1,
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.logprobs?.content?.[0]?.token).toBe("Hello!");
  });

  it("sends response_format's JSON schema to the target", async () => {
    started.upstream.replies.push(textReply('{"answer":42}'));
    const schema = {
      type: "object",
      properties: { answer: { type: "number" } },
      required: ["answer"],
      additionalProperties: false,
    };
    const answer = await client.chat.completions.create({
      model: "default",
      messages: [{ role: "user", content: "The answer?" }],
      response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } },
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? "")).toEqual({ answer: 42 });
    expect(started.upstream.requests.at(-1)?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "answer", schema },
    });
  });

  it("lists the routes as models and embeds through a route", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(["default", "other", "vectors"]);
    const embedded = await client.embeddings.create({ model: "vectors", input: ["a", "b"] });
    expect(embedded.data.map((entry) => entry.embedding)).toEqual([
      [0.5, -0.25, 0],
      [0.5, -0.25, 1],
    ]);
    expect(embedded.usage.prompt_tokens).toBe(8);
  });

  it("cancels the upstream request when the client aborts mid-stream", async () => {
    started.upstream.replies.push(hangingStreamReply);
    const closedBefore = started.upstream.state.closedEarly;
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "default", messages: [{ role: "user", content: "Tell a story" }], stream: true },
      { signal: abort.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.choices[0]?.delta.content).toBe("Once");
    abort.abort();
    // The SDK ends its iteration quietly on abort; what matters is what reaches the upstream.
    await iterator.next().catch(() => undefined);
    await expect.poll(() => started.upstream.state.closedEarly, { timeout: 3000 }).toBe(closedBefore + 1);
  });

  it("answers an upstream failure as an OpenAI error with a gateway status, not a 500 with a stack", async () => {
    started.upstream.replies.push(
      statusReply(503, { error: { message: "overloaded", type: "server_error", param: null, code: null } }),
    );
    const error = await client.chat.completions
      .create({ model: "default", messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const api = error as InstanceType<typeof OpenAI.APIError>;
    expect(api.status).toBe(502);
    expect(api.headers?.get("x-switchyard-call-id")).toBeTruthy();
    expect(JSON.stringify(api.error)).not.toContain("    at ");
    expect(JSON.stringify(api.error)).not.toContain(upstreamKey);
  });
});

describe("bad input", () => {
  const chat = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
    raw("/v1/chat/completions", {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const messages = [{ role: "user", content: "Hi" }];

  it("refuses each bad request with a 4xx in OpenAI's error shape naming the problem, calling no provider", async () => {
    const before = started.upstream.requests.length;
    const cases: [Awaited<ReturnType<typeof chat>>, number, string | null, RegExp][] = [
      [await chat('{"model": "default", "messages": ['), 400, null, /not valid JSON/],
      [
        await chat(JSON.stringify({ model: "default", messages }), { "content-type": "text/plain" }),
        415,
        null,
        /application\/json/,
      ],
      [await chat({ model: "default", messages, max_tokens: -5 }), 400, "max_tokens", /max_tokens/],
      [await chat({ model: "default", messages, temprature: 0.2 }), 400, "temprature", /unknown field/],
      [await chat({ model: "nope", messages }), 404, "model", /not a route/],
      [await chat({ model: "default", messages: [] }), 400, "messages", /messages/],
      [await chat({ model: "default", messages, top_logprobs: 2 }), 400, "top_logprobs", /logprobs: true/],
      [
        await chat({ model: "default", messages, switchyard: { targets: { only: ["ghost"] } } }),
        400,
        "targets.only[0]",
        /ghost/,
      ],
      [
        await chat({ model: "default", messages: [{ role: "user", content: "x".repeat(5 * 1024 * 1024) }] }),
        413,
        null,
        /larger than/,
      ],
    ];
    for (const [response, status, param, message] of cases) {
      expect(response.status, response.text).toBe(status);
      const error = response.body.error as Record<string, unknown>;
      expect(error.message).toMatch(message);
      if (param !== null) expect(error.param).toBe(param);
      expect(response.text).not.toContain("    at ");
    }
    expect(started.upstream.requests.length).toBe(before);
  });

  it("answers an unknown endpoint with a 404 in OpenAI's shape", async () => {
    const response = await raw("/v1/completions", { method: "POST" });
    expect(response.status).toBe(404);
    expect((response.body.error as Record<string, unknown>).code).toBe("unknown_endpoint");
  });

  it("answers oversized headers with 431 before any handler runs", async () => {
    const response = await fetch(`${started.gateway.url}/v1/models`, {
      headers: { "x-padding": "p".repeat(20_000) },
    });
    expect(response.status).toBe(431);
  });
});

describe("operations", () => {
  it("reports liveness, readiness and Prometheus metrics", async () => {
    expect((await raw("/health/live", {})).status).toBe(200);
    expect((await raw("/health/ready", {})).body).toEqual({ status: "ready" });
    const metrics = await fetch(`${started.gateway.url}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(
      /switchyard_gateway_requests_total\{endpoint="\/v1\/chat\/completions",status="200"\} \d+/,
    );
    // Refused requests are counted with their status too.
    expect(text).toMatch(
      /switchyard_gateway_requests_total\{endpoint="\/v1\/chat\/completions",status="400"\} \d+/,
    );
    expect(text).toMatch(/switchyard_gateway_cost_usd_total\{route="default",key=""\} [0-9.e-]+/);
    expect(text).toContain("# TYPE switchyard_gateway_request_duration_seconds histogram");
  });
});
