import type { ErrorKind } from "../../src/core/index.js";
import { isAbortError } from "./is-abort-error.js";

/** Where the call stood when it failed; the same for every adapter. */
export interface TransportContext {
  /** The caller's signal: an abort is reported as such whatever the SDK or fetch made of it. */
  signal: AbortSignal;
  /** The signal was not yet aborted when the call began, so the request may have gone out. */
  mayHaveBeenSent: boolean;
  /** Part of the answer (a stream, a created prediction) had arrived: the provider is working on it. */
  answerStarted: boolean;
}

/**
 * What the adapter's SDK already knows: its own abort class, its own connection-error class (the
 * fetch failure is its `cause`) or its own timeout. Absent for a bare error from fetch or a body read.
 */
export type TransportHint = "abort" | "connection" | "timeout";

export interface TransportClassification {
  kind: Extract<ErrorKind, "aborted" | "timeout" | "network">;
  retryable: boolean;
  possiblyBilled: boolean;
  detail: string;
}

/**
 * Codes (on the error or anywhere in its cause chain) that prove no byte of the request reached
 * the provider: DNS, routing, a refused connection, a connect timeout, a TLS handshake that never
 * completed. Anything else — ECONNRESET on an open socket, undici's `UND_ERR_SOCKET` ("other side
 * closed"), a bare `TypeError("terminated")` while the body was read — may come after the request
 * was written, and the provider may be generating (and billing) the answer.
 */
const notSentCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/** Node's message for a socket reset during the TLS handshake, i.e. before the request was written. */
const resetBeforeTls = /before secure TLS connection was established/i;

/** Fetch implementations' own failures (undici, browsers, msw's `HttpResponse.error()`). */
const fetchFailure = /^(fetch failed|terminated|failed to fetch|network ?error|load failed)$/i;

/**
 * The one reading of transport failures (DESIGN.md, reliability defaults), shared by every
 * adapter so the same undici error means the same thing whoever raised it:
 *
 * - an abort (the caller's signal, an `AbortError`, the SDK's abort class) → `aborted`, not
 *   retryable, possibly billed once the request may have gone out: aborting does not stop a
 *   generation the provider already started;
 * - a timeout → `timeout`, retryable, possibly billed (the request was sent);
 * - a connection failure → `network`, retryable, and possibly billed unless the cause chain proves
 *   the request never left (see `notSentCodes`): "possibly" errs on the side of the budget.
 *
 * Returns undefined for anything that is not a transport failure (HTTP statuses, bad JSON).
 */
export function classifyTransportFailure(
  error: unknown,
  context: TransportContext,
  hint?: TransportHint,
): TransportClassification | undefined {
  const mayHaveRun = context.answerStarted || context.mayHaveBeenSent;
  if (hint === "abort" || context.signal.aborted || isAbortError(error)) {
    return { kind: "aborted", retryable: false, possiblyBilled: mayHaveRun, detail: "the call was aborted" };
  }
  const neverSent = provesNotSent(error);
  if (hint === "timeout" || hasCode(error, timeoutCodes)) {
    return {
      kind: "timeout",
      retryable: true,
      possiblyBilled: context.answerStarted || (context.mayHaveBeenSent && !neverSent),
      detail: describeCause(error) || "the request timed out",
    };
  }
  if (hint === "connection" || neverSent || isFetchFailure(error)) {
    return {
      kind: "network",
      retryable: true,
      possiblyBilled: context.answerStarted || (context.mayHaveBeenSent && !neverSent),
      detail: describeCause(error),
    };
  }
  return undefined;
}

/** Undici's timeouts once connected: headers or body did not arrive in time. */
const timeoutCodes = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function provesNotSent(error: unknown): boolean {
  return (
    hasCode(error, notSentCodes) ||
    someInChain(error, (link) => link instanceof Error && resetBeforeTls.test(link.message))
  );
}

function isFetchFailure(error: unknown): boolean {
  return someInChain(error, (link) => link instanceof TypeError && fetchFailure.test(link.message.trim()));
}

function hasCode(error: unknown, codes: ReadonlySet<string>): boolean {
  return someInChain(
    error,
    (link) =>
      typeof link === "object" &&
      link !== null &&
      "code" in link &&
      typeof link.code === "string" &&
      codes.has(link.code),
  );
}

function someInChain(error: unknown, test: (link: unknown) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (test(current)) return true;
    current = typeof current === "object" && "cause" in current ? current.cause : undefined;
  }
  return false;
}

/** "Connection error.: fetch failed: other side closed": every message of the cause chain. */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    if (current.message) parts.push(current.message);
    current = current.cause;
  }
  return parts.join(": ") || (error instanceof Error ? error.name : String(error));
}
