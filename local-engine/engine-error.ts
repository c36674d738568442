/**
 * A local engine failure. `code` is stable ("MODEL_LOAD", "GRAMMAR", "CONTEXT_LENGTH", "CLOSED", …);
 * the router maps these to its own typed errors.
 */
export class EngineError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EngineError";
    this.code = code;
  }

  /** Wraps an Error thrown by the addon (which carries `code`) into an EngineError. */
  static from(error: unknown): EngineError {
    if (error instanceof EngineError) return error;
    const code =
      typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
        ? error.code
        : "NATIVE";
    return new EngineError(code, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
