const marker = Symbol.for("switchyard.error");

/**
 * Base of every error Switchyard throws. `isInstance` works across realms and duplicate
 * package copies, where `instanceof` does not.
 */
export class SwitchyardError extends Error {
  readonly [marker] = true;
  /** The id of the call that failed (set by the router on every error a call ends with). */
  callId?: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SwitchyardError";
  }

  static isInstance(error: unknown): error is SwitchyardError {
    return typeof error === "object" && error !== null && marker in error;
  }

  /** A plain object for logs and JSON output; subclasses add their fields. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...(this.callId ? { callId: this.callId } : {}) };
  }
}

/** Marks a subclass so `Subclass.isInstance` checks that exact kind across realms. */
export function errorMarker(name: string): symbol {
  return Symbol.for(`switchyard.error.${name}`);
}
