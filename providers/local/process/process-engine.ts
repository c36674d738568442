import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  type EmbedOutput,
  type EngineCompletion,
  EngineError,
  type EngineEvent,
  type EngineInfo,
  type EngineMetrics,
  type GeneratedToken,
  type GpuChoice,
  type GpuDevice,
  type LocalEngineOptions,
} from "../../../local-engine/index.js";
import { AsyncQueue } from "../../../src/core/async-queue.js";
import type { ChatCountRequest, ChatGenerateRequest, EngineHandle, EngineRun } from "../engine-handle.js";
import { type ChildBatch, fromWireError, type ParentMessage } from "./protocol.js";

export interface ProcessEngineOptions {
  /** What the child process loads; a restart loads the same model with the same options. */
  engine: Omit<LocalEngineOptions, "onProgress">;
  /** The first load's progress in [0, 1]. */
  onProgress?: (fraction: number) => void;
  /** Backoff between restarts of a child that exited; it doubles, and resets once a child served 60 s. */
  restart?: {
    /** @default 500 */
    initialDelayMs?: number;
    /** @default 30_000 */
    maxDelayMs?: number;
  };
  /** Names the engine in messages, e.g. "local@gpu1". @default "local" */
  label?: string;
  /**
   * Where what the child prints goes: each line of its stderr (llama.cpp's log with
   * SWITCHYARD_LLAMA_LOG=1, a crash's stack) as "warn", each restart after a crash as "error".
   * @default the child's stderr is the parent's, and restarts are not reported
   */
  log?: (level: "warn" | "error", message: string) => void;
}

/** A longer stderr line is cut to this many characters in the log. */
const MAX_LOG_LINE = 4096;

/** A child ready this long has proven its options sound: the next crash restarts it without delay build-up. */
const STABLE_MS = 60_000;
const CLOSE_TIMEOUT_MS = 5_000;

/** A question sent to the child and not answered yet. */
interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * A `LocalEngine` in a child process of its own (`isolation: process`): a crash or an out-of-memory
 * abort inside llama.cpp ends the child, its in-flight runs finish with "error", and the engine
 * restarts it with exponential backoff while the application keeps serving.
 */
export class ProcessEngine implements EngineHandle {
  readonly #entry: string;
  readonly #options: ProcessEngineOptions;
  readonly #label: string;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  #info: EngineInfo | undefined;
  #firstLoad: { resolve: (info: EngineInfo) => void; reject: (error: EngineError) => void } | undefined;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #readySince: number | undefined;
  /** What the current child said before it died (a load failure, an uncaught error). */
  #failure: EngineError | undefined;
  readonly #runs = new Map<number, ProcessRun>();
  /** Counts sent to the child and not answered yet. */
  readonly #counts = new Map<number, Pending<number>>();
  /** Embeddings sent to the child and not answered yet. */
  readonly #embeds = new Map<number, Pending<EmbedOutput>>();
  #nextId = 1;
  #metrics: EngineMetrics = idleMetrics(0);
  #unavailable: string | undefined;
  #closing: Promise<void> | undefined;
  #restartDelayMs: number;
  #restartTimer: NodeJS.Timeout | undefined;

  private constructor(entry: string, options: ProcessEngineOptions) {
    this.#entry = entry;
    this.#options = options;
    this.#label = options.label ?? "local";
    this.#initialDelayMs = positive("restart.initialDelayMs", options.restart?.initialDelayMs ?? 500);
    this.#maxDelayMs = positive("restart.maxDelayMs", options.restart?.maxDelayMs ?? 30_000);
    this.#restartDelayMs = this.#initialDelayMs;
  }

