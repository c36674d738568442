import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { fetchHandler, nodeHandler } from "../../examples/streaming-to-http.js";
import {
  createRouter,
  ProviderCallError,
  type ProviderFactory,
  type ProviderStreamPart,
  providerConfigFields,
  type Router,
  type StreamPart,
} from "../../index.js";

/**
 * A provider whose stream is scripted in the test: each request takes the next script; the script
 * can stop (hang) or fail after its parts. No HTTP upstream, so this file's own loopback server
 * and fetch are real.
 */
interface Script {
  parts: ProviderStreamPart[];
  after?: "hang" | "fail";
}

function scriptedProvider(scripts: Script[], seen: { aborted: number }): ProviderFactory {
  return {
    type: "scripted",
    configSchema: z.object({ type: z.literal("scripted"), ...providerConfigFields }).strict(),
    capabilities: { streaming: true, tools: true, contextWindow: 8000 },
    create: (id) => ({
      id,
      type: "scripted",
      local: true,
      languageModel: (model) => ({
        provider: id,
        model,
        capabilities: {},
        doGenerate: () => Promise.reject(new Error("stream only")),
        async doStream(options) {
          const script = scripts.shift() ?? { parts: [] };
          async function* run(): AsyncGenerator<ProviderStreamPart> {
            for (const part of script.parts) {
              await new Promise((resolve) => setTimeout(resolve, 1));
              yield part;
            }
            if (script.after === "fail") {
              throw new ProviderCallError({
                kind: "server",
                message: `${id} dropped the stream`,
                provider: id,
                model,
                retryable: true,
              });
            }
            if (script.after === "hang") {
              await new Promise<void>((_, reject) => {
                options.signal.addEventListener("abort", () => {
                  seen.aborted += 1;
                  reject(options.signal.reason);
                });
              });
            }
          }
          return { stream: run(), warnings: [] };
        },
      }),
    }),
  };
}

const answer = (...texts: string[]): Script => ({
  parts: [
    ...texts.map((text) => ({ type: "text-delta" as const, text })),
    { type: "finish", finishReason: "stop", usage: { inputTokens: 5, outputTokens: texts.length } },
  ],
});

const messages = [{ role: "user" as const, content: "hi" }];
let router: Router | undefined;
let server: Server | undefined;

afterEach(async () => {
  await router?.close();
  router = undefined;
  if (server) {
    server.closeAllConnections();
    server.close();
    server = undefined;
  }
});

async function start(scripts: Script[]) {
  const seen = { aborted: 0 };
  router = await createRouter({
    providers: [scriptedProvider(scripts, seen)],
    policy: {
      providers: { engine: { type: "scripted" } },
      targets: { t: { provider: "engine", model: "m1", maxAttempts: 1, price: { input: 0, output: 0 } } },
      routes: { default: { targets: ["t"] } },
    },
  });
  return { router, seen };
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream as unknown as AsyncIterable<T>) out.push(item);
  return out;
}

/** Splits a Server-Sent Events body into its events. */
function sseEvents(body: string): { event?: string; data: string }[] {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
      return event ? { event, data } : { data };
    });
}

