import { AsyncQueue } from "../core/async-queue.js";
import type { ProviderStreamPart } from "../core/index.js";
import { type ChatResult, type StreamPart, SwitchyardError } from "../core/index.js";

/** Unread parts a stream holds before its producer waits (a few KB of deltas). */
const partsInFlight = 32;

/**
 * The parts of one call for one reader, through one bounded queue: once the reader has started,
 * the producer (the attempt's loop) waits while `highWaterMark` parts are unread, which stops
 * reading the upstream response (its socket then applies TCP backpressure). The idle timeout only
 * runs while the router waits on the upstream, so a slow reader never times an attempt out; the
 * call's deadline still bounds it. A caller that only awaits `result` is never held back.
 */
export class PartChannel {
  readonly #queue: AsyncQueue<StreamPart>;

  constructor(
    readonly result: Promise<ChatResult>,
    readonly onReaderGone: () => void,
  ) {
    this.#queue = new AsyncQueue<StreamPart>({ highWaterMark: partsInFlight, onReaderGone });
    result.then(
      (value) =>
        this.#close({ type: "finish", finishReason: value.finishReason, usage: value.usage, result: value }),
      (error: unknown) => this.#close({ type: "error", error: asSwitchyardError(error) }),
    );
  }

  push = async (part: ProviderStreamPart): Promise<void> => {
    if (part.type === "finish") return;
    if (!this.#queue.push(part)) await this.#queue.ready();
  };

  #close(last: StreamPart): void {
    this.#queue.push(last);
    this.#queue.close();
  }

  /** The parts, once (`chatStream` refuses a second reader). */
  read(): AsyncIterator<StreamPart> {
    return this.#queue[Symbol.asyncIterator]();
  }
}

function asSwitchyardError(error: unknown): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  return new SwitchyardError(error instanceof Error ? error.message : String(error), { cause: error });
}
