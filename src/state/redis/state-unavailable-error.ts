import { SwitchyardError } from "../../core/index.js";

const marker = Symbol.for("switchyard.error.StateUnavailableError");

/**
 * The shared state store cannot be reached: at start-up (always), or at run time when the policy
 * says `onUnavailable: fail-closed`. `where` names the Redis server by host and port only; a URL
 * can carry a password, so it never appears here.
 */
export class StateUnavailableError extends SwitchyardError {
  readonly [marker] = true;
  /** "host:port" of the Redis server. */
  readonly where: string;

  constructor(where: string, detail: string, cause?: unknown) {
    super(`Shared state store (Redis at ${where}) is unavailable: ${detail}`, { cause });
    this.name = "StateUnavailableError";
    this.where = where;
  }

  static override isInstance(error: unknown): error is StateUnavailableError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, where: this.where };
  }
}
