import { suggestion } from "../config/did-you-mean.js";
import { configSchemaProblem } from "../config/index.js";
import { InvalidOptionsError, type ProviderFactory } from "../core/index.js";
import { isRecord, kindOf } from "./describe-value.js";
import type { CreateRouterOptions } from "./router-options.js";
import { validateTelemetryOptions } from "./validate-telemetry-options.js";

/** Says what is wrong with one option's value, or undefined when it is fine. */
type Check = (value: unknown, option: string) => string | undefined;

/**
 * One check per option: a new field of `CreateRouterOptions` does not compile until it has one,
 * so an option can never slip through unchecked or be reported as unknown.
 */
const checks: Record<keyof CreateRouterOptions, Check> = {
  policy: (value) => {
    if (typeof value === "string") return value.trim() === "" ? "is an empty path" : undefined;
    return isRecord(value)
      ? undefined
      : `expected a policy file's path or a policy object, got ${kindOf(value)}`;
  },
  providers: (value, option) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return `expected an array of provider factories, got ${kindOf(value)}`;
    for (const [index, factory] of value.entries()) {
      const problem = factoryProblem(factory);
      if (problem) return `${option}[${index}] ${problem}`;
    }
    return undefined;
  },
  state: (value) =>
    value === undefined
      ? undefined
      : methodsProblem(value, ["snapshot", "recordAttempt", "addSpend"], "a StateStore"),
  filters: (value, option) => listProblem(value, option, "filter", "filter"),
  strategies: (value, option) => listProblem(value, option, "strategy", "rank"),
  difficultyScorer: (value) =>
    value === undefined ? undefined : methodsProblem(value, ["score"], "a DifficultyScorer"),
  policies: (value) => {
    if (value === undefined) return undefined;
    const problem = methodsProblem(value, ["filters"], "a PolicyKit");
    if (problem) return problem;
    return isRecord((value as Record<string, unknown>).strategies)
      ? undefined
      : "expected a PolicyKit: strategies must be an object of strategy builders by name";
  },
  catalog: (value) =>
    value === undefined || value === false
      ? undefined
      : methodsProblem(value, ["lookup"], "a ModelCatalog (or false)"),
  fetch: optionalFunction,
  env: (value) => {
    if (value === undefined) return undefined;
    if (!isRecord(value)) return `expected an object of environment variables, got ${kindOf(value)}`;
    for (const [name, entry] of Object.entries(value)) {
      // The value is never printed: it may be a secret.
      if (entry !== undefined && typeof entry !== "string")
        return `${name} must be a string, got ${kindOf(entry)}`;
    }
    return undefined;
  },
  onProgress: optionalFunction,
  onEvent: optionalFunction,
  logger: (value) =>
    value === undefined
      ? undefined
      : methodsProblem(value, ["debug", "info", "warn", "error"], "a logger (pino, console, …)"),
  logLevel: (value) =>
    value === undefined || (typeof value === "string" && logLevels.includes(value))
      ? undefined
      : `expected one of ${logLevels.join(", ")}, got ${kindOf(value)}`,
  callLog: callLogProblem,
  watch: (value) =>
    value === undefined || typeof value === "boolean"
      ? undefined
      : `expected a boolean, got ${kindOf(value)}`,
  random: optionalFunction,
  telemetry: (value) => validateTelemetryOptions(value),
};

const known = Object.keys(checks);

const logLevels: readonly string[] = ["debug", "info", "warn", "error"];

function callLogProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return `expected { path } or { write(line) }, got ${kindOf(value)}`;
  const { path, write } = value;
  if ((path === undefined) === (write === undefined)) {
    return "expected exactly one of path (a file to append to) and write (a function)";
  }
  if (path !== undefined && (typeof path !== "string" || path.trim() === "")) {
    return `path must be a non-empty string, got ${typeof path === "string" ? "an empty string" : kindOf(path)}`;
  }
  if (write !== undefined && typeof write !== "function")
    return `write must be a function, got ${kindOf(write)}`;
  for (const flag of ["content", "metadata"]) {
    if (value[flag] !== undefined && typeof value[flag] !== "boolean") {
      return `${flag} must be a boolean, got ${kindOf(value[flag])}`;
    }
  }
  const [bound, what] = path !== undefined ? ["maxBufferedBytes", "bytes"] : ["maxPending", "writes"];
  const limit = value[bound];
  if (limit !== undefined && !(typeof limit === "number" && Number.isInteger(limit) && limit > 0)) {
    return `${bound} must be a whole number of ${what} > 0, got ${kindOf(limit)}`;
  }
  const allowed = ["content", "metadata", path !== undefined ? "path" : "write", bound];
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  return unknown === undefined
    ? undefined
    : `${unknown} is not a callLog option (options: ${allowed.join(", ")})`;
}

/**
 * Checks what `createRouter` was given before anything is started: a missing or malformed option
 * is an `InvalidOptionsError` naming it (never a TypeError from deep inside), an unknown one is
 * named with the closest known option. The policy's content is `loadPolicy`'s to check.
 */
export function validateRouterOptions(options: unknown): CreateRouterOptions {
  const fail = (option: string, message: string) => new InvalidOptionsError("createRouter", option, message);
  if (!isRecord(options)) {
    throw fail("options", `expected an object such as { policy: "./routing.yaml" }, got ${kindOf(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(checks, key)) {
      throw fail(key, `is not an option${suggestion(key, known)} (options: ${known.join(", ")})`);
    }
  }
  for (const [option, check] of Object.entries(checks)) {
    const problem = check(options[option], option);
    if (problem) throw fail(option, problem);
  }
  return options as unknown as CreateRouterOptions;
}

function optionalFunction(value: unknown): string | undefined {
  return value === undefined || typeof value === "function"
    ? undefined
    : `expected a function, got ${kindOf(value)}`;
}

function methodsProblem(value: unknown, methods: readonly string[], what: string): string | undefined {
  if (!isRecord(value)) return `expected ${what}, got ${kindOf(value)}`;
  const missing = methods.filter((method) => typeof value[method] !== "function");
  return missing.length === 0 ? undefined : `expected ${what}: ${missing.join(", ")} must be methods`;
}

function factoryProblem(factory: unknown): string | undefined {
  if (!isRecord(factory))
    return `expected a provider factory ({ type, configSchema, capabilities, create }), got ${kindOf(factory)}`;
  if (typeof factory.type !== "string" || factory.type === "") return "type must be a non-empty string";
  if (typeof factory.create !== "function") return `(type "${factory.type}") create must be a function`;
  if (!isRecord(factory.capabilities))
    return `(type "${factory.type}") capabilities must be an object (e.g. { local: false })`;
  const schemaProblem = configSchemaProblem(factory as unknown as ProviderFactory);
  return schemaProblem ? `(type "${factory.type}") ${schemaProblem}` : undefined;
}

/**
 * Filters and strategies are told apart by `kind`, so that an object written as one is never
 * taken for the other: a filter has `filter` and no `rank`, a strategy the reverse.
 */
function listProblem(
  value: unknown,
  option: string,
  kind: "filter" | "strategy",
  method: "filter" | "rank",
): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return `expected an array of ${kind} objects, got ${kindOf(value)}`;
  const other = method === "filter" ? "rank" : "filter";
  for (const [index, entry] of value.entries()) {
    const at = `${option}[${index}]`;
    if (!isRecord(entry))
      return `${at} expected a ${kind} ({ kind: "${kind}", name, ${method} }), got ${kindOf(entry)}`;
    if (typeof entry.name !== "string" || entry.name === "") return `${at} name must be a non-empty string`;
    if (entry.kind !== kind) return `${at} (${entry.name}) kind must be "${kind}"`;
    if (typeof entry[method] !== "function") return `${at} (${entry.name}) ${method} must be a function`;
    if (entry[other] !== undefined)
      return `${at} (${entry.name}) has ${other} as well: a ${kind} only ${method === "filter" ? "filters" : "ranks"}`;
  }
  return undefined;
}
