import { expect } from "vitest";
import {
  type CallOptions,
  type LanguageModel,
  ProviderCallError,
  type ProviderStreamPart,
} from "../../src/core/index.js";
import type { mswServer } from "../support/msw-server.js";
import { createTestProviderContext, type TestProviderContext } from "../support/test-provider-context.js";
import { conformanceFixture as fixture } from "./conformance-fixture.js";
import type { Arrange, ConformanceSpec, ExpectedError } from "./conformance-spec.js";

/** What every group of conformance tests shares: the spec, the server and the assertions. */
export interface ConformanceHarness {
  spec: ConformanceSpec;
  providerId: string;
  server: typeof mswServer;
  /**
   * Installs the handlers and builds a fresh provider and model with a fresh context; `fetch`
   * replaces the network for scenarios msw cannot produce (a reset socket, a body cut mid-read).
   */
  setup(
    handlers: ReturnType<Arrange>,
    fetch?: typeof globalThis.fetch,
  ): { model: LanguageModel; context: TestProviderContext };
  /** The fixture conversation, with a fresh signal. */
  callOptions(overrides?: Partial<CallOptions>): CallOptions;
  /** A scenario a feature flag requires, or a clear error naming the missing one. */
  required<T>(scenario: T | undefined, name: string): T;
  expectProviderError(error: unknown, expected: ExpectedError): ProviderCallError;
  /** What `doGenerate` rejects with under a scenario; undefined when it resolves. */
  generateError(arrange: Arrange): Promise<unknown>;
  finishOf(parts: readonly ProviderStreamPart[]): ProviderStreamPart | undefined;
}

export function createConformanceHarness(
  spec: ConformanceSpec,
  server: typeof mswServer,
): ConformanceHarness {
  const providerId = spec.providerId ?? spec.name;

  const setup: ConformanceHarness["setup"] = (handlers, fetch) => {
    server.use(...handlers);
    const context = createTestProviderContext(fetch ? { fetch } : {});
    const provider = spec.factory.create(providerId, spec.config, context);
    return { model: provider.languageModel(spec.model), context };
  };

  const callOptions: ConformanceHarness["callOptions"] = (overrides = {}) => ({
    messages: [...fixture.messages],
    maxTokens: fixture.maxTokens,
    signal: new AbortController().signal,
    ...overrides,
  });

  return {
    spec,
    providerId,
    server,
    setup,
    callOptions,
    required(scenario, name) {
      if (scenario === undefined) {
        throw new Error(`conformance spec "${spec.name}" enables a feature but lacks scenarios.${name}`);
      }
      return scenario;
    },
    expectProviderError(error, expected) {
      expect(ProviderCallError.isInstance(error), `expected a ProviderCallError, got ${String(error)}`).toBe(
        true,
      );
      const callError = error as ProviderCallError;
      expect(callError.kind).toBe(expected.kind);
      expect(callError.retryable).toBe(expected.retryable);
      expect(callError.provider).toBe(providerId);
      expect(callError.model).toBe(spec.model);
      expect(callError.message).toContain(`${providerId}:${spec.model}`);
      if (expected.status !== undefined) expect(callError.status).toBe(expected.status);
      if (expected.retryAfterMs !== undefined) expect(callError.retryAfterMs).toBe(expected.retryAfterMs);
      return callError;
    },
    async generateError(arrange) {
      const { model } = setup(arrange());
      return model.doGenerate(callOptions()).then(
        () => undefined,
        (error: unknown) => error,
      );
    },
    finishOf(parts) {
      return parts.at(-1)?.type === "finish" ? parts.at(-1) : undefined;
    },
  };
}
