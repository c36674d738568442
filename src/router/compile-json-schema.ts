import { createHash } from "node:crypto";
import type { JsonSchema } from "../core/index.js";
import {
  JsonSchemaThread,
  type JsonSchemaThreadOptions,
  type ThreadJob,
  type ThreadOutcome,
} from "./json-schema-thread.js";
import type { CompileProblem } from "./json-schema-worker.js";

export type { CompileProblem };

/** One way a value fails its schema: a JSON pointer into the value and ajv's words. */
export interface SchemaViolation {
  pointer: string;
  message: string;
}

export type JsonSchemaValidation = { valid: true } | { valid: false; errors: SchemaViolation[] };

/** A JSON text's validation: `unparsable` when it is not JSON at all (the parser's words). */
export type JsonTextValidation = JsonSchemaValidation | { valid: false; unparsable: string };

/** A schema ajv compiled; its validator lives in the compiler thread. */
export interface CompiledJsonSchema {
  /**
   * Checks a value against the schema off the event loop. A validation that runs past the thread's
   * time limit (a `pattern` that backtracks) ends invalid, with that reason.
   */
  validate(value: unknown): Promise<JsonSchemaValidation>;
  /** Parses `text` as JSON and checks the value, both in the compiler thread (answers can be large). */
  validateText(text: string): Promise<JsonTextValidation>;
}

export type JsonSchemaCompilation =
  | { ok: true; schema: CompiledJsonSchema }
  | { ok: false; problem: CompileProblem };

export interface JsonSchemaCompilerOptions extends JsonSchemaThreadOptions {
  /** Schemas whose compilation is remembered, refusals included. @default 256 */
  cacheEntries?: number;
  /** Schema text the cache holds in all, in UTF-16 code units. @default 16 MiB (about 32 MB) */
  cacheChars?: number;
}

/**
 * Compiles JSON Schemas with ajv (draft 2020-12 unless `$schema` names 2019-09, draft-07 or
 * draft-06) in a worker thread, so a large or hostile schema never blocks the event loop; a compile
 * past the thread's time limit is refused. Outcomes are cached by the schema's text (bounded by
 * count and size), so each distinct schema is compiled once and a retried bad request costs
 * nothing; a timeout or crash is not remembered (the machine may just have been busy).
 */
export class JsonSchemaCompiler {
  readonly #thread: JsonSchemaThread;
  readonly #entries: number;
  readonly #chars: number;
  readonly #cache = new Map<string, { text: string; compilation: Promise<JsonSchemaCompilation> }>();
  #cachedChars = 0;

  constructor(options: JsonSchemaCompilerOptions = {}) {
    this.#thread = new JsonSchemaThread(options);
    this.#entries = options.cacheEntries ?? 256;
    this.#chars = options.cacheChars ?? 16 * 1024 * 1024;
  }

  /** Callers pass schemas whose `JsonSchemaCheck.shape` passed: plain JSON, bounded in size and depth. */
  compile(schema: JsonSchema): Promise<JsonSchemaCompilation> {
    const text = JSON.stringify(schema);
    const key = createHash("sha256").update(text).digest("base64");
    const cached = this.#cache.get(key);
    if (cached) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached.compilation;
    }
    const entry = { text, compilation: this.#compile(key, text) };
    this.#cache.set(key, entry);
    this.#cachedChars += text.length;
    entry.compilation.then(
      (outcome) => {
        if (!outcome.ok && outcome.problem.transient) this.#forget(key, entry);
      },
      () => this.#forget(key, entry),
    );
    for (const [oldKey, old] of this.#cache) {
      if (this.#cache.size <= this.#entries && this.#cachedChars <= this.#chars) break;
      this.#forget(oldKey, old);
    }
    return entry.compilation;
  }

  /** Whether the compiler thread is running (it exits when idle). */
  get threadRunning(): boolean {
    return this.#thread.running;
  }

  #forget(key: string, entry: { text: string }): void {
    if (this.#cache.get(key) !== entry) return;
    this.#cache.delete(key);
    this.#cachedChars -= entry.text.length;
    this.#thread.forget(key);
  }

  async #compile(key: string, text: string): Promise<JsonSchemaCompilation> {
    const outcome = await this.#thread.run({ type: "compile", key, text });
    if (outcome.type !== "compiled") {
      return {
        ok: false,
        problem: { pointer: "", message: this.#failure(outcome, "compile"), transient: true },
      };
    }
    if (outcome.problem) return { ok: false, problem: outcome.problem };
    return {
      ok: true,
      schema: {
        // A value is never unparsable: only `validate-text` answers that.
        validate: (value) =>
          this.#validate(key, text, { type: "validate", key, value }) as Promise<JsonSchemaValidation>,
        validateText: (answer) => this.#validate(key, text, { type: "validate-text", key, text: answer }),
      },
    };
  }

  async #validate(key: string, text: string, job: ThreadJob): Promise<JsonTextValidation> {
    let outcome = await this.#thread.run(job);
    if (outcome.type === "missing") {
      // The worker was replaced or let the schema go; it compiled once, so it compiles again.
      await this.#thread.run({ type: "compile", key, text });
      outcome = await this.#thread.run(job);
    }
    if (outcome.type === "unparsable") return { valid: false, unparsable: outcome.message };
    if (outcome.type === "validated") {
      return outcome.errors.length === 0 ? { valid: true } : { valid: false, errors: outcome.errors };
    }
    return { valid: false, errors: [{ pointer: "", message: this.#failure(outcome, "validate") }] };
  }

  #failure(outcome: ThreadOutcome, task: "compile" | "validate"): string {
    if (outcome.type === "timeout") return `did not ${task} within ${this.#thread.jobTimeoutMs} ms`;
    if (outcome.type === "crash") return `stopped the compiler thread: ${outcome.message}`;
    return `could not ${task}`;
  }
}

let shared: JsonSchemaCompiler | undefined;

/** The process's one compiler: request validation and output validation share its cache and thread. */
export function compileJsonSchema(schema: JsonSchema): Promise<JsonSchemaCompilation> {
  shared ??= new JsonSchemaCompiler();
  return shared.compile(schema);
}
