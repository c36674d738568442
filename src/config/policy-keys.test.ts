import { describe, expect, it } from "vitest";
import { PolicyFileError } from "../core/index.js";
import { loadPolicyText } from "./test/with-builtins.js";

function policyWith(routeLines: string[], extra: string[] = []): string {
  return [
    "providers:",
    "  openai: { type: openai, apiKey: sk-test-0123456789abcdefghij }",
    "targets:",
    "  small: { provider: openai, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }",
    "routes:",
    "  default:",
    "    targets: [small]",
    ...routeLines.map((line) => `    ${line}`),
    ...extra,
  ].join("\n");
}

function captureError(load: () => unknown): PolicyFileError {
  try {
    load();
  } catch (error) {
    if (PolicyFileError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected the policy to be rejected");
}

describe("retryOn and fallbackOn in the policy file", () => {
  it("names an unknown error kind in retryOn at its line and column, with a suggestion", () => {
    const text = policyWith(["retryOn: [server, rate_limt]"]);
    const error = captureError(() => loadPolicyText(text, { file: "retry.yaml" }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: "routes.default.retryOn[1]",
        line: 8,
        column: 23,
        message: expect.stringMatching(
          /^expected one of `rate_limit`, .*`invalid_output` or a number \(got "rate_limt"\) \(did you mean `rate_limit`\?\)$/,
        ),
      }),
    ]);
    expect(error.message).toContain("retry.yaml:8:23 routes.default.retryOn[1]: expected one of");
  });

  it("refuses a status code outside 400–599 in fallbackOn", () => {
    const error = captureError(() => loadPolicyText(policyWith(["fallbackOn: [302]"])));
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: "routes.default.fallbackOn[0]",
        message: expect.stringContaining("302"),
      }),
    ]);
  });

  it("keeps kinds and statuses as written, and leaves both unset by default", () => {
    const loaded = loadPolicyText(policyWith(["retryOn: [rate_limit, 503]", "fallbackOn: [server, 429]"]));
    expect(loaded.policy.routes.default).toMatchObject({
      retryOn: ["rate_limit", 503],
      fallbackOn: ["server", 429],
    });
    const plain = loadPolicyText(policyWith([]));
    expect(plain.policy.routes.default).not.toHaveProperty("retryOn");
    expect(plain.policy.routes.default).not.toHaveProperty("fallbackOn");
  });

  it("refuses fallbackOnContentFilter together with a fallbackOn that leaves content_filter out", () => {
    const error = captureError(() =>
      loadPolicyText(policyWith(["fallbackOnContentFilter: true", "fallbackOn: [server]"])),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: "routes.default.fallbackOn",
        message: expect.stringContaining("content_filter"),
      }),
    ]);
  });
});

describe("the health section of the policy file", () => {
  it("resolves to whenAllOpen fail and no thresholds when left out, so the store's defaults apply", () => {
    const loaded = loadPolicyText(policyWith([]));
    expect(loaded.policy.health).toEqual({ whenAllOpen: "fail" });
    expect(loaded.policy.routes.default?.whenAllOpen).toBe("fail");
  });

  it("keeps the thresholds written and copies whenAllOpen onto every route", () => {
    const loaded = loadPolicyText(
      policyWith(
        [],
        [
          "health:",
          "  breaker: { failureRatio: 0.25, minCalls: 4, windowMs: 10000, openMs: 5000 }",
          "  ejection: { consecutiveFailures: 3, baseMs: 1000, maxMs: 60000 }",
          "  whenAllOpen: probe",
        ],
      ),
    );
    expect(loaded.policy.health).toEqual({
      breaker: { failureRatio: 0.25, minCalls: 4, windowMs: 10_000, openMs: 5000 },
      ejection: { consecutiveFailures: 3, baseMs: 1000, maxMs: 60_000 },
      whenAllOpen: "probe",
    });
    expect(loaded.policy.routes.default?.whenAllOpen).toBe("probe");
  });

  it("names a misspelled health key and a ratio above 1 where they are written", () => {
    const text = policyWith([], ["health:", "  breaker: { failureRatio: 1.5, minCals: 4 }"]);
    const error = captureError(() => loadPolicyText(text, { file: "health.yaml" }));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: "health.breaker.minCals",
          line: 9,
          message: "unknown key `minCals` (did you mean `minCalls`?)",
        }),
        expect.objectContaining({
          path: "health.breaker.failureRatio",
          line: 9,
          message: "expected a number ≤ 1 (got 1.5)",
        }),
      ]),
    );
  });
});
