import { afterEach, describe, expect, it } from "vitest";
import type { Router, StreamPart } from "../../index.js";
import {
  blockStop,
  messageDelta,
  messageStart,
  messageStop,
  textBlockStart,
  textDelta,
} from "../../providers/anthropic/test/anthropic-wire.js";
import { chunk, textChunk } from "../../providers/openai/fixtures/openai-wire.js";
import type { PolicyFile } from "../../src/config/index.js";
import { reasoningReply } from "../ai-sdk/openai-replies.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { anthropicShape, openaiShape } from "../faults/support/provider-shapes.js";
import { dropAfter } from "../faults/support/replies.js";
import { type Reply, Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";
import { sseData, sseEvent } from "../support/sse-frames.js";
import { sseResponse } from "../support/sse-response.js";

useMswServer();

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

async function routerOver(
  upstream: Upstream,
  routes?: Record<string, PolicyFile["routes"][string]>,
): Promise<Router> {
  ({ router } = await startHarness({ targets: { a: upstream }, ...(routes ? { routes } : {}) }));
  return router;
}

const request = { messages: [{ role: "user" as const, content: "Hi" }], temperature: 0 };

async function readAll(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function sseText(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

// The first call of a file loads the router and the provider SDKs: slow on a busy machine.
describe("reasoning through the router", { timeout: 30_000 }, () => {
  it("streams reasoning deltas before the text, and the result keeps them apart with reasoning tokens", async () => {
    const upstream = new Upstream("a", openaiShape).replies(
      reasoningReply(["The user ", "greets."], "Hello!"),
    );
    const chat = (await routerOver(upstream)).stream(request);
    const parts = await readAll(chat);
    expect(parts.slice(0, 3)).toEqual([
      { type: "reasoning-delta", text: "The user " },
      { type: "reasoning-delta", text: "greets." },
      { type: "text-delta", text: "Hello!" },
    ]);
    const result = await chat.result;
    expect(result).toMatchObject({
      text: "Hello!",
      reasoning: "The user greets.",
      message: { content: "Hello!" },
    });
    expect(result.message).not.toHaveProperty("reasoning");
    expect(result.usage).toMatchObject({ outputTokens: 40, reasoningTokens: 32 });
  });

  it("answers chat with the reasoning of a whole response", async () => {
    const upstream = new Upstream("a", openaiShape).replies(reasoningReply(["Think."], "Done."));
    const result = await (await routerOver(upstream)).chat(request);
    expect(result).toMatchObject({ text: "Done.", reasoning: "Think." });
  });

  it("writes reasoning as delta.reasoning_content in the OpenAI SSE format and as its own event in Switchyard's", async () => {
    const upstream = new Upstream("a", openaiShape).replies(
      reasoningReply(["Think."], "Done."),
      reasoningReply(["Think."], "Done."),
    );
    const routed = await routerOver(upstream);
    const openai = await sseText(routed.stream(request).toSSEStream({ format: "openai" }));
    const chunks = openai
      .split("\n\n")
      .filter((frame) => frame.startsWith("data: {"))
      .map((frame) => JSON.parse(frame.slice("data: ".length)) as Record<string, unknown>);
    const deltas = chunks.flatMap((chunk) =>
      (chunk.choices as { delta: Record<string, unknown> }[]).map((c) => c.delta),
    );
    expect(deltas[0]).toEqual({ role: "assistant", reasoning_content: "Think." });
    expect(deltas[1]).toEqual({ content: "Done." });
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens_details: { reasoning_tokens: 32 } });
    const switchyard = await sseText(routed.stream(request).toSSEStream());
    expect(switchyard).toContain(
      'event: reasoning-delta\ndata: {"type":"reasoning-delta","text":"Think."}\n\n',
    );
  });

  it("replays a cached answer's reasoning before its text", async () => {
    const upstream = new Upstream("a", openaiShape).replies(reasoningReply(["Think."], "Done."));
    const routed = await routerOver(upstream, { default: { targets: ["a"], cache: { ttlMs: 60_000 } } });
    await routed.chat(request);
    const chat = routed.stream(request);
    const parts = await readAll(chat);
    expect(upstream.count).toBe(1);
    expect(parts.slice(0, 2)).toEqual([
      { type: "reasoning-delta", text: "Think." },
      { type: "text-delta", text: "Done." },
    ]);
    expect(await chat.result).toMatchObject({ reasoning: "Think.", route: { cache: "hit" } });
  });

  it("asks Anthropic for extended thinking through providerOptions and streams its thinking as reasoning", async () => {
    const thinkingStream: Reply = () =>
      sseResponse([
        messageStart({ inputTokens: 9 }),
        sseEvent("content_block_start", {
          type: "content_block_start",
          index: 0,
          content_block: { type: "thinking", thinking: "", signature: "" },
        }),
        sseEvent("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "thinking_delta", thinking: "A greeting. " },
        }),
        sseEvent("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "thinking_delta", thinking: "Be brief." },
        }),
        sseEvent("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: {
            type: "signature_delta",
            signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
          },
        }),
        blockStop(0),
        textBlockStart(1),
        textDelta(1, "Hello!"),
        blockStop(1),
        messageDelta("end_turn", 30),
        messageStop,
      ]);
    const upstream = new Upstream("a", anthropicShape).replies(thinkingStream);
    const chat = (await routerOver(upstream)).stream({
      messages: [{ role: "user", content: "Hi" }],
      maxTokens: 4096,
      providerOptions: { anthropic: { thinking: { type: "enabled", budget_tokens: 2048 } } },
    });
    const parts = await readAll(chat);
    expect(upstream.calls[0]?.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(parts.slice(0, 3)).toEqual([
      { type: "reasoning-delta", text: "A greeting. " },
      { type: "reasoning-delta", text: "Be brief." },
      { type: "text-delta", text: "Hello!" },
    ]);
    expect(await chat.result).toMatchObject({ text: "Hello!", reasoning: "A greeting. Be brief." });
  });

  it("keeps the reasoning an interrupted attempt delivered when the next target continues", async () => {
    const a = new Upstream("a", openaiShape).replies(
      dropAfter(() => [
        sseData(chunk({ delta: { role: "assistant", content: null, reasoning_content: "First. " } })),
        sseData(textChunk("Hel")),
      ]),
    );
    const b = new Upstream("b", openaiShape).replies(reasoningReply(["Again."], "lo!"));
    ({ router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], continueOnInterrupt: true } },
    }));
    const chat = router.stream({ messages: [{ role: "user", content: "Hi" }] });
    const parts = await readAll(chat);
    const thought = parts.flatMap((part) => (part.type === "reasoning-delta" ? [part.text] : [])).join("");
    const result = await chat.result;
    expect(result).toMatchObject({ text: "Hello!", reasoning: "First. Again." });
    expect(thought).toBe(result.reasoning);
  });
});
