import { EngineError } from "./engine-error.js";
import type { NativeEmbedResult, NativeEngine } from "./native-addon.js";
import { QueueFullError } from "./queue-full-error.js";
import type { EmbedOptions, EmbedOutput } from "./types.js";

/** Texts tokenized and queued per turn of the event loop (each is at most `maxInputBytes`). */
const SUBMIT_SLICE = 32;

interface Pending {
  resolve(result: NativeEmbedResult): void;
}

/**
 * The JavaScript side of the engine's embedding thread: one native request per text, so texts of
 * concurrent calls share decodes; each call waits for its own vectors, and an abort cancels what it
 * still has queued.
 */
export class EmbedRequests {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly native: NativeEngine,
    private readonly queueLimit: number,
  ) {}

  /** Called with every decoded batch (and with aborted or closed requests). */
  deliver(results: readonly NativeEmbedResult[]): void {
    for (const result of results) {
      const pending = this.pending.get(result.id);
      if (pending === undefined) continue;
      this.pending.delete(result.id);
      pending.resolve(result);
    }
  }

  async embed(inputs: readonly string[], options: EmbedOptions = {}): Promise<EmbedOutput> {
    const { signal } = options;
    signal?.throwIfAborted();
    const ids: number[] = [];
    const results: Promise<NativeEmbedResult>[] = [];
    const cancelAll = (): void => {
      for (const id of ids) if (this.pending.has(id)) this.native.cancelEmbed(id);
    };
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        cancelAll();
        reject(new EngineError("ABORTED", "the embedding call was aborted", { cause: signal?.reason }));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      for (const [index, input] of inputs.entries()) {
        if (index > 0 && index % SUBMIT_SLICE === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          signal?.throwIfAborted();
        }
        results.push(this.submit(index, input, ids));
      }
      const settled = await Promise.race([Promise.all(results), aborted]);
      const embeddings: Float32Array[] = [];
      const tokens: number[] = [];
      for (const [index, result] of settled.entries()) {
        if (result.vector === undefined) {
          throw new EngineError(result.code ?? "NATIVE", `input ${index}: ${result.error ?? "no vector"}`);
        }
        embeddings.push(result.vector);
        tokens.push(result.tokens);
      }
      return { embeddings, tokens, inputTokens: tokens.reduce((sum, count) => sum + count, 0) };
    } catch (error) {
      cancelAll();
      if (signal?.aborted)
        throw new EngineError("ABORTED", "the embedding call was aborted", { cause: signal.reason });
      throw error;
    } finally {
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  private submit(index: number, input: unknown, ids: number[]): Promise<NativeEmbedResult> {
    if (typeof input !== "string") {
      throw new EngineError("INVALID_ARGUMENT", `input ${index} is a ${typeof input}, not a string`);
    }
    const id = this.nextId++;
    const result = new Promise<NativeEmbedResult>((resolve) => this.pending.set(id, { resolve }));
    try {
      this.native.embed(id, input);
    } catch (error) {
      this.pending.delete(id);
      const wrapped = EngineError.from(error);
      const message = `input ${index}: ${wrapped.message}`;
      if (wrapped.code === "QUEUE_FULL") throw new QueueFullError(this.queueLimit, message);
      throw new EngineError(wrapped.code, message, { cause: error });
    }
    ids.push(id);
    return result;
  }
}
