import { suggestion } from "../config/did-you-mean.js";
import type {
  ChatRequest,
  ResponseFormat,
  Route,
  RouteSelection,
  ToolChoice,
  ToolDefinition,
} from "../core/index.js";
import { checkTargetOverrides } from "./check-target-overrides.js";
import type { FieldPath } from "./field-path.js";
import { JsonWalker } from "./json-walker.js";
import {
  checkLongTexts,
  expectList,
  expectNumber,
  expectObject,
  expectOneOf,
  expectString,
  invalid,
  isRecord,
} from "./request-fields.js";
import type { RoutingContext } from "./routing-context.js";
import { selectRoute } from "./select-route.js";
import { JsonSchemaCheck } from "./validate-json-schema.js";
import { checkMessages, toolNamePattern } from "./validate-messages.js";
import { type Checks, runInSlices, WorkMeter } from "./work-meter.js";

/** Bounds on a request's fields: past them a value is a bug in the caller, or an attack. */
export const requestLimits = {
  /** Larger than any model's output window. */
  maxTokens: 1_000_000,
  /** OpenAI's limit; Anthropic's is higher, but a call with more tools is a mistake. */
  tools: 128,
  stops: 16,
  stopLength: 1000,
  tags: 32,
  tagLength: 128,
  /** OpenAI's metadata limits: 16 pairs, keys of 64 and values of 512 characters. */
  metadataEntries: 16,
  metadataKeyLength: 64,
  metadataValueLength: 512,
  /** An hour: a deadline beyond it is a unit mistake (seconds for milliseconds, or worse). */
  timeoutMs: 3_600_000,
  /** What one provider's options may hold. */
  providerOptions: { maxDepth: 16, maxValues: 10_000, maxChars: 1_048_576 },
} as const;

const requestKeys = [
  "route",
  "messages",
  "maxTokens",
  "temperature",
  "topP",
  "stop",
  "seed",
  "tools",
  "toolChoice",
  "responseFormat",
  "logprobs",
  "slo",
  "budget",
  "privacy",
  "targets",
  "tags",
  "metadata",
  "signal",
  "timeoutMs",
  "providerOptions",
] as const;

/** A request that passed validation, the route it names or its tags and metadata select, and how. */
export interface ValidatedCall {
  request: ChatRequest;
  route: Route;
  /** Present when the policy has `select` rules. */
  selection?: RouteSelection;
}

/**
 * The one validation of `chat()`, `stream()` and `explain()`: every field, the route, the provider
 * options' keys and each JSON schema (compiled by ajv) are checked before anything is planned or
 * sent, and the first problem is an InvalidRequestError naming the field with its path. The work
 * is linear in the request's size and pauses for the event loop every few milliseconds, so a 10 MB
 * request does not stall other calls. Returns a copy of the request, so edits after the call
 * began cannot change it (JSON schemas and provider options are kept as given).
 */
export async function validateCall(context: RoutingContext, request: unknown): Promise<ValidatedCall> {
  const meter = new WorkMeter();
  const schemas: { path: FieldPath; check: JsonSchemaCheck }[] = [];
  const valid = await runInSlices(checkAll(request, context, meter, schemas));
  const problems = await Promise.all(schemas.map(({ check }) => check.compile()));
  for (const [index, problem] of problems.entries()) {
    const path = schemas[index]?.path ?? [];
    if (problem) throw invalid([...path, ...problem.path], problem.message);
  }
  const selection = selectRoute(valid, context.select ?? [], context.defaultRoute);
  return {
    request: valid,
    route: resolveRoute(context, selection.route),
    ...(context.select?.length ? { selection } : {}),
  };
}

/** The route a request names, else the policy's default; the one place an unknown route is refused. */
export function resolveRoute(context: RoutingContext, name: string | undefined): Route {
  const routeName = name ?? context.defaultRoute;
  const route = context.routes.get(routeName);
  if (!route) {
    throw invalid(
      ["route"],
      `unknown route "${routeName}" (routes: ${[...context.routes.keys()].join(", ")})${suggestion(routeName, context.routes.keys())}`,
    );
  }
  return route;
}

