import { type ChatTemplate, prepareChatTemplate } from "./chat-template.js";
import { EmbedRequests } from "./embed-requests.js";
import { EngineError } from "./engine-error.js";
import { Generation } from "./generation.js";
import { type LoadPlan, planLoad } from "./load-plan.js";
import {
  loadNativeAddon,
  type NativeEmbedResult,
  type NativeEngine,
  type NativeEvent,
  type NativeReadyInfo,
  type NativeSubmitParams,
  type NativeUpdate,
} from "./native-addon.js";
import { QueueFullError } from "./queue-full-error.js";
import type {
  ChatTemplateMessage,
  EmbedOptions,
  EmbedOutput,
  EngineInfo,
  EngineMetrics,
  EngineTool,
  GenerateRequest,
  LocalEngineOptions,
  ToolCallFormat,
} from "./types.js";
import { validateRequest } from "./validate-request.js";

/**
 * Switchyard's in-process llama.cpp engine: one model, N slots decoded together by a native
 * continuous-batching loop (see local-engine/native). JavaScript only submits, cancels and appends
 * each step's text.
 */
export class LocalEngine {
  readonly info: EngineInfo;
  private readonly generations = new Map<number, Generation>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private readonly embedRequests: EmbedRequests | undefined;

  private constructor(
    private readonly native: NativeEngine,
    info: EngineInfo,
    private readonly queueLimit: number,
    private readonly chatTemplate: ChatTemplate | undefined,
    embedQueueLimit: number,
  ) {
    this.info = info;
    this.embedRequests = info.embeddings && new EmbedRequests(native, embedQueueLimit);
  }

