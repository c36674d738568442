import type { ProviderContext } from "../../src/core/index.js";

/** Header names whose values are credentials (Azure's `api-key`, proxies' bearer tokens). */
const secretHeader = /auth|key|token|secret|cookie/i;

/** Registers the key and credential-like header values, so that no error can carry them. */
export function registerConfigSecrets(
  context: Pick<ProviderContext, "registerSecret">,
  apiKey: string | undefined,
  headers: Record<string, string> | undefined,
): void {
  if (apiKey) context.registerSecret(apiKey);
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (secretHeader.test(name) && value) context.registerSecret(value);
  }
}
