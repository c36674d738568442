import { describe, expect, it } from "vitest";
import { classifyTransportFailure, type TransportContext } from "./classify-transport-failure.js";

const sent: TransportContext = {
  signal: new AbortController().signal,
  mayHaveBeenSent: true,
  answerStarted: false,
};

const fetchFailed = (cause: Record<string, unknown> & { message: string }) =>
  new TypeError("fetch failed", { cause: Object.assign(new Error(cause.message), cause) });

describe("classifyTransportFailure", () => {
  it.each([
    ["ECONNREFUSED", "connect ECONNREFUSED 10.0.0.7:8000"],
    ["ENOTFOUND", "getaddrinfo ENOTFOUND api.example.test"],
    ["EAI_AGAIN", "getaddrinfo EAI_AGAIN api.example.test"],
    ["UND_ERR_CONNECT_TIMEOUT", "Connect Timeout Error"],
  ])("knows %s means the request never left", (code, message) => {
    expect(classifyTransportFailure(fetchFailed({ code, message }), sent)).toMatchObject({
      kind: "network",
      retryable: true,
      possiblyBilled: false,
    });
  });

  it("treats a reset on an open socket as possibly billed: it may come after the request was written", () => {
    const reset = fetchFailed({ code: "ECONNRESET", message: "read ECONNRESET", syscall: "read" });
    expect(classifyTransportFailure(reset, sent)).toMatchObject({ kind: "network", possiblyBilled: true });
  });

  it("reads undici's headers timeout as a retryable, possibly billed timeout", () => {
    const timeout = fetchFailed({ code: "UND_ERR_HEADERS_TIMEOUT", message: "Headers Timeout Error" });
    expect(classifyTransportFailure(timeout, sent)).toMatchObject({
      kind: "timeout",
      retryable: true,
      possiblyBilled: true,
    });
  });

  it("bills nothing for an abort before the request could go out, and may bill one after", () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = new DOMException("This operation was aborted", "AbortError");
    const early = { signal: controller.signal, mayHaveBeenSent: false, answerStarted: false };
    expect(classifyTransportFailure(aborted, early)).toMatchObject({
      kind: "aborted",
      possiblyBilled: false,
    });
    expect(classifyTransportFailure(aborted, { ...early, mayHaveBeenSent: true })).toMatchObject({
      kind: "aborted",
      retryable: false,
      possiblyBilled: true,
    });
  });

  it("leaves anything that is not a transport failure to the adapter", () => {
    expect(classifyTransportFailure(new SyntaxError("Unexpected end of JSON input"), sent)).toBeUndefined();
    expect(
      classifyTransportFailure(new TypeError("Cannot read properties of undefined"), sent),
    ).toBeUndefined();
  });
});