  /** Checks that the model fits, loads it (off the main thread) and starts the scheduler. */
  static async load(options: LocalEngineOptions): Promise<LocalEngine> {
    const addon = loadNativeAddon();
    const plan = planLoad(addon, options);
    let engine: LocalEngine | undefined;
    let native: NativeEngine | undefined;
    const ready = new Promise<NativeReadyInfo>((resolve, reject) => {
      native = new addon.Engine(
        plan.native,
        (kind, payload) => {
          const event = { kind, payload } as NativeEvent;
          if (event.kind === "step") engine?.dispatch(event.payload);
          else if (event.kind === "progress") reportProgress(options.onProgress, event.payload);
          else if (event.kind === "ready") resolve(event.payload);
          else if (event.kind === "loadFailed") reject(new EngineError("MODEL_LOAD", event.payload));
        },
        (results: NativeEmbedResult[]) => engine?.embedRequests?.deliver(results),
      );
    });
    const info = await ready;
    if (native === undefined) throw new EngineError("MODEL_LOAD", "the engine did not start");
    const loaded = native;
    let chatTemplate: ChatTemplate | undefined;
    try {
      const special = (token: number): string =>
        token < 0 ? "" : loaded.detokenize(Int32Array.of(token), true);
      chatTemplate = await prepareChatTemplate(loaded, info.chatTemplate, {
        bos: special(info.bos),
        eos: special(info.eos),
      });
    } catch (error) {
      // The model is loaded and its scheduler runs: a failed load must not leave them behind.
      await loaded.close();
      if (error instanceof EngineError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new EngineError("MODEL_LOAD", `the model's chat template cannot be prepared: ${reason}`, {
        cause: error,
      });
    }
    const embeddings = loaded.embeddingInfo() ?? undefined;
    const described = LocalEngine.describe(plan, info, chatTemplate?.toolCallFormat);
    engine = new LocalEngine(
      loaded,
      embeddings ? { ...described, embeddings } : described,
      plan.native.queueLimit,
      chatTemplate,
      plan.native.embeddings.queueLimit,
    );
    return engine;
  }

  private static describe(
    plan: LoadPlan,
    info: NativeReadyInfo,
    toolCallFormat: ToolCallFormat | undefined,
  ): EngineInfo {
    return {
      backend: plan.library.backend,
      device: plan.library.device.description || plan.library.device.name,
      ...(plan.native.gpuDevice >= 0 && plan.library.gpu !== undefined
        ? { deviceIndex: plan.library.gpu.index }
        : {}),
      libraryPath: plan.library.libraryPath,
      slots: info.slots,
      contextPerSlot: info.contextPerSlot,
      trainContext: info.trainContext,
      vocabSize: info.vocabSize,
      batchSize: info.batchSize,
      threads: plan.native.threads,
      samplingThreads: plan.native.samplingThreads,
      threadHandoffMicros: plan.threadHandoffMicros,
      kvUnified: plan.native.kvUnified,
      modelBytes: info.modelBytes,
      kvBytesPerSlot: plan.estimate.kvBytesPerSlot,
      ...(info.chatTemplate === "" ? {} : { chatTemplate: info.chatTemplate }),
      ...(toolCallFormat === undefined ? {} : { toolCallFormat }),
      bosToken: info.bos,
      eosToken: info.eos,
      eogTokens: info.eogTokens,
    };
  }

  /**
   * Queues a request. Throws QueueFullError when `queueLimit` requests already wait, EngineError
   * for an invalid request (CONTEXT_LENGTH, GRAMMAR, INVALID_ARGUMENT) or a closed engine.
   */
  generate(request: GenerateRequest): Generation {
    return this.start(request, false);
  }

  /**
   * Diagnostic: the raw logits row behind the next token of `prompt` and llama.cpp-side
   * log-normalizer (logprob of token i = logits[i] - logNormalizer), as the engine computes them.
   */
  async debugNextTokenLogits(
    prompt: string | readonly number[],
  ): Promise<{ logits: Float32Array; logNormalizer: number }> {
    const captured = new Promise<{ logits: Float32Array; logNormalizer: number }>((resolve, reject) => {
      const generation = this.start({ prompt, maxTokens: 1, temperature: 0 }, true, (update) => {
        if (update.capturedLogits !== undefined) {
          resolve({ logits: update.capturedLogits, logNormalizer: update.capturedNormalizer ?? Number.NaN });
        }
      });
      generation.done.then(() => reject(new EngineError("NO_LOGITS", "the request finished without logits")));
    });
    return captured;
  }

  private start(
    request: GenerateRequest,
    captureLogits: boolean,
    tap?: (update: NativeUpdate) => void,
  ): Generation {
    if (this.closing) throw new EngineError("CLOSED", "the local engine is closed");
    const params: NativeSubmitParams = { ...validateRequest(request), captureLogits };
    const id = this.nextId++;
    const generation = new Generation(request.signal, () => this.native.cancel(id), tap);
    if (request.signal?.aborted) {
      generation.receive({ id, text: "", tokens: [], finish: { ...ABORTED_BEFORE_START } });
      return generation;
    }
    const prompt = typeof request.prompt === "string" ? request.prompt : Int32Array.from(request.prompt);
    try {
      this.native.submit(id, prompt, params);
    } catch (error) {
      const wrapped = EngineError.from(error);
      throw wrapped.code === "QUEUE_FULL" ? new QueueFullError(this.queueLimit, wrapped.message) : wrapped;
    }
    this.generations.set(id, generation);
    return generation;
  }

  private dispatch(updates: NativeUpdate[]): void {
    for (const update of updates) {
      const generation = this.generations.get(update.id);
      if (generation === undefined) continue;
      if (update.finish !== undefined) this.generations.delete(update.id);
      generation.receive(update);
    }
  }

  /**
   * One unit-length vector per text, pooled as the model's metadata says (see `info.embeddings`),
   * from the engine's embedding context: texts of concurrent calls are decoded together, beside
   * generation rather than in its steps. Throws EngineError NOT_EMBEDDING when the engine serves no
   * embeddings, CONTEXT_LENGTH (naming the input) for a text longer than `info.embeddings.maxTokens`,
   * QueueFullError, ABORTED when `signal` aborts.
   */
  embed(inputs: readonly string[], options: EmbedOptions = {}): Promise<EmbedOutput> {
    if (this.closing) return Promise.reject(new EngineError("CLOSED", "the local engine is closed"));
    if (!this.embedRequests) {
      return Promise.reject(
        new EngineError(
          "NOT_EMBEDDING",
          "this engine serves no embeddings: the model's GGUF metadata names no pooling (set embeddings.mode to on to pool a generative model)",
        ),
      );
    }
    return this.embedRequests.embed(inputs, options);
  }

  /** Token ids of `text`; by default with BOS (if the model adds one) and special tokens parsed. */
  tokenize(text: string, options: { addSpecial?: boolean; parseSpecial?: boolean } = {}): number[] {
    return Array.from(
      this.call(() => this.native.tokenize(text, options.addSpecial ?? true, options.parseSpecial ?? true)),
    );
  }

  detokenize(tokens: readonly number[], options: { special?: boolean } = {}): string {
    return this.call(() => this.native.detokenize(Int32Array.from(tokens), options.special ?? false));
  }

  /**
   * The prompt text for `messages` in the model's own chat format. With `tools` (which needs
   * `info.toolCallFormat`, else it throws CHAT_TEMPLATE) the template lists them for the model, which
   * then answers in that format: see `toolCallGrammar` and `ToolCallParser`.
   */
  applyChatTemplate(
    messages: readonly ChatTemplateMessage[],
    addAssistant = true,
    tools?: readonly EngineTool[],
  ): string {
    if (!this.chatTemplate) {
      throw new EngineError("CHAT_TEMPLATE", "the model has no chat template this engine can render");
    }
    return this.chatTemplate.render(messages, addAssistant, tools);
  }

  metrics(): EngineMetrics {
    const raw = this.call(() => this.native.metrics());
    return {
      queueDepth: raw.queueDepth,
      busySlots: raw.busySlots,
      slots: this.info.slots,
      steps: raw.steps,
      multiSlotSteps: raw.multiSlotSteps,
      averageBatchTokens: raw.steps === 0 ? 0 : raw.batchTokens / raw.steps,
      generatedTokens: raw.generatedTokens,
      prefillTokens: raw.prefillTokens,
      decodeTokensPerSec: raw.decodeTokensPerSec,
      gapFillerTokens: raw.gapFillers,
      samplingWakeups: raw.samplingWakeups,
      decodeOnlySteps: raw.phaseSteps,
      stepPhaseMicros: { ...raw.phaseMicros },
    };
  }

  /** Finishes every pending request with "abort", stops the scheduler and frees the model. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.native.close();
    return this.closing;
  }

  private call<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw EngineError.from(error);
    }
  }
}

/** A throwing progress callback must not take the scheduler's event function down with it. */
function reportProgress(onProgress: ((fraction: number) => void) | undefined, fraction: number): void {
  try {
    onProgress?.(fraction);
  } catch (error) {
    process.emitWarning(`switchyard: onProgress threw: ${String(error)}`);
  }
}

const ABORTED_BEFORE_START = {
  reason: "abort",
  promptTokens: 0,
  completionTokens: 0,
  cachedPromptTokens: 0,
  queuedMs: 0,
  ttftMs: 0,
  prefillTokensPerSec: 0,
  decodeTokensPerSec: 0,
} as const;
