/**
 * A fetch that keeps the raw text of every non-2xx response, keyed by the response's Headers
 * object. The SDK builds its APIError with that same Headers object but keeps only the body's
 * `error` member: bodies shaped otherwise (vLLM's top-level `message`, FastAPI's `detail`, plain
 * text from a proxy) would lose the provider's explanation.
 */
export function captureErrorBodies(resolveFetch: () => typeof globalThis.fetch): {
  fetch: typeof globalThis.fetch;
  errorBody: (headers: unknown) => Promise<string | undefined>;
} {
  const bodies = new WeakMap<object, Promise<string | undefined>>();
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await resolveFetch()(input, init);
    if (!response.ok) {
      bodies.set(
        response.headers,
        response
          .clone()
          .text()
          .catch(() => undefined),
      );
    }
    return response;
  };
  return {
    fetch,
    errorBody: async (headers) =>
      typeof headers === "object" && headers !== null ? bodies.get(headers) : undefined,
  };
}
