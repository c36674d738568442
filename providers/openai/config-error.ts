import { PolicyFileError } from "../../src/core/index.js";

/** A provider entry the factory cannot use: a config error, outside the provider-error hierarchy. */
export function configError(providerId: string, field: string, message: string): PolicyFileError {
  return new PolicyFileError([{ path: `providers.${providerId}${field ? `.${field}` : ""}`, message }]);
}
