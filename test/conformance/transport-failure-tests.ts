import { expect, it } from "vitest";
import { collectStream } from "./collect-stream.js";
import type { ConformanceHarness } from "./conformance-harness.js";
import type { ExpectedError } from "./conformance-spec.js";

/** Undici's error for a socket the server closed: the cause of `fetch failed` and `terminated`. */
function socketClosed(): Error {
  return Object.assign(new Error("other side closed"), { name: "SocketError", code: "UND_ERR_SOCKET" });
}

/** What undici throws when the connection drops before the response headers arrive. */
function droppedBeforeHeaders(): TypeError {
  return new TypeError("fetch failed", { cause: socketClosed() });
}

/** A 200 whose body undici cuts with `TypeError("terminated")`: headers came, the rest never did. */
function droppedMidBody(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"id":"'));
      controller.error(new TypeError("terminated", { cause: socketClosed() }));
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

/** Node's error for a socket reset during the TLS handshake: not a byte of the request was written. */
function resetBeforeSending(): TypeError {
  const reset = Object.assign(
    new Error("Client network socket disconnected before secure TLS connection was established"),
    { code: "ECONNRESET", host: "api.example.test", port: 443 },
  );
  return new TypeError("fetch failed", { cause: reset });
}

function refusedConnection(): TypeError {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
    code: "ECONNREFUSED",
    syscall: "connect",
  });
  return new TypeError("fetch failed", { cause: refused });
}

/**
 * Transport failures, produced by a replacement fetch with the errors undici really throws. Every
 * adapter classifies them through providers/shared/classify-transport-failure.ts, so each gets
 * the same kind, retryability and billing answer: a request that may have reached the provider
 * is possibly billed, one that provably never left is not.
 */
export function registerTransportFailureTests(harness: ConformanceHarness): void {
  const { spec, setup, callOptions, expectProviderError } = harness;
  if (!spec.httpErrors) return;

  const failWith =
    (failure: () => Promise<Response>): typeof globalThis.fetch =>
    () =>
      failure();

  const cases: Array<[string, typeof globalThis.fetch, ExpectedError & { possiblyBilled: boolean }]> = [
    [
      "classifies a connection that drops after the request was sent (before the headers) as network, retryable, possibly billed",
      failWith(() => Promise.reject(droppedBeforeHeaders())),
      { kind: "network", retryable: true, possiblyBilled: true },
    ],
    [
      "classifies a connection that drops after the request was sent (mid-body, undici's terminated) as network, retryable, possibly billed",
      failWith(() => Promise.resolve(droppedMidBody())),
      { kind: "network", retryable: true, possiblyBilled: true },
    ],
    [
      "classifies a reset before sending as network, retryable, not billed",
      failWith(() => Promise.reject(resetBeforeSending())),
      { kind: "network", retryable: true, possiblyBilled: false },
    ],
    [
      "classifies a refused connection as network, retryable, not billed",
      failWith(() => Promise.reject(refusedConnection())),
      { kind: "network", retryable: true, possiblyBilled: false },
    ],
  ];
  for (const [title, fetch, expected] of cases) {
    it(title, async () => {
      const { model } = setup([], fetch);
      const error = await model.doGenerate(callOptions()).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      const callError = expectProviderError(error, expected);
      expect(callError.possiblyBilled).toBe(expected.possiblyBilled);
      expect(callError.status).toBeUndefined();
    });
    if (spec.features.streaming) {
      it(`${title}, streamed too`, async () => {
        const { model } = setup([], fetch);
        const { parts, error } = await collectStream(() => model.doStream(callOptions()));
        expect(parts.some((part) => part.type === "finish")).toBe(false);
        const callError = expectProviderError(error, expected);
        expect(callError.possiblyBilled).toBe(expected.possiblyBilled);
      });
    }
  }

  it("classifies an abort while waiting for headers as aborted, not retryable, possibly billed", async () => {
    let requested: () => void = () => {};
    const sent = new Promise<void>((resolve) => {
      requested = resolve;
    });
    const hang: typeof globalThis.fetch = (_input, init) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        requested();
      });
    const { model } = setup([], hang);
    const controller = new AbortController();
    const pending = model.doGenerate(callOptions({ signal: controller.signal })).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    await sent;
    controller.abort();
    const callError = expectProviderError(await pending, { kind: "aborted", retryable: false });
    // The request went out: the provider may be generating, and billing, the answer.
    expect(callError.possiblyBilled).toBe(true);
  });
}
