import { HttpResponse } from "msw";
import { sseResponse } from "../../support/sse-response.js";
import type { HttpFault, ProviderShape, WireTokens } from "./provider-shapes.js";
import type { Reply, UpstreamCall } from "./upstream.js";

export type { Reply } from "./upstream.js";

export const defaultUsage: WireTokens = { inputTokens: 9, outputTokens: 2 };

/** Splits a text into two deltas, so a stream has more than one token frame. */
function deltasOf(text: string): string[] {
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)].filter(Boolean);
}

/** A complete answer: JSON for `chat`, a full SSE stream for `stream`. */
export function answer(text = "Hello", usage: WireTokens = defaultUsage): Reply {
  return (call, shape) =>
    call.stream
      ? sseResponse([...shape.opening(deltasOf(text)), ...shape.closing(usage)])
      : HttpResponse.json(shape.answer(text, usage) as Record<string, unknown>);
}

/** A complete answer the provider ended on its content-filter reason. */
export function refusal(text = "I can't help with that.", usage: WireTokens = defaultUsage): Reply {
  return (call, shape) =>
    call.stream
      ? sseResponse([...shape.opening(deltasOf(text)), ...shape.closing(usage, true)])
      : HttpResponse.json(shape.answer(text, usage, true) as Record<string, unknown>);
}

/**
 * A whole answer that calls one tool (the non-streaming body; streamed, the shape's tool frames
 * carry `get_weather` with the arguments `{"city":` and end cut at max tokens, or as a call).
 */
export function toolAnswer(
  call: { name: string; arguments: string },
  options: { cut?: boolean; usage?: WireTokens } = {},
): Reply {
  const usage = options.usage ?? defaultUsage;
  return (request, shape) =>
    request.stream
      ? sseResponse([...shape.toolOpening(), ...shape.toolClosing(usage, options.cut)])
      : HttpResponse.json(shape.toolAnswer(call, usage, options.cut) as Record<string, unknown>);
}

/** An HTTP error as the provider sends it. */
export function fail(
  fault: HttpFault,
  options: { headers?: Record<string, string>; message?: string } = {},
): Reply {
  return (_call, shape) => {
    const failure = shape.failure(fault, options.message);
    if (!failure) throw new Error(`${shape.name} has no ${fault} response`);
    return HttpResponse.json(failure.body as Record<string, unknown>, {
      status: failure.status,
      headers: { ...failure.headers, ...options.headers },
    });
  };
}

/** A 200 whose JSON body stops mid-way (a proxy cut it off). */
export function cutBody(): Reply {
  return () =>
    new HttpResponse('{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","content":[{"type":"te', {
      headers: { "content-type": "application/json" },
    });
}

/** The connection breaks before any response (fetch rejects with a network error). */
export function reset(): Reply {
  return () => HttpResponse.error();
}

/** No response headers ever: settles only when the router aborts the request. */
export function hang(): Reply {
  return (call) => untilAborted(call).then(() => HttpResponse.error());
}

/** Streams the given frames (built from the shape), then closes or keeps the connection open. */
export function frames(build: (shape: ProviderShape) => string[], options: { hang?: boolean } = {}): Reply {
  return (call, shape) =>
    sseResponse(build(shape), { ...(options.hang ? { hang: true, signal: call.signal } : {}) });
}

/** The connection drops (the body errors) just after the given frames were read. */
export function dropAfter(build: (shape: ProviderShape) => string[]): Reply {
  return timed((shape) => build(shape).map((frame) => ({ atMs: 0, frame })), { end: "drop", endMs: 1 });
}

export interface TimedFrame {
  /** Milliseconds after the response started. */
  atMs: number;
  frame: string;
}

export interface TimedOptions {
  /**
   * After the last frame: `close` ends the body, `hang` keeps the connection open until the
   * router aborts, `drop` breaks the connection (the body errors like a reset socket).
   * @default "close"
   */
  end?: "close" | "hang" | "drop";
  /** When the body closes or drops, ms after the response started. @default the last frame's time */
  endMs?: number;
}

/**
 * Frames sent on the clock (fake timers advance it): for stalls with keep-alives, slow streams
 * and connections that drop mid-answer.
 */
export function timed(build: (shape: ProviderShape) => TimedFrame[], options: TimedOptions = {}): Reply {
  return (call, shape) => {
    const encoder = new TextEncoder();
    const timers: NodeJS.Timeout[] = [];
    const steps = build(shape);
    const end = options.end ?? "close";
    const endMs = options.endMs ?? Math.max(0, ...steps.map((step) => step.atMs));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const stop = () => {
          for (const timer of timers) clearTimeout(timer);
          try {
            controller.error(new DOMException("The client aborted the request", "AbortError"));
          } catch {
            // Already closed or cancelled by the reader.
          }
        };
        for (const step of steps) {
          timers.push(setTimeout(() => controller.enqueue(encoder.encode(step.frame)), step.atMs));
        }
        if (end === "close") timers.push(setTimeout(() => controller.close(), endMs));
        if (end === "drop") {
          const reset = Object.assign(new TypeError("terminated"), { cause: new Error("read ECONNRESET") });
          timers.push(setTimeout(() => controller.error(reset), endMs));
        }
        if (call.signal.aborted) stop();
        else call.signal.addEventListener("abort", stop, { once: true });
      },
      cancel() {
        for (const timer of timers) clearTimeout(timer);
      },
    });
    return new HttpResponse(body, { headers: { "content-type": "text/event-stream" } });
  };
}

/** Resolves when the request's signal aborts. */
export function untilAborted(call: UpstreamCall): Promise<void> {
  return new Promise((resolve) => {
    if (call.signal.aborted) resolve();
    else call.signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