type Schemas = { path: FieldPath; check: JsonSchemaCheck }[];

/** Every field, then the long strings left for piecewise scanning; schemas are compiled after. */
function* checkAll(
  request: unknown,
  context: RoutingContext,
  meter: WorkMeter,
  schemas: Schemas,
): Checks<ChatRequest> {
  const valid = yield* checkRequest(request, context, meter, schemas);
  yield* checkLongTexts(meter);
  return valid;
}

function* checkRequest(
  request: unknown,
  context: RoutingContext,
  meter: WorkMeter,
  schemas: Schemas,
): Checks<ChatRequest> {
  if (!isRecord(request)) throw invalid([], "must be an object with `messages`");
  const fields = expectObject(request, [], requestKeys, "a request");
  const valid: ChatRequest = { messages: [] };
  if (fields.route !== undefined)
    valid.route = expectString(fields.route, [], "route", meter, { minLength: 1 });
  if (valid.route !== undefined) resolveRoute(context, valid.route);
  valid.messages = yield* checkMessages(fields.messages, meter);
  if (fields.maxTokens !== undefined) {
    valid.maxTokens = expectNumber(fields.maxTokens, ["maxTokens"], {
      integer: true,
      min: 1,
      max: requestLimits.maxTokens,
    });
  }
  if (fields.temperature !== undefined) {
    valid.temperature = expectNumber(fields.temperature, ["temperature"], { min: 0, max: 2 });
  }
  if (fields.topP !== undefined) {
    valid.topP = expectNumber(fields.topP, ["topP"], { min: 0, exclusiveMin: true, max: 1 });
  }
  if (fields.seed !== undefined) valid.seed = expectNumber(fields.seed, ["seed"], { integer: true, min: 0 });
  if (fields.stop !== undefined) {
    const list = expectList(fields.stop, ["stop"], requestLimits.stops);
    valid.stop = list.map((entry, index) =>
      expectString(entry, ["stop"], index, meter, { minLength: 1, maxLength: requestLimits.stopLength }),
    );
  }
  if (fields.tools !== undefined) valid.tools = yield* checkTools(fields.tools, meter, schemas);
  if (fields.toolChoice !== undefined) valid.toolChoice = checkToolChoice(fields.toolChoice, valid.tools);
  if (fields.responseFormat !== undefined) {
    valid.responseFormat = yield* checkResponseFormat(fields.responseFormat, meter, schemas);
  }
  if (fields.logprobs !== undefined) {
    const logprobs = expectObject(fields.logprobs, ["logprobs"], ["topK"], "log-probs, { topK }");
    valid.logprobs = {
      topK: expectNumber(logprobs.topK, ["logprobs", "topK"], { integer: true, min: 0, max: 20 }),
    };
  }
  if (fields.slo !== undefined) {
    const slo = expectObject(fields.slo, ["slo"], ["ttftMs", "totalMs"], "an SLO, { ttftMs, totalMs }");
    valid.slo = {};
    for (const key of ["ttftMs", "totalMs"] as const) {
      if (slo[key] === undefined) continue;
      valid.slo[key] = expectNumber(slo[key], ["slo", key], {
        min: 0,
        exclusiveMin: true,
        max: requestLimits.timeoutMs,
      });
    }
  }
  if (fields.budget !== undefined) {
    const budget = expectObject(fields.budget, ["budget"], ["maxCostUsd"], "a budget, { maxCostUsd }");
    valid.budget =
      budget.maxCostUsd === undefined
        ? {}
        : { maxCostUsd: expectNumber(budget.maxCostUsd, ["budget", "maxCostUsd"], { min: 0 }) };
  }
  if (fields.privacy !== undefined) {
    valid.privacy = expectOneOf(fields.privacy, [], "privacy", ["local-only", "no-training"]);
  }
  if (fields.tags !== undefined) valid.tags = checkTags(fields.tags, meter);
  if (fields.metadata !== undefined) valid.metadata = checkMetadata(fields.metadata, meter);
  if (fields.targets !== undefined) {
    // Overrides narrow the route the call will take: the one it names, else the one its tags and metadata select.
    const route = resolveRoute(context, selectRoute(valid, context.select ?? [], context.defaultRoute).route);
    valid.targets = checkTargetOverrides(fields.targets, route, meter, chainTargets(context, route));
  }
  if (fields.signal !== undefined) {
    if (!(fields.signal instanceof AbortSignal)) throw invalid(["signal"], "must be an AbortSignal");
    valid.signal = fields.signal;
  }
  if (fields.timeoutMs !== undefined) {
    valid.timeoutMs = expectNumber(fields.timeoutMs, ["timeoutMs"], { min: 1, max: requestLimits.timeoutMs });
  }
  if (fields.providerOptions !== undefined) {
    valid.providerOptions = yield* checkProviderOptions(fields.providerOptions, context, meter);
  }
  return valid;
}

