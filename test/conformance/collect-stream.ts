import type { ProviderStreamPart, StreamResult } from "../../src/core/index.js";

export interface CollectedStream {
  parts: ProviderStreamPart[];
  /** What `doStream` or the iteration threw; undefined when the stream completed. */
  error: unknown;
}

/**
 * Awaits `doStream` and reads every part. A failure may surface from either place (an HTTP error
 * before the first byte rejects `doStream`; a broken stream throws while reading), and both count.
 */
export async function collectStream(
  start: () => Promise<StreamResult>,
  onPart?: (part: ProviderStreamPart, index: number) => void,
): Promise<CollectedStream> {
  const parts: ProviderStreamPart[] = [];
  try {
    const { stream } = await start();
    for await (const part of stream) {
      parts.push(part);
      onPart?.(part, parts.length - 1);
    }
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}

/** Text of every text-delta part, joined. */
export function streamedText(parts: readonly ProviderStreamPart[]): string {
  return parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("");
}
