import { expect, it } from "vitest";
import { createTestProviderContext } from "../support/test-provider-context.js";
import { collectStream } from "./collect-stream.js";
import { conformanceFixture as fixture } from "./conformance-fixture.js";
import type { ConformanceHarness } from "./conformance-harness.js";
import type { Arrange, ExpectedError } from "./conformance-spec.js";

/** HTTP errors: classification, retry hints, request ids, and no credential in any error. */
export function registerHttpErrorTests(harness: ConformanceHarness): void {
  const { spec, providerId, setup, callOptions, expectProviderError, generateError } = harness;
  const httpErrors = spec.httpErrors;
  if (httpErrors) {
    const cases: Array<[string, Arrange | undefined, ExpectedError]> = [
      [
        "maps a 400 invalid request to bad_request, not retryable",
        httpErrors.badRequest,
        { kind: "bad_request", retryable: false, status: 400 },
      ],
      [
        "maps a prompt that is too long to context_length, not retryable",
        httpErrors.contextLength,
        { kind: "context_length", retryable: false, status: 400 },
      ],
      ["maps a 401 to auth, not retryable", httpErrors.auth, { kind: "auth", retryable: false, status: 401 }],
      [
        "maps a 429 to a retryable rate_limit carrying retry-after in ms",
        httpErrors.rateLimit,
        {
          kind: "rate_limit",
          retryable: true,
          status: 429,
          retryAfterMs: fixture.retryAfterSeconds * 1000,
        },
      ],
      ["maps exhausted quota to quota, not retryable", httpErrors.quota, { kind: "quota", retryable: false }],
      [
        "maps a 500 to a retryable server error",
        httpErrors.server,
        { kind: "server", retryable: true, status: 500 },
      ],
      ...(httpErrors.extra ?? []).map((extra): [string, Arrange, ExpectedError] => [
        `maps ${extra.name}`,
        extra.arrange,
        extra.expected,
      ]),
    ];
    for (const [title, arrange, expected] of cases) {
      if (arrange === undefined) continue;
      it(title, async () => {
        const error = expectProviderError(await generateError(arrange), expected);
        expect(error.possiblyBilled).toBe(false);
        if (spec.features.requestId) expect(error.requestId).toBe(fixture.requestId);
      });
    }

    if (spec.features.streaming) {
      it("throws a 429 that arrives before the stream starts, with no parts", async () => {
        const { model } = setup(httpErrors.rateLimit());
        const { parts, error } = await collectStream(() => model.doStream(callOptions()));
        expect(parts).toEqual([]);
        expectProviderError(error, { kind: "rate_limit", retryable: true, status: 429 });
      });
    }

    it("registers its credential so the router can redact it", () => {
      const context = createTestProviderContext();
      spec.factory.create(providerId, spec.config, context);
      expect(context.secrets).toContain(fixture.canaryKey);
    });

    const expectNoKey = (error: unknown): void => {
      const callError = expectProviderError(error, { kind: "auth", retryable: false, status: 401 });
      // The echo must have happened, or this test would prove nothing.
      expect(callError.body ?? "").toContain("[REDACTED]");
      const surfaces = [
        callError.message,
        callError.body ?? "",
        JSON.stringify(callError.toJSON()),
        String(callError),
        callError.stack ?? "",
      ];
      let cause: unknown = callError.cause;
      while (cause instanceof Error) {
        surfaces.push(cause.message, String(cause), cause.stack ?? "");
        cause = cause.cause;
      }
      for (const surface of surfaces) expect(surface).not.toContain(fixture.canaryKey);
    };

    it("never exposes the API key when an error body echoes the credential", async () => {
      expectNoKey(await generateError(httpErrors.credentialEcho));
    });

    if (spec.features.streaming) {
      it("never exposes the API key when a streamed call's error body echoes the credential", async () => {
        const { model } = setup(httpErrors.credentialEcho());
        expectNoKey((await collectStream(() => model.doStream(callOptions()))).error);
      });
    }
  }
}