function* checkTools(value: unknown, meter: WorkMeter, schemas: Schemas): Checks<ToolDefinition[]> {
  const tools: ToolDefinition[] = [];
  const names = new Map<string, number>();
  const list = expectList(value, ["tools"], requestLimits.tools);
  for (let index = 0; index < list.length; index++) {
    const path = ["tools", index];
    const fields = expectObject(list[index], path, ["name", "description", "parameters"], "a tool");
    const name = expectString(fields.name, path, "name", meter, { pattern: toolNamePattern });
    const earlier = names.get(name);
    if (earlier !== undefined) throw invalid([...path, "name"], `repeats tools[${earlier}].name "${name}"`);
    names.set(name, index);
    const tool: ToolDefinition = { name, parameters: {} };
    if (fields.description !== undefined) {
      tool.description = expectString(fields.description, path, "description", meter);
    }
    tool.parameters = yield* checkSchema(fields.parameters, [...path, "parameters"], meter, schemas);
    tools.push(tool);
  }
  return tools;
}

/** `none` asks for no tool call, so it stands without tools; the others need the named tools. */
function checkToolChoice(value: unknown, tools: readonly ToolDefinition[] | undefined): ToolChoice {
  const choice: ToolChoice = isRecord(value)
    ? { name: toolName(expectObject(value, ["toolChoice"], ["name"], "a tool choice, { name }").name) }
    : expectOneOf(value, [], "toolChoice", ["auto", "none", "required"]);
  if (choice === "none") return choice;
  if (!tools || tools.length === 0) throw invalid(["toolChoice"], "needs tools: the request defines none");
  if (typeof choice === "object" && !tools.some((tool) => tool.name === choice.name)) {
    throw invalid(
      ["toolChoice", "name"],
      `"${choice.name}" is not one of the request's tools (${tools.map((tool) => tool.name).join(", ")})`,
    );
  }
  return choice;
}

function toolName(value: unknown): string {
  if (typeof value !== "string" || !toolNamePattern.regex.test(value)) {
    throw invalid(["toolChoice", "name"], `must be a tool name, ${toolNamePattern.description}`);
  }
  return value;
}

function* checkResponseFormat(value: unknown, meter: WorkMeter, schemas: Schemas): Checks<ResponseFormat> {
  if (!isRecord(value)) throw invalid(["responseFormat"], "must be an object with a `type`");
  const type = expectOneOf(value.type, ["responseFormat"], "type", ["text", "json_object", "json_schema"]);
  if (type !== "json_schema") {
    expectObject(value, ["responseFormat"], ["type"], `a ${type} response format`);
    return { type };
  }
  const fields = expectObject(
    value,
    ["responseFormat"],
    ["type", "schema", "name", "strict"],
    "a json_schema response format",
  );
  const format: ResponseFormat = { type, schema: {} };
  if (fields.name !== undefined) {
    format.name = expectString(fields.name, ["responseFormat"], "name", meter, { pattern: toolNamePattern });
  }
  if (fields.strict !== undefined) {
    if (typeof fields.strict !== "boolean")
      throw invalid(["responseFormat", "strict"], "must be true or false");
    format.strict = fields.strict;
  }
  format.schema = yield* checkSchema(fields.schema, ["responseFormat", "schema"], meter, schemas);
  return format;
}

