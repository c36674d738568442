import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("InvalidRequestError");

/** The request is invalid; no provider was called. `field` names what was wrong. */
export class InvalidRequestError extends SwitchyardError {
  readonly [marker] = true;
  readonly field: string;

  constructor(field: string, message: string) {
    super(`Invalid request: ${field}: ${message}`);
    this.name = "InvalidRequestError";
    this.field = field;
  }

  static override isInstance(error: unknown): error is InvalidRequestError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
