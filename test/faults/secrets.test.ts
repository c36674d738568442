import { HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { type StreamPart, SwitchyardError } from "../../index.js";
import { useMswServer } from "../support/msw-server.js";
import { sseResponse } from "../support/sse-response.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { providerShapes } from "./support/provider-shapes.js";
import { answer, defaultUsage, fail, frames, type Reply } from "./support/replies.js";
import { leakedSecrets } from "./support/secret-scan.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "hi" }];
const echo = (key: string) => `Incorrect API key provided: ${key} (Authorization: Bearer ${key})`;

/** The request-id headers of OpenAI (`x-request-id`) and Anthropic (`request-id`), echoing the key. */
const idHeaders = (key: string) => ({ "x-request-id": `req-${key}`, "request-id": `req-${key}` });

/** A 503 whose status line, id headers and body all carry the key. */
const echoingStatusLine =
  (key: string): Reply =>
  (_call, shape) => {
    const failure = shape.failure("unavailable", echo(key));
    return HttpResponse.json(failure?.body as Record<string, unknown>, {
      status: 503,
      statusText: `Service Unavailable for ${key}`,
      headers: idHeaders(key),
    });
  };

/**
 * A complete answer that echoes the key in its id headers and in its text, split across two
 * deltas when streamed (so no single delta holds the whole key).
 */
const echoingAnswer =
  (key: string): Reply =>
  (call, shape) => {
    const deltas = [`Your key is ${key.slice(0, 13)}`, `${key.slice(13)}, keep it safe.`];
    return call.stream
      ? sseResponse([...shape.opening(deltas), ...shape.closing(defaultUsage)], { headers: idHeaders(key) })
      : HttpResponse.json(shape.answer(deltas.join(""), defaultUsage) as Record<string, unknown>, {
          headers: idHeaders(key),
        });
  };

/** Ways a provider echoes the caller's credential back, by the key it received. */
const echoes: ReadonlyArray<[string, (key: string) => Reply]> = [
  ["a 401 body", (key) => fail("auth", { message: echo(key) })],
  [
    "a 500 body and a response header",
    (key) => fail("server", { message: echo(key), headers: { "x-echo-authorization": `Bearer ${key}` } }),
  ],
  ["a 429 body", (key) => fail("rate-limit", { message: echo(key), headers: { "retry-after": "3600" } })],
  [
    "an error event before any token",
    (key) => frames((wire) => [...wire.opening([]), wire.errorEvent(echo(key))]),
  ],
  [
    "an error event after tokens",
    (key) => frames((wire) => [...wire.opening(["Hel"]), wire.errorEvent(echo(key))]),
  ],
  ["a malformed event", (key) => frames((wire) => [...wire.opening([]), `data: {"auth": "${key}"\n\n`])],
  ["a request-id header on a 500", (key) => fail("server", { headers: idHeaders(key) })],
  ["a request-id header on a 429", (key) => fail("rate-limit", { headers: idHeaders(key) })],
  ["a status line, id headers and body of a 503", echoingStatusLine],
];

describe.each(providerShapes)("scenario 20 ($name): a response echoes the API key", (shape) => {
  it.each(echoes)(
    "never lets the key out through errors, parts, traces or events (%s)",
    async (_name, reply) => {
      const a = new Upstream("a", shape);
      const b = new Upstream("b", shape);
      a.replies(reply(a.apiKey));
      b.replies(reply(b.apiKey));
      const { router, events } = await startHarness({ targets: { a, b } });
      const keys = [a.apiKey, b.apiKey];
      for (const streaming of [false, true]) {
        const parts: StreamPart[] = [];
        const call = streaming
          ? (async () => {
              const stream = router.stream({ messages });
              for await (const part of stream) parts.push(part);
              return stream.result;
            })()
          : router.chat({ messages });
        const outcome = track(call);
        await vi.advanceTimersByTimeAsync(5000);
        const error = await outcome.error();
        expect(SwitchyardError.isInstance(error)).toBe(true);
        expect(leakedSecrets(error, keys)).toEqual([]);
        expect(leakedSecrets(parts, keys)).toEqual([]);
      }
      expect(a.count).toBeGreaterThan(0);
      expect(leakedSecrets(events, keys)).toEqual([]);
      await router.close();
    },
  );

  it("keeps the key out of a successful answer's trace after an echoing failure", async () => {
    const a = new Upstream("a", shape);
    a.replies(fail("auth", { message: echo(a.apiKey) }));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router, events } = await startHarness({ targets: { a, b } });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(result.route.attempts[0]?.errorMessage).toContain("[REDACTED]");
    expect(leakedSecrets(result, [a.apiKey, b.apiKey])).toEqual([]);
    expect(leakedSecrets(events, [a.apiKey, b.apiKey])).toEqual([]);
    await router.close();
  });

  it("redacts a key echoed in id headers and in the answer, even split across deltas", async () => {
    const a = new Upstream("a", shape);
    a.replies(echoingAnswer(a.apiKey));
    const { router, events } = await startHarness({ targets: { a } });
    for (const streaming of [false, true]) {
      const parts: StreamPart[] = [];
      let result: Awaited<ReturnType<typeof router.chat>>;
      if (streaming) {
        const stream = router.stream({ messages });
        for await (const part of stream) parts.push(part);
        result = await stream.result;
      } else {
        result = await router.chat({ messages });
      }
      expect(result.text).toBe("Your key is [REDACTED], keep it safe.");
      expect(result.route.attempts.at(-1)?.requestId).toBe("req-[REDACTED]");
      if (streaming) {
        const delivered = parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("");
        expect(delivered).toBe(result.text);
      }
      expect(leakedSecrets(result, [a.apiKey])).toEqual([]);
      expect(leakedSecrets(parts, [a.apiKey])).toEqual([]);
    }
    expect(leakedSecrets(events, [a.apiKey])).toEqual([]);
    await router.close();
  });

  it("would detect the key: the scan finds a planted canary", () => {
    const a = new Upstream("a", shape);
    const planted = new SwitchyardError("failed", { cause: new Error(`nested ${a.apiKey}`) });
    expect(leakedSecrets(planted, [a.apiKey])).toEqual([a.apiKey]);
  });
});
