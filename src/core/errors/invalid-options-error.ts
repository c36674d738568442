import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("InvalidOptionsError");

/**
 * Options passed in code are invalid (`createRouter(options)`, `router.close(options)`): a
 * configuration error, outside the provider errors. `option` names the option (e.g.
 * "providers[1].create"); nothing was started.
 */
export class InvalidOptionsError extends SwitchyardError {
  readonly [marker] = true;
  /** Where the options were passed, e.g. "createRouter". */
  readonly operation: string;
  readonly option: string;

  constructor(operation: string, option: string, message: string) {
    super(`Invalid ${operation} options: ${option}: ${message}`);
    this.name = "InvalidOptionsError";
    this.operation = operation;
    this.option = option;
  }

  static override isInstance(error: unknown): error is InvalidOptionsError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation, option: this.option };
  }
}