  /**
   * Forks the child and loads the model there. Rejects with the child's EngineError (MODEL_LOAD,
   * MEMORY_FIT, …) when that first load fails; the child is gone by then and is not restarted.
   */
  static async start(options: ProcessEngineOptions): Promise<ProcessEngine> {
    const engine = new ProcessEngine(childEntry(), options);
    engine.#info = await new Promise<EngineInfo>((resolve, reject) => {
      engine.#firstLoad = { resolve, reject };
      engine.#launch();
    });
    return engine;
  }

  get info(): EngineInfo {
    // start() only hands out an engine whose first load reported its info.
    return this.#info!;
  }

  /** The current child's process id; undefined while it restarts and after close(). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  generateChat(request: ChatGenerateRequest): EngineRun {
    const id = this.#nextId++;
    const { signal, ...rest } = request;
    const run = new ProcessRun(signal, () => this.#cancel(id));
    if (this.#closing !== undefined) {
      run.fail(new EngineError("CLOSED", `the engine for ${this.#label} is closed`));
      return run;
    }
    if (this.#unavailable !== undefined) {
      run.fail(new EngineError("ENGINE_EXITED", this.#unavailable));
      return run;
    }
    if (signal?.aborted) {
      // As in-process: accepted, and over before it started.
      run.accept();
      run.fail(new EngineError("ABORTED", "the request was aborted"), "abort");
      return run;
    }
    this.#runs.set(id, run);
    try {
      this.#send({ type: "generate", id, request: rest });
    } catch (error) {
      this.#runs.delete(id);
      run.fail(
        new EngineError("INVALID_ARGUMENT", `the request cannot be sent to the engine process: ${error}`),
      );
      return run;
    }
    return run;
  }

  /** Counted in the child (see `countChatPromptTokens`), over the same IPC channel as generations. */
  countChatPrompt(request: ChatCountRequest, signal?: AbortSignal): Promise<number> {
    return this.#ask(this.#counts, signal, (id) => ({ type: "count", id, request }), {
      aborted: () => signal?.reason,
      unsent: "the prompt",
    });
  }

  /** Embedded in the child, over the same IPC channel; an abort drops its texts there. */
  embed(values: readonly string[], signal?: AbortSignal): Promise<EmbedOutput> {
    return this.#ask(this.#embeds, signal, (id) => ({ type: "embed", id, values: [...values] }), {
      aborted: () => new EngineError("ABORTED", "the embedding call was aborted", { cause: signal?.reason }),
      unsent: "the texts",
    });
  }

  /**
   * One question to the child that one message answers: kept in `pending` under a fresh id until
   * the answer, the child's exit or the caller's abort (which also cancels it in the child).
   */
  #ask<T>(
    pending: Map<number, Pending<T>>,
    signal: AbortSignal | undefined,
    message: (id: number) => ParentMessage,
    describe: { aborted: () => unknown; unsent: string },
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(describe.aborted());
    const down = this.#closing !== undefined ? `the engine for ${this.#label} is closed` : this.#unavailable;
    if (down !== undefined) return Promise.reject(new EngineError("ENGINE_EXITED", down));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        settle();
        this.#send({ type: "cancel", id });
        reject(describe.aborted());
      };
      const settle = () => {
        pending.delete(id);
        signal?.removeEventListener("abort", onAbort);
      };
      pending.set(id, {
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        this.#send(message(id));
      } catch (error) {
        pending
          .get(id)
          ?.reject(
            new EngineError(
              "INVALID_ARGUMENT",
              `${describe.unsent} cannot be sent to the engine process: ${error}`,
            ),
          );
      }
    });
  }

  metrics(): EngineMetrics {
    return this.#metrics;
  }

  unavailable(): string | undefined {
    return this.#unavailable;
  }

  /** Finishes pending runs with "abort", closes the engine and waits for the child to exit. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearTimeout(this.#restartTimer);
    this.#unavailable = `the engine for ${this.#label} is closed`;
    const child = this.#child;
    if (child === undefined) return;
    this.#send({ type: "close" });
    const kill = setTimeout(() => child.kill("SIGKILL"), CLOSE_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(kill);
  }

  /** Forks a child and asks it to load the model; throws an EngineError when no process could be started. */
  #launch(): void {
    let child: ChildProcess;
    try {
      // A clean execArgv: the parent's (--inspect, a TypeScript loader, vitest's flags) would not fit the child.
      child = fork(this.#entry, [], {
        serialization: "advanced",
        stdio: ["ignore", "inherit", this.#options.log ? "pipe" : "inherit", "ipc"],
        execArgv: [],
      });
    } catch (error) {
      throw new EngineError("ENGINE_START", `cannot start the engine process for ${this.#label}: ${error}`, {
        cause: error,
      });
    }
    this.#child = child;
    const log = this.#options.log;
    if (log && child.stderr) {
      createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
        if (line.trim() !== "") log("warn", `${this.#label}: ${line.slice(0, MAX_LOG_LINE)}`);
      });
    }
    this.#readySince = undefined;
    this.#failure = undefined;
    this.#exited = new Promise((resolve) => {
      let gone = false;
      const exit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (gone) return;
        gone = true;
        this.#onExit(child, code, signal);
        resolve();
      };
      // 'close', not 'exit': it comes after the last IPC message, so every finished run is reported first.
      child.once("close", exit);
      child.on("error", (error) => {
        // A child that never started gets no 'close'; send errors reach the send callback instead.
        if (child.pid === undefined) {
          this.#failure = new EngineError("ENGINE_EXITED", error.message);
          exit(null, null);
        }
      });
    });
    child.on("message", (batch: ChildBatch) => {
      if (child === this.#child) this.#receive(batch);
    });
    try {
      this.#send({ type: "load", options: this.#options.engine });
    } catch (error) {
      this.#failure = new EngineError("INVALID_ARGUMENT", `the engine options cannot be sent: ${error}`);
      child.kill("SIGKILL");
    }
  }

  #receive(batch: ChildBatch): void {
    for (const message of batch) {
      switch (message.type) {
        case "tokens":
          this.#runs.get(message.id)?.receive(message.text, message.tokens);
          break;
        case "metrics":
          this.#metrics = message.metrics;
          break;
        case "accepted":
          this.#runs.get(message.id)?.accept();
          break;
        case "admitted":
          this.#runs.get(message.id)?.admit();
          break;
        case "done":
          this.#runs.get(message.id)?.finish(message.completion);
          this.#runs.delete(message.id);
          break;
        case "counted":
          this.#counts.get(message.id)?.resolve(message.tokens);
          break;
        case "countFailed":
          this.#counts.get(message.id)?.reject(fromWireError(message.error));
          break;
        case "embedded":
          this.#embeds.get(message.id)?.resolve(message.output);
          break;
        case "embedFailed":
          this.#embeds.get(message.id)?.reject(fromWireError(message.error));
          break;
        case "refused":
          this.#runs.get(message.id)?.fail(fromWireError(message.error));
          this.#runs.delete(message.id);
          break;
        case "progress":
          if (this.#firstLoad !== undefined) reportProgress(this.#options.onProgress, message.fraction);
          break;
        case "ready":
          this.#readySince = Date.now();
          if (this.#closing === undefined) this.#unavailable = undefined;
          this.#metrics = idleMetrics(message.info.slots);
          this.#firstLoad?.resolve(message.info);
          this.#firstLoad = undefined;
          break;
        case "loadFailed":
          this.#failure = fromWireError(message.error);
          break;
        case "fatal":
          this.#failure = new EngineError("ENGINE_EXITED", message.message);
          break;
      }
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    const how = signal === null ? `code ${code}` : `signal ${signal}`;
    const why = this.#failure === undefined ? how : `${how}: ${this.#failure.message}`;
    if (this.#firstLoad !== undefined) {
      this.#firstLoad.reject(
        this.#failure ??
          new EngineError(
            "ENGINE_EXITED",
            `the engine process for ${this.#label} exited (${why}) while loading`,
          ),
      );
      this.#firstLoad = undefined;
      return;
    }
    if (this.#closing !== undefined) {
      this.#settleRuns(new EngineError("CLOSED", `the engine for ${this.#label} is closed`), "abort");
      return;
    }
    const reason = `the engine process for ${this.#label} exited (${why}); restarting`;
    this.#options.log?.("error", reason);
    this.#unavailable = reason;
    this.#metrics = idleMetrics(this.#info?.slots ?? 0);
    this.#settleRuns(new EngineError("ENGINE_EXITED", reason), "error");
    if (this.#readySince !== undefined && Date.now() - this.#readySince >= STABLE_MS) {
      this.#restartDelayMs = this.#initialDelayMs;
    }
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      try {
        this.#launch();
      } catch (error) {
        this.#unavailable = `${(error as EngineError).message}; restarting`;
        this.#scheduleRestart();
      }
    }, this.#restartDelayMs);
    this.#restartDelayMs = Math.min(this.#restartDelayMs * 2, this.#maxDelayMs);
  }

  #settleRuns(error: EngineError, finishReason: "abort" | "error"): void {
    for (const run of this.#runs.values()) run.fail(error, finishReason);
    this.#runs.clear();
    for (const pending of [...this.#counts.values()]) pending.reject(error);
    for (const pending of [...this.#embeds.values()]) pending.reject(error);
  }

  #cancel(id: number): void {
    if (this.#runs.has(id)) this.#send({ type: "cancel", id });
  }

  /** Throws only when the message cannot be serialized; a broken pipe is the 'close' handler's business. */
  #send(message: ParentMessage): void {
    const child = this.#child;
    if (child === undefined || !child.connected) return;
    child.send(message, ignoreSendError);
  }
}

/**
 * One request to the child. `accepted` rejects when the child refused it or was not there; `done`
 * then resolves with finishReason "error" and the iteration yields nothing.
 */
class ProcessRun implements EngineRun {
  readonly accepted: Promise<void>;
  readonly done: Promise<EngineCompletion>;
  #resolveAccepted!: () => void;
  #rejectAccepted!: (error: EngineError) => void;
  #acceptance: "pending" | "settled" = "pending";
  #resolveDone!: (completion: EngineCompletion) => void;
  /** Tokens from the child, for the one reader; the link cannot pause one run, so bounded by maxTokens. */
  readonly #events: AsyncQueue<EngineEvent>;
  #finished = false;
  #admitted = false;
  #text = "";
  #tokenCount = 0;
  readonly #signal: AbortSignal | undefined;
  readonly #cancel: () => void;

  constructor(signal: AbortSignal | undefined, cancel: () => void) {
    this.#signal = signal;
    this.#cancel = cancel;
    // Leaving the iteration early (break, throw) means nobody wants the rest: free the slot.
    this.#events = new AsyncQueue<EngineEvent>({
      onReaderGone: () => {
        if (!this.#finished) this.#cancel();
      },
    });
    this.accepted = new Promise((resolve, reject) => {
      this.#resolveAccepted = resolve;
      this.#rejectAccepted = reject;
    });
    // A caller that only iterates or awaits `done` learns of a refusal there: no unhandled rejection.
    this.accepted.catch(() => {});
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    signal?.addEventListener("abort", cancel, { once: true });
  }

  get queued(): boolean {
    return !this.#admitted && !this.#finished;
  }

  admit(): void {
    this.#admitted = true;
  }

  accept(): void {
    if (this.#acceptance === "settled") return;
    this.#acceptance = "settled";
    this.#resolveAccepted();
  }

  receive(text: string, tokens: GeneratedToken[]): void {
    if (this.#finished) return;
    this.#admitted = true;
    this.#text += text;
    this.#tokenCount += tokens.length;
    this.#events.push({ type: "tokens", text, tokens });
  }

  finish(completion: Omit<EngineCompletion, "text">): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#signal?.removeEventListener("abort", this.#cancel);
    this.accept();
    this.#resolveDone({ text: this.#text, ...completion });
    this.#events.close();
  }

  /** Refuses the run if it was not accepted yet, and finishes it with what it generated so far. */
  fail(error: EngineError, finishReason: "abort" | "error" = "error"): void {
    if (this.#finished) return;
    if (this.#acceptance === "pending") {
      this.#acceptance = "settled";
      this.#rejectAccepted(error);
    }
    this.finish({
      finishReason,
      ...(finishReason === "error" ? { error: error.message } : {}),
      promptTokens: 0,
      completionTokens: this.#tokenCount,
      cachedPromptTokens: 0,
      timings: { queuedMs: 0, ttftMs: 0, prefillTokensPerSec: 0, decodeTokensPerSec: 0 },
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<EngineEvent> {
    return this.#events[Symbol.asyncIterator]();
  }
}

/**
 * The GPUs a llama.cpp build sees, listed by a short-lived engine process: binding a CUDA build
 * creates a context on every GPU, which the application process should not hold for engines that
 * run elsewhere.
 */
export function listGpuDevicesInChild(options: {
  gpu?: GpuChoice;
  libraryDir?: string;
}): Promise<GpuDevice[]> {
  const entry = childEntry();
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
    };
    let child: ChildProcess;
    try {
      child = fork(entry, [], {
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        execArgv: [],
      });
    } catch (error) {
      reject(
        new EngineError("ENGINE_START", `cannot start a process to list the GPUs: ${error}`, {
          cause: error,
        }),
      );
      return;
    }
    // The answer is kept until the process is gone, so no caller sees the listing child still alive.
    let answer: (() => void) | undefined;
    child.on("message", (batch: ChildBatch) => {
      for (const message of batch) {
        if (message.type === "devices") answer ??= () => resolve(message.devices);
        if (message.type === "listFailed") answer ??= () => reject(fromWireError(message.error));
      }
    });
    child.on("error", (error) =>
      settle(() =>
        reject(new EngineError("ENGINE_START", `the process listing the GPUs failed: ${error.message}`)),
      ),
    );
    child.on("close", (code, signal) =>
      settle(
        answer ??
          (() =>
            reject(
              new EngineError(
                "ENGINE_EXITED",
                `the process listing the GPUs exited (${signal ? `signal ${signal}` : `code ${code}`}) without an answer`,
              ),
            )),
      ),
    );
    child.send({ type: "list-devices", options } satisfies ParentMessage, ignoreSendError);
  });
}

/** EPIPE and the like: the child is exiting, and its 'close' event settles its runs. */
function ignoreSendError(): void {}

/** The compiled child entry: beside this module, or in dist/ when this module runs from its sources. */
function childEntry(): string {
  const beside = fileURLToPath(new URL("./engine-process.js", import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(
    new URL("../../../dist/providers/local/process/engine-process.js", import.meta.url),
  );
  if (existsSync(built)) return built;
  throw new EngineError(
    "ENTRY_MISSING",
    `the engine process entry is not built (looked for ${beside} and ${built}); run \`npm run build\``,
  );
}

function positive(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `${name} must be a positive number of milliseconds, got ${value}`,
    );
  }
  return value;
}

/** A throwing progress callback must not take the IPC handler down with it. */
function reportProgress(onProgress: ((fraction: number) => void) | undefined, fraction: number): void {
  try {
    onProgress?.(fraction);
  } catch (error) {
    process.emitWarning(`switchyard: onProgress threw: ${String(error)}`);
  }
}

function idleMetrics(slots: number): EngineMetrics {
  return {
    queueDepth: 0,
    busySlots: 0,
    slots,
    steps: 0,
    multiSlotSteps: 0,
    averageBatchTokens: 0,
    generatedTokens: 0,
    prefillTokens: 0,
    decodeTokensPerSec: 0,
    gapFillerTokens: 0,
    samplingWakeups: 0,
    decodeOnlySteps: 0,
    stepPhaseMicros: { between: 0, build: 0, decode: 0, post: 0, wait: 0, report: 0, sample: 0 },
  };
}
