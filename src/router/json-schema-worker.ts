import type { MessagePort } from "node:worker_threads";
import type { ErrorObject } from "ajv";

/** Where the worker loads ajv from: resolved by the main thread, so both see the same install. */
export interface JsonSchemaWorkerSetup {
  ajv2020: string;
  ajv2019: string;
  ajvDraft07: string;
  draft06MetaSchema: string;
  /** Compiled schemas the worker keeps. */
  capacity: number;
}

/** What the main thread asks; `key` names a schema's text (its hash). */
export type JsonSchemaWorkerRequest =
  | { id: number; type: "compile"; key: string; text: string }
  | { id: number; type: "validate"; key: string; value: unknown }
  /** Parses `text` as JSON in the worker, then validates it: a large answer never blocks the caller. */
  | { id: number; type: "validate-text"; key: string; text: string }
  | { type: "forget"; key: string };

/** Where ajv found the schema unusable: a JSON pointer into the schema and ajv's words. */
export interface CompileProblem {
  pointer: string;
  message: string;
  /** The reference ajv could not resolve, as ajv resolved it against the schema's base URI. */
  missingRef?: string;
  /** Not the schema's fault (the compiler timed out or crashed): worth trying again later. */
  transient?: boolean;
}

export type JsonSchemaWorkerReply =
  /** ajv is loaded and its default draft's meta-schema compiled: job time limits start now. */
  | { type: "ready" }
  | { id: number; type: "compiled"; problem?: CompileProblem }
  | { id: number; type: "validated"; errors: { pointer: string; message: string }[] }
  /** The text of a `validate-text` job is not JSON; `message` is the parser's. */
  | { id: number; type: "unparsable"; message: string }
  /** The worker no longer holds the schema (evicted, or a new worker): compile it again. */
  | { id: number; type: "missing" };

interface AjvLike {
  validateSchema(schema: unknown): boolean;
  compile(schema: unknown): ValidateLike;
  removeSchema(schema: unknown): unknown;
  addMetaSchema(schema: unknown): unknown;
  errors?: ErrorObject[] | null;
}

interface ValidateLike {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * The body of the compiler thread. It runs from its source text (`String(runJsonSchemaWorker)`),
 * so it uses nothing but its parameters: no import of this module exists in the worker.
 */
export function runJsonSchemaWorker(
  load: (path: string) => unknown,
  port: MessagePort,
  setup: JsonSchemaWorkerSetup,
): void {
  // Unknown keywords pass (providers ignore them); formats are not checked (no formats loaded).
  // Every violation of a value is reported (an answer's error names them all), up to a bound.
  const options = {
    strict: false,
    logger: false,
    addUsedSchema: false,
    allErrors: true,
    code: { optimize: false },
  };
  const maxViolations = 20;
  const instances = new Map<string, AjvLike>();
  const instance = (draft: "2020" | "2019" | "07"): AjvLike => {
    let ajv = instances.get(draft);
    if (!ajv) {
      const path = draft === "2020" ? setup.ajv2020 : draft === "2019" ? setup.ajv2019 : setup.ajvDraft07;
      const Ajv = (load(path) as { default: new (options: object) => AjvLike }).default;
      ajv = new Ajv(options);
      if (draft === "07") ajv.addMetaSchema(load(setup.draft06MetaSchema));
      instances.set(draft, ajv);
    }
    return ajv;
  };
  const draftOf = (schema: unknown): "2020" | "2019" | "07" => {
    const declared =
      typeof schema === "object" && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
    if (typeof declared !== "string") return "2020";
    if (declared.includes("2019-09")) return "2019";
    if (/draft-0[67]/.test(declared)) return "07";
    return "2020";
  };
  const describe = (error: ErrorObject): string => {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    return allowed
      ? `${error.message} (${allowed.map((value) => JSON.stringify(value)).join(", ")})`
      : `${error.message}`;
  };
  const compiled = new Map<string, ValidateLike>();

  const compile = (key: string, text: string): CompileProblem | undefined => {
    const schema: unknown = JSON.parse(text);
    const ajv = instance(draftOf(schema));
    if (!ajv.validateSchema(schema)) {
      const error = ajv.errors?.[0];
      return {
        pointer: error?.instancePath ?? "",
        message: error ? describe(error) : "is not a valid schema",
      };
    }
    try {
      compiled.set(key, ajv.compile(schema));
    } catch (error) {
      const missingRef = (error as { missingRef?: unknown }).missingRef;
      if (typeof missingRef === "string") {
        return { pointer: "", message: `no schema at "${missingRef}"`, missingRef };
      }
      const message =
        error instanceof RangeError ? "is too large to compile" : String((error as Error).message);
      return { pointer: "", message };
    } finally {
      ajv.removeSchema(schema);
    }
    for (const old of compiled.keys()) {
      if (compiled.size <= setup.capacity) break;
      compiled.delete(old);
    }
    return undefined;
  };

  instance("2020").validateSchema({ type: "object" });
  port.postMessage({ type: "ready" });

  port.on("message", (request: JsonSchemaWorkerRequest) => {
    if (request.type === "forget") {
      compiled.delete(request.key);
      return;
    }
    if (request.type === "compile") {
      const problem = compile(request.key, request.text);
      port.postMessage({ id: request.id, type: "compiled", ...(problem ? { problem } : {}) });
      return;
    }
    const validate = compiled.get(request.key);
    if (!validate) {
      port.postMessage({ id: request.id, type: "missing" });
      return;
    }
    let value: unknown = request.type === "validate" ? request.value : undefined;
    if (request.type === "validate-text") {
      try {
        value = JSON.parse(request.text);
      } catch (error) {
        port.postMessage({ id: request.id, type: "unparsable", message: String((error as Error).message) });
        return;
      }
    }
    const errors = validate(value)
      ? []
      : (validate.errors ?? [])
          .slice(0, maxViolations)
          .map((error) => ({ pointer: error.instancePath, message: describe(error) }));
    port.postMessage({ id: request.id, type: "validated", errors });
  });
}
