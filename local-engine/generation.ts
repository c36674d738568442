import { AsyncQueue } from "../src/core/async-queue.js";
import type { NativeUpdate } from "./native-addon.js";
import type { EngineCompletion, EngineEvent } from "./types.js";

/**
 * One request's output: iterate it for the tokens of each step as they arrive (once), or await
 * `done` for the whole completion. Both always settle; an abort or an engine error finishes the
 * completion with finishReason "abort" or "error" rather than throwing. Breaking out of the
 * iteration cancels the request.
 */
export class Generation implements AsyncIterable<EngineEvent> {
  readonly done: Promise<EngineCompletion>;
  /** Resolves true when the request gets a slot, false when it finished without one. */
  readonly admission: Promise<boolean>;
  private resolveDone!: (completion: EngineCompletion) => void;
  private resolveAdmission!: (admitted: boolean) => void;
  /** Tokens of each step, for the one reader; the engine cannot wait, so bounded by maxTokens. */
  private readonly events: AsyncQueue<EngineEvent>;
  private finished = false;
  private admitted = false;
  private text = "";
  private readonly onAbort: () => void;

  constructor(
    private readonly signal: AbortSignal | undefined,
    cancel: () => void,
    private readonly tap?: (update: NativeUpdate) => void,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.admission = new Promise((resolve) => {
      this.resolveAdmission = resolve;
    });
    this.onAbort = cancel;
    // Leaving the iteration early (break, throw) means nobody wants the rest: free the slot.
    this.events = new AsyncQueue<EngineEvent>({
      onReaderGone: () => {
        if (!this.finished) this.onAbort();
      },
    });
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /**
   * True while the request waits in the engine's queue for a slot (as of the last step JavaScript
   * has seen). A deadline that passes while it is queued says the engine is busy, not broken.
   */
  get queued(): boolean {
    return !this.admitted && !this.finished;
  }

  /** Called by the engine with this request's share of one step. */
  receive(update: NativeUpdate): void {
    if (this.finished) return;
    this.tap?.(update);
    if (update.admitted && !this.admitted) {
      this.admitted = true;
      this.resolveAdmission(true);
    }
    if (update.text.length > 0 || update.tokens.length > 0) {
      this.text += update.text;
      this.events.push({ type: "tokens", text: update.text, tokens: update.tokens });
    }
    const finish = update.finish;
    if (finish !== undefined) {
      this.finished = true;
      this.resolveAdmission(false);
      this.signal?.removeEventListener("abort", this.onAbort);
      this.resolveDone({
        text: this.text,
        finishReason: finish.reason,
        ...(finish.error === undefined ? {} : { error: finish.error }),
        promptTokens: finish.promptTokens,
        completionTokens: finish.completionTokens,
        cachedPromptTokens: finish.cachedPromptTokens,
        timings: {
          queuedMs: finish.queuedMs,
          ttftMs: finish.ttftMs,
          prefillTokensPerSec: finish.prefillTokensPerSec,
          decodeTokensPerSec: finish.decodeTokensPerSec,
        },
      });
    }
    if (this.finished) this.events.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<EngineEvent> {
    return this.events[Symbol.asyncIterator]();
  }
}
