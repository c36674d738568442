/** The raw error body as JSON, or undefined when it is not JSON. */
export function parseErrorBody(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** OpenAI and llama.cpp: `error.message`; vLLM: top-level `message`; FastAPI: `detail`. */
export function providerMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested = record.error;
  if (typeof nested === "object" && nested !== null) {
    const message = (nested as Record<string, unknown>).message;
    if (typeof message === "string") return message;
  }
  if (typeof nested === "string") return nested;
  if (typeof record.message === "string") return record.message;
  if (typeof record.detail === "string") return record.detail;
  return undefined;
}

/** `code` or `type` of the body's `error` member, else of the body itself. */
export function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const source = typeof record.error === "object" && record.error !== null ? record.error : record;
  const value = (source as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}
