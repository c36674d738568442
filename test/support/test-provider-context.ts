import type { ProviderContext } from "../../src/core/index.js";

export interface TestProviderContext extends ProviderContext {
  /** Every secret an adapter registered, in order. */
  readonly secrets: readonly string[];
}

/**
 * A ProviderContext like the router's: secrets an adapter registers are replaced by
 * `[REDACTED]` wherever `redact` is applied. Tests assert the adapter registered its key by
 * checking that it never comes back out.
 */
export function createTestProviderContext(overrides: Partial<ProviderContext> = {}): TestProviderContext {
  const secrets: string[] = [];
  return {
    secrets,
    registerSecret(secret: string) {
      if (secret.length > 0 && !secrets.includes(secret)) secrets.push(secret);
    },
    redact(text: string) {
      // Longest first, so a secret that contains another is replaced whole.
      return [...secrets]
        .sort((a, b) => b.length - a.length)
        .reduce((out, s) => out.split(s).join("[REDACTED]"), text);
    },
    ...overrides,
  };
}