/** Walks the schema now; ajv compiles it once every field has passed. */
function* checkSchema(
  value: unknown,
  path: FieldPath,
  meter: WorkMeter,
  schemas: Schemas,
): Checks<Record<string, never>> {
  const check = new JsonSchemaCheck(value, meter);
  const problem = yield* check.shape();
  if (problem) throw invalid([...path, ...problem.path], problem.message);
  schemas.push({ path, check });
  return value as Record<string, never>;
}

function checkTags(value: unknown, meter: WorkMeter): string[] {
  const tags: string[] = [];
  const seen = new Set<string>();
  const list = expectList(value, ["tags"], requestLimits.tags);
  for (let index = 0; index < list.length; index++) {
    const tag = expectString(list[index], ["tags"], index, meter, {
      minLength: 1,
      maxLength: requestLimits.tagLength,
      printable: true,
      visible: true,
    });
    // Each tag is a spend key: a repeated one would charge the call to it twice.
    if (seen.has(tag)) throw invalid(["tags", index], `repeats the tag "${tag}"`);
    seen.add(tag);
    tags.push(tag);
  }
  return tags;
}

function checkMetadata(value: unknown, meter: WorkMeter): Record<string, string> {
  if (!isRecord(value)) throw invalid(["metadata"], "must be an object of strings");
  const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
  if (entries.length > requestLimits.metadataEntries) {
    throw invalid(
      ["metadata"],
      `holds ${entries.length} entries; the limit is ${requestLimits.metadataEntries}`,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [key, entry] of entries) {
    expectString(key, ["metadata"], key, meter, {
      minLength: 1,
      maxLength: requestLimits.metadataKeyLength,
      printable: true,
    });
    metadata[key] = expectString(entry, ["metadata"], key, meter, {
      maxLength: requestLimits.metadataValueLength,
    });
  }
  return metadata;
}

/** Keys are provider ids or provider types of the policy's targets; each value is that adapter's (JSON) options. */
function* checkProviderOptions(
  value: unknown,
  context: RoutingContext,
  meter: WorkMeter,
): Checks<Record<string, Record<string, unknown>>> {
  if (!isRecord(value)) throw invalid(["providerOptions"], "must be an object keyed by provider id or type");
  const known = new Set<string>();
  for (const target of context.targets.values()) known.add(target.provider).add(target.providerType);
  const options: Record<string, Record<string, unknown>> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined) continue;
    const path = ["providerOptions", key];
    if (!known.has(key)) {
      throw invalid(
        path,
        `is neither a provider id nor a provider type of the policy${suggestion(key, known)} (known: ${[...known].sort().join(", ")})`,
      );
    }
    if (!isRecord(entry)) throw invalid(path, "must be an object of that provider's options");
    const problem = yield* new JsonWalker(meter, requestLimits.providerOptions).walk(entry, "data");
    if (problem) throw invalid([...path, ...problem.path], problem.message);
    options[key] = entry;
  }
  return options;
}

/** The targets of `route` and of every route its fallback chain reaches, each once. */
function chainTargets(context: RoutingContext, route: Route): string[] {
  const targets = new Set<string>();
  const visited = new Set<string>();
  for (let current: Route | undefined = route; current && !visited.has(current.name); ) {
    visited.add(current.name);
    for (const target of current.targets) targets.add(target);
    current = current.fallback ? context.routes.get(current.fallback) : undefined;
  }
  return [...targets];
}
