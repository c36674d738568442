import { ProviderCallError, QueueFullError, type SwitchyardError } from "../../src/core/index.js";

/** The engine's stable error codes become the router's typed errors. */
export function mapEngineError(
  error: unknown,
  where: { provider: string; model: string },
  redact: (text: string) => string,
): SwitchyardError {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "NATIVE";
  const message = redact(error instanceof Error ? error.message : String(error));
  if (code === "QUEUE_FULL") {
    const limit = typeof error === "object" && error !== null && "limit" in error ? Number(error.limit) : 0;
    return new QueueFullError(`${where.provider}:${where.model}`, limit);
  }
  const kinds: Record<string, { kind: ProviderCallError["kind"]; retryable: boolean }> = {
    CONTEXT_LENGTH: { kind: "context_length", retryable: false },
    GRAMMAR: { kind: "bad_request", retryable: false },
    NOT_EMBEDDING: { kind: "bad_request", retryable: false },
    INVALID_ARGUMENT: { kind: "bad_request", retryable: false },
    CLOSED: { kind: "server", retryable: false },
    MODEL_LOAD: { kind: "server", retryable: false },
    // The engine's process died and is restarting: another replica or target takes the call.
    ENGINE_EXITED: { kind: "server", retryable: false },
    ABORTED: { kind: "aborted", retryable: false },
  };
  const mapped = kinds[code] ?? { kind: "server" as const, retryable: false };
  return new ProviderCallError({
    ...mapped,
    message: `${where.provider}:${where.model} local engine ${code}: ${message}`,
    provider: where.provider,
    model: where.model,
    possiblyBilled: false,
  });
}
