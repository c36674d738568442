/**
 * What every provider entry of a policy has, whatever its type. Each provider factory describes
 * the rest of its entry with its own zod `configSchema` (the built-ins' live in their folders), so
 * core names no provider: a factory's `create` receives its schema's output, `${ENV}` resolved.
 */
export interface ProviderConfig {
  /** The registered factory that builds this provider ("openai", "local", or one of the user's). */
  type: string;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string>;
  /** The operator declares this provider local (e.g. vLLM on this host): eligible for `local-only`. */
  local?: boolean;
  /** The provider's data policy: it does not train on requests. Eligible for `no-training`. */
  noTraining?: boolean;
}
