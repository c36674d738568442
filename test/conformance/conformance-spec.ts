import type { HttpHandler } from "msw";
import type { ErrorKind, Provider, ProviderConfig, ProviderContext } from "../../src/core/index.js";

/**
 * The adapter a provider's factory imports on first use, called directly so that the suite
 * builds providers synchronously (the factories only add the lazy import and the config schema).
 */
export interface AdapterUnderTest {
  readonly type: string;
  create(id: string, config: ProviderConfig, context: ProviderContext): Provider;
}

/** Options the suite passes to stream scenarios. */
export interface StreamArrangeOptions {
  /** Split the body into chunks of this many bytes (see sseResponse); absent: one chunk per frame. */
  chunkSize?: number;
}

/** Installs the upstream behaviour of one scenario; msw handlers are `server.use`d by the suite. */
export type Arrange = () => HttpHandler[];
export type ArrangeStream = (options: StreamArrangeOptions) => HttpHandler[];

/** What the suite expects of a provider error. `status` and `retryAfterMs` are checked when given. */
export interface ExpectedError {
  kind: ErrorKind;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
}

/** An error scenario beyond the common ones, e.g. Anthropic's 529. */
export interface ExtraErrorScenario {
  /** Ends a sentence: it("maps <name>"), e.g. "529 overloaded to a retryable overloaded error". */
  name: string;
  arrange: Arrange;
  expected: ExpectedError;
}

/**
 * One adapter under the conformance suite. Every scenario must encode `conformanceFixture`'s
 * values in the provider's real wire format.
 */
export interface ConformanceSpec {
  /** Names the describe block, e.g. "openai". */
  name: string;
  factory: AdapterUnderTest;
  /** Its base URL points at what the handlers intercept; its key is `conformanceFixture.canaryKey`. */
  config: ProviderConfig & { [field: string]: unknown };
  /** The provider id passed to `factory.create`. @default spec.name */
  providerId?: string;
  model: string;
  /** Which optional features the scenarios cover; a true flag requires its scenario. */
  features: {
    streaming: boolean;
    tools: boolean;
    jsonSchema: boolean;
    logprobs: boolean;
    /** The provider returns `conformanceFixture.requestId` on successes and errors. */
    requestId: boolean;
  };
  scenarios: {
    /** A plain answer of `text` with `usage`, finish reason stop. */
    text: Arrange;
    /** The same answer streamed in `textDeltas`, then the provider's terminal events. */
    stream?: ArrangeStream;
    /** One call of `tool` with `toolCall.arguments`, finish reason tool-calls, `toolUsage`. */
    tools?: Arrange;
    toolsStream?: ArrangeStream;
    /** `json` serialized as the answer to `responseFormat`. */
    json?: Arrange;
    /** `logprobs` tokens with their alternatives (top-k `logprobsTopK`). */
    logprobs?: Arrange;
    logprobsStream?: ArrangeStream;
  };
  /** Remote adapters: HTTP error responses with real error bodies. */
  httpErrors?: {
    /** 400 invalid request → bad_request, not retryable. */
    badRequest: Arrange;
    /** 400 prompt too long → context_length, not retryable. */
    contextLength: Arrange;
    /** 401 → auth, not retryable. */
    auth: Arrange;
    /** 429 with `retry-after: retryAfterSeconds` → rate_limit, retryable, retryAfterMs 2000. */
    rateLimit: Arrange;
    /** Credit or quota exhausted → quota, not retryable. Omit if the provider has no such error. */
    quota?: Arrange;
    /** 500 → server, retryable. */
    server: Arrange;
    /** A 401 whose body echoes the request's credential header verbatim. */
    credentialEcho: Arrange;
    extra?: ExtraErrorScenario[];
  };
  /** Streaming adapters: broken streams. */
  streamFaults?: {
    /** Some text deltas, then the body ends without the terminal event → truncated. */
    truncated: ArrangeStream;
    /** A delta, then a data line that is not JSON → invalid_response. */
    malformedJson: ArrangeStream;
    /** `stream` with keep-alive comments between frames: same parts as without them. */
    keepAlive: ArrangeStream;
    /** A delta, then the provider's in-stream error event → a ProviderCallError, possibly billed. */
    errorEvent?: ArrangeStream;
    /** A delta, then the connection stays open (use sseResponse `hang` with the request's signal). */
    stall: ArrangeStream;
  };
}