describe("streams into HTTP responses", () => {
  it("gives the parts as a web ReadableStream ending with the finish part", async () => {
    const { router } = await start([answer("Hel", "lo")]);
    const parts = await readAll(router.stream({ messages }).toReadableStream());
    expect(parts.map((part) => part.type)).toEqual(["text-delta", "text-delta", "finish"]);
    const finish = parts.at(-1) as Extract<StreamPart, { type: "finish" }>;
    expect(finish.result.text).toBe("Hello");
  });

  it("answers a fetch-style handler with an event-stream Response of named events", async () => {
    const { router } = await start([answer("Hel", "lo")]);
    const response = router.stream({ messages }).toSSEResponse({ headers: { "x-route": "default" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("x-route")).toBe("default");
    const events = sseEvents(await response.text());
    expect(events.map((event) => event.event)).toEqual(["text-delta", "text-delta", "finish"]);
    expect(JSON.parse(events[2]?.data ?? "{}").result.route.callId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("speaks OpenAI's chunk format well enough for the openai SDK to read it", async () => {
    const { router } = await start([
      {
        parts: [
          { type: "text-delta", text: "Let me look." },
          { type: "tool-call", index: 0, id: "call_1", name: "lookup", arguments: '{"q":"x"}' },
          { type: "finish", finishReason: "tool-calls", usage: { inputTokens: 7, outputTokens: 4 } },
        ],
      },
    ]);
    const client = new OpenAI({
      apiKey: "not-used",
      baseURL: "http://gateway.invalid/v1",
      fetch: async () =>
        router
          .stream({
            messages,
            tools: [
              {
                name: "lookup",
                description: "Looks a word up.",
                parameters: { type: "object", properties: {} },
              },
            ],
          })
          .toSSEResponse({ format: "openai" }),
    });
    const chunks = await client.chat.completions.create({
      model: "default",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    const calls: { name?: string; arguments?: string }[] = [];
    let finishReason: string | null = null;
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of chunks) {
      expect(chunk.object).toBe("chat.completion.chunk");
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? "";
      for (const call of choice?.delta.tool_calls ?? []) {
        calls[call.index] = { name: call.function?.name, arguments: call.function?.arguments };
      }
      finishReason = choice?.finish_reason ?? finishReason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Let me look.");
    expect(calls).toEqual([{ name: "lookup", arguments: '{"q":"x"}' }]);
    expect(finishReason).toBe("tool_calls");
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 4 });
  });

  it("ends with a terminal error event when the upstream fails after the first token", async () => {
    const { router } = await start([{ parts: [{ type: "text-delta", text: "Hel" }], after: "fail" }]);
    const openai = sseEvents(await router.stream({ messages }).toSSEResponse({ format: "openai" }).text());
    expect(openai.at(-1)?.data).toContain('"error"');
    expect(openai.map((event) => event.data)).not.toContain("[DONE]");
    const error = JSON.parse(openai.at(-1)?.data ?? "{}").error;
    expect(error).toMatchObject({ type: "StreamInterruptedError" });
  });

  it("names the error event in the switchyard format", async () => {
    const { router } = await start([{ parts: [{ type: "text-delta", text: "Hel" }], after: "fail" }]);
    const events = sseEvents(await router.stream({ messages }).toSSEResponse().text());
    expect(events.map((event) => event.event)).toEqual(["text-delta", "error"]);
    expect(JSON.parse(events[1]?.data ?? "{}").error.name).toBe("StreamInterruptedError");
  });

  it("pipes into a Node ServerResponse, and a client that disconnects cancels the call upstream", async () => {
    const { router, seen } = await start([
      answer("Hel", "lo"),
      { parts: [{ type: "text-delta", text: "Hel" }], after: "hang" },
    ]);
    let ended: Promise<unknown> | undefined;
    const results: Promise<unknown>[] = [];
    server = createServer((_request, response) => {
      const stream = router.stream({ messages });
      results.push(stream.result.catch((error: unknown) => error));
      ended = stream.pipeSSE(response);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const whole = await fetch(url);
    expect(whole.headers.get("content-type")).toContain("text/event-stream");
    expect(sseEvents(await whole.text()).map((event) => event.event)).toEqual([
      "text-delta",
      "text-delta",
      "finish",
    ]);
    await ended;

    const controller = new AbortController();
    const partial = await fetch(url, { signal: controller.signal });
    const reader = partial.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain("event: text-delta");
    controller.abort();
    await ended;
    const outcome = await results[1];
    expect((outcome as Error).name).toBe("AbortedError");
    expect(seen.aborted).toBe(1);
  });

  it("lets two consumers read every part with tee, and one leaving does not cancel the call", async () => {
    const { router, seen } = await start([answer("a", "b", "c")]);
    const [left, right] = router.stream({ messages }).tee();
    const leftIterator = left[Symbol.asyncIterator]();
    const firstLeft = await leftIterator.next();
    expect(firstLeft.value).toMatchObject({ type: "text-delta", text: "a" });
    await leftIterator.return?.();
    const rightParts: StreamPart[] = [];
    for await (const part of right) rightParts.push(part);
    expect(rightParts.map((part) => (part.type === "text-delta" ? part.text : part.type))).toEqual([
      "a",
      "b",
      "c",
      "finish",
    ]);
    expect((await right.result).text).toBe("abc");
    expect(seen.aborted).toBe(0);
  });

  it("refuses a second reader of the same stream with a clear error", async () => {
    const { router } = await start([answer("x")]);
    const stream = router.stream({ messages });
    for await (const _part of stream) {
      // the first reader takes every part
    }
    await expect(readAll(stream.toReadableStream())).rejects.toThrow(/read only once: use tee\(\)/);
  });

  it("cancels the call once both tee branches are cancelled", async () => {
    const { router, seen } = await start([{ parts: [{ type: "text-delta", text: "a" }], after: "hang" }]);
    const stream = router.stream({ messages });
    const [left, right] = stream.tee();
    await left[Symbol.asyncIterator]().next();
    left.cancel();
    right.cancel();
    const error = await stream.result.catch((caught: unknown) => caught);
    expect((error as Error).name).toBe("AbortedError");
    expect(seen.aborted).toBe(1);
  });
});

describe("a slow reader pauses the upstream", () => {
  it("stops pulling parts from the provider while 32 unread parts wait, and resumes as the reader reads", async () => {
    let produced = 0;
    const parts: ProviderStreamPart[] = Array.from({ length: 500 }, (_, index) => ({
      type: "text-delta" as const,
      text: `t${index} `,
    }));
    const script: Script = {
      parts: [
        ...parts,
        { type: "finish", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 500 } },
      ],
    };
    const counting = new Proxy(script.parts, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) produced = Math.max(produced, Number(key) + 1);
        return Reflect.get(target, key, receiver);
      },
    });
    const { router } = await start([{ parts: counting }]);
    const stream = router.stream({ messages });
    const reader = stream[Symbol.asyncIterator]();
    await reader.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The first part read, 32 waiting, and the one the attempt holds while it waits for room.
    expect(produced).toBeLessThanOrEqual(40);
    let read = 1;
    while (!(await reader.next()).done) read += 1;
    expect(read).toBe(501);
    expect(produced).toBe(501);
  });
});

describe("the README's streaming handlers (examples/streaming-to-http.ts)", () => {
  it("serves OpenAI-format chunks from the fetch-style handler", async () => {
    const { router } = await start([answer("Hel", "lo")]);
    const response = await fetchHandler(router)(
      new Request("http://app.invalid/chat", { method: "POST", body: JSON.stringify({ prompt: "hi" }) }),
    );
    const data = sseEvents(await response.text()).map((event) => event.data);
    expect(data.at(-1)).toBe("[DONE]");
    const text = data
      .slice(0, -1)
      .map((line) => JSON.parse(line).choices[0]?.delta.content ?? "")
      .join("");
    expect(text).toBe("Hello");
  });

  it("serves named events from the node:http handler", async () => {
    const { router } = await start([answer("Hel", "lo")]);
    server = createServer(nodeHandler(router));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`, {
      method: "POST",
      body: JSON.stringify({ prompt: "hi" }),
    });
    expect(sseEvents(await response.text()).map((event) => event.event)).toEqual([
      "text-delta",
      "text-delta",
      "finish",
    ]);
  });
});
