import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AllTargetsFailedError, ProviderCallError } from "../core/index.js";
import { SecretRedactor } from "./secret-redactor.js";

const key = 'sk-live-"quoted"\\key-0123456789';

const base = { kind: "aborted" as const, message: "aborted", provider: "p", model: "m", retryable: false };

function redactor(): SecretRedactor {
  const redactor = new SecretRedactor();
  redactor.register(key);
  return redactor;
}

describe("SecretRedactor", () => {
  it("redacts events into a copy, also a key JSON would escape", () => {
    const event = { type: "policy-reload", ok: false, message: `bad ${key}` };
    const copy = redactor().redactValue(event);
    expect(copy.message).toBe("bad [REDACTED]");
    expect(event.message).toBe(`bad ${key}`);
  });

  it("holds back the tail that could begin a secret", () => {
    expect(redactor().tailLength("answer: sk-live-")).toBe(8);
    expect(redactor().tailLength("answer.")).toBe(0);
  });

  it("scrubs an error's every own property, its errors, trace and cause chain", () => {
    const echo = new ProviderCallError({
      kind: "server",
      message: "openai:m returned 500 server",
      provider: "openai",
      model: "m",
      retryable: true,
      requestId: `req-${key}`,
      body: `{"error":"${key}"}`,
      cause: Object.assign(new Error(`upstream said ${key}`), { headers: { auth: key } }),
    });
    const trace = {
      callId: "c1",
      route: "default",
      ranked: ["a"],
      rejected: [],
      attempts: [
        {
          target: "a",
          provider: "openai",
          model: "m",
          outcome: "error" as const,
          requestId: `req-${key}`,
          ms: 1,
          costUsd: 0,
          possiblyBilled: false,
        },
      ],
    };
    const error = redactor().scrub(new AllTargetsFailedError(trace, [echo]));
    for (const surface of [JSON.stringify(error), inspect(error, { showHidden: true, depth: 20 })]) {
      expect(surface).not.toContain("0123456789");
    }
    expect(echo.requestId).toBe("req-[REDACTED]");
    expect(trace.attempts[0]?.requestId).toBe("req-[REDACTED]");
    expect((echo.cause as Error).message).toBe("upstream said [REDACTED]");
  });

  it("replaces a caller's abort reason that holds a secret by a copy, leaving the caller's object alone", () => {
    const reason = { why: `stopped ${key}` };
    const error = redactor().scrub(new ProviderCallError({ ...base, cause: reason }));
    expect(reason.why).toBe(`stopped ${key}`);
    expect(error.cause).toEqual({ why: "stopped [REDACTED]" });
  });

  it("leaves an error it did not build alone unless it holds a secret", () => {
    const reason = new Error("the user stopped it");
    const wrapped = { cause: reason };
    expect(redactor().scrub(wrapped).cause).toBe(reason);
  });
});
