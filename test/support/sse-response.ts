import { type DefaultBodyType, HttpResponse } from "msw";

export interface SseResponseOptions {
  /**
   * Split the encoded body into chunks of this many bytes, ignoring frame and UTF-8 character
   * boundaries, to prove a decoder buffers partial lines and partial code points.
   * @default undefined (one network chunk per frame)
   */
  chunkSize?: number;
  /**
   * Keep the connection open after the last frame, as a stalled upstream does, until `signal`
   * aborts (the request's signal, so an aborted call ends the stream).
   * @default false
   */
  hang?: boolean;
  /** The request's signal; required with `hang` so the test leaves no open stream behind. */
  signal?: AbortSignal;
  /** @default 200 */
  status?: number;
  /** Extra response headers, e.g. `x-request-id`. */
  headers?: Record<string, string>;
}

/** Splits bytes into fixed-size chunks; the last one may be shorter. */
export function splitBytes(bytes: Uint8Array, chunkSize: number): Uint8Array[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    chunks.push(bytes.subarray(offset, offset + chunkSize));
  }
  return chunks;
}

/**
 * An SSE response whose body is a ReadableStream of the given frames (see sse-frames.ts), so
 * network chunking is under the test's control.
 */
export function sseResponse(
  frames: readonly string[],
  options: SseResponseOptions = {},
): HttpResponse<DefaultBodyType> {
  const encoder = new TextEncoder();
  const chunks =
    options.chunkSize === undefined
      ? frames.map((frame) => encoder.encode(frame))
      : splitBytes(encoder.encode(frames.join("")), options.chunkSize);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (!options.hang) {
        controller.close();
        return;
      }
      const end = () => {
        try {
          controller.error(new DOMException("The client aborted the request", "AbortError"));
        } catch {
          // Already closed by the reader's cancellation: nothing left to end.
        }
      };
      if (options.signal?.aborted) end();
      else options.signal?.addEventListener("abort", end, { once: true });
    },
  });
  return new HttpResponse(body, {
    status: options.status ?? 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...options.headers },
  });
}
