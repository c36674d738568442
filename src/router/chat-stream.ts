import type { ProviderStreamPart } from "../core/index.js";
import { type ChatResult, type StreamPart, SwitchyardError } from "../core/index.js";

/**
 * Buffers the parts of one call for one reader. Parts are few and small (bounded by maxTokens),
 * so the producer never waits for the reader: a slow reader cannot stall the upstream stream
 * into an idle timeout.
 */
export class PartChannel {
  readonly #parts: StreamPart[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  #taken = false;

  constructor(
    readonly result: Promise<ChatResult>,
    readonly onReaderGone: () => void,
  ) {
    result.then(
      (value) =>
        this.#close({ type: "finish", finishReason: value.finishReason, usage: value.usage, result: value }),
      (error: unknown) => this.#close({ type: "error", error: asSwitchyardError(error) }),
    );
  }

  push = async (part: ProviderStreamPart): Promise<void> => {
    if (part.type === "finish") return;
    this.#parts.push(part);
    this.#wake?.();
  };

  #close(last: StreamPart): void {
    this.#parts.push(last);
    this.#closed = true;
    this.#wake?.();
  }

  async *read(): AsyncGenerator<StreamPart> {
    if (this.#taken) throw new SwitchyardError("A stream can be read only once");
    this.#taken = true;
    let completed = false;
    try {
      while (true) {
        const part = this.#parts.shift();
        if (part) {
          yield part;
          if (part.type === "finish" || part.type === "error") {
            completed = true;
            return;
          }
          continue;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
      }
    } finally {
      if (!completed) this.onReaderGone();
    }
  }
}

function asSwitchyardError(error: unknown): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  return new SwitchyardError(error instanceof Error ? error.message : String(error), { cause: error });
}
