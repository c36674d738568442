import { createRequire } from "node:module";
import { clearTimeout, setTimeout } from "node:timers";
import { Worker } from "node:worker_threads";
import {
  type JsonSchemaWorkerReply,
  type JsonSchemaWorkerRequest,
  type JsonSchemaWorkerSetup,
  runJsonSchemaWorker,
} from "./json-schema-worker.js";

/** A request to the thread, without its id (the thread numbers them). */
export type ThreadJob =
  | { type: "compile"; key: string; text: string }
  | { type: "validate"; key: string; value: unknown }
  | { type: "validate-text"; key: string; text: string };

/** What a job ends with: the worker's reply, or `timeout` / `crash` when the worker had to go. */
export type ThreadOutcome = JsonSchemaWorkerReply | { type: "timeout" } | { type: "crash"; message: string };

export interface JsonSchemaThreadOptions {
  /**
   * A job still running after this long is stopped with its worker (a hostile schema). The schema
   * bounds are the real limit; this is the backstop, generous because a busy machine is slow:
   * 5,000 plain properties, the most OpenAI takes, compiled in 1.7 s on an idle 2-core machine and
   * in over 5 s on the same machine under load. @default 20000
   */
  jobTimeoutMs?: number;
  /** A worker with nothing to do for this long exits and gives its memory back. @default 30000 */
  idleMs?: number;
  /** Compiled schemas the worker keeps. @default 256 */
  capacity?: number;
}

interface PendingJob {
  job: ThreadJob;
  settle(outcome: ThreadOutcome): void;
}

const resolveModule = createRequire(import.meta.url).resolve;

/**
 * One worker thread that owns ajv: compiling a schema (milliseconds to seconds of code generation)
 * and running a validator (a `pattern` may backtrack) never block the caller's event loop. Jobs run
 * in order; the one at the head is timed with real timers (`node:timers`, which test fake clocks
 * leave alone), and a job past its time limit takes its worker down with it while the jobs behind
 * it move to a fresh worker. The worker keeps the process alive only while it has work.
 */
export class JsonSchemaThread {
  readonly jobTimeoutMs: number;
  readonly #idleMs: number;
  readonly #setup: JsonSchemaWorkerSetup;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, PendingJob>();
  #nextId = 0;
  #headTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the current worker said it is ready; its boot does not count against a job. */
  #ready = false;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: JsonSchemaThreadOptions = {}) {
    this.jobTimeoutMs = options.jobTimeoutMs ?? 20_000;
    this.#idleMs = options.idleMs ?? 30_000;
    this.#setup = {
      ajv2020: resolveModule("ajv/dist/2020"),
      ajv2019: resolveModule("ajv/dist/2019"),
      ajvDraft07: resolveModule("ajv/dist/ajv"),
      draft06MetaSchema: resolveModule("ajv/dist/refs/json-schema-draft-06.json"),
      capacity: options.capacity ?? 256,
    };
  }

  /** Rejects only when the job cannot be sent (a value the structured clone cannot copy). */
  run(job: ThreadJob): Promise<ThreadOutcome> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { job, settle: resolve });
      try {
        this.#send(id, job);
      } catch (error) {
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#settleIdle();
        reject(error);
      }
    });
  }

  /** Drops a compiled schema from the worker. */
  forget(key: string): void {
    this.#worker?.postMessage({ type: "forget", key } satisfies JsonSchemaWorkerRequest);
  }

  /** Whether a worker is running (tests and diagnostics). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  #send(id: number, job: ThreadJob): void {
    const worker = this.#ensureWorker();
    if (this.#pending.size === 1) this.#startHeadTimer();
    worker.postMessage({ id, ...job } satisfies JsonSchemaWorkerRequest);
  }

  #ensureWorker(): Worker {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#worker) {
      this.#worker.ref();
      return this.#worker;
    }
    const source = `(${String(runJsonSchemaWorker)})(require, require("node:worker_threads").parentPort, require("node:worker_threads").workerData);`;
    const worker = new Worker(source, {
      eval: true,
      workerData: this.#setup,
      // Self-contained: none of the parent's flags (`--expose-gc` and others are refused in workers).
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 256, stackSizeMb: 16 },
    });
    worker.on("message", (reply: JsonSchemaWorkerReply) => {
      if (worker !== this.#worker) return;
      if (reply.type !== "ready") {
        this.#settle(reply.id, reply);
        return;
      }
      this.#ready = true;
      this.#startHeadTimer();
    });
    worker.on("error", (error) => {
      if (worker === this.#worker) this.#replaceWorker({ type: "crash", message: error.message });
    });
    worker.on("exit", (code) => {
      if (worker === this.#worker)
        this.#replaceWorker({ type: "crash", message: `the worker exited (${code})` });
    });
    this.#worker = worker;
    this.#ready = false;
    return worker;
  }

  #settle(id: number, outcome: ThreadOutcome): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    pending.settle(outcome);
    if (this.#pending.size > 0) {
      this.#startHeadTimer();
      return;
    }
    this.#settleIdle();
  }

  /** Nothing left to do: the worker stops holding the process open, and exits after a while. */
  #settleIdle(): void {
    if (this.#headTimer) clearTimeout(this.#headTimer);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#worker?.unref();
    this.#idleTimer = setTimeout(() => this.#stopWorker(), this.#idleMs).unref();
  }

  #startHeadTimer(): void {
    if (this.#headTimer) clearTimeout(this.#headTimer);
    const head = this.#pending.keys().next();
    if (head.done || !this.#ready) return;
    const id = head.value;
    this.#headTimer = setTimeout(() => {
      if (this.#pending.keys().next().value === id) this.#replaceWorker({ type: "timeout" });
    }, this.jobTimeoutMs);
  }

  /** The head job ends with `outcome` (it is the one the worker was running); the rest start over. */
  #replaceWorker(outcome: ThreadOutcome): void {
    this.#stopWorker();
    const [head, ...rest] = [...this.#pending.entries()];
    this.#pending.clear();
    if (this.#headTimer) clearTimeout(this.#headTimer);
    head?.[1].settle(outcome);
    for (const [id, pending] of rest) {
      this.#pending.set(id, pending);
      this.#send(id, pending.job);
    }
  }

  #stopWorker(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    void worker?.terminate();
  }
}
