import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("ProviderSetupError");

/**
 * A provider factory failed to build the provider of a policy entry (its `create` threw or
 * rejected): a configuration error, outside the provider call errors. `provider` is the entry's id
 * and `type` its factory; the factory's own error is the `cause`. Nothing the router had created
 * for that policy is left open.
 */
export class ProviderSetupError extends SwitchyardError {
  readonly [marker] = true;
  readonly provider: string;
  readonly type: string;

  /** `reason` is the factory's message with registered secrets already redacted. */
  constructor(provider: string, type: string, reason: string, cause?: unknown) {
    super(`provider ${provider} (type ${type}) could not be created: ${reason}`, { cause });
    this.name = "ProviderSetupError";
    this.provider = provider;
    this.type = type;
  }

  static override isInstance(error: unknown): error is ProviderSetupError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), provider: this.provider, type: this.type };
  }
}
