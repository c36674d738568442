/** Wire frames of a server-sent event stream, each terminated by the blank line SSE requires. */

/** `data: <json>\n\n`, the framing OpenAI-style APIs use for every chunk. */
export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** `event: <name>\ndata: <json>\n\n`, the framing Anthropic and Replicate use. */
export function sseEvent(event: string, payload: unknown): string {
  const data = typeof payload === "string" ? payload : JSON.stringify(payload);
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** A comment line; proxies and providers send these as keep-alives. */
export function sseComment(text = "keep-alive"): string {
  return `: ${text}\n\n`;
}

/** A raw data line, for payloads that are deliberately not valid JSON. */
export function sseRaw(data: string): string {
  return `data: ${data}\n\n`;
}

/** OpenAI's terminal sentinel. */
export const sseDone = "data: [DONE]\n\n";
