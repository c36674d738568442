import {
  type ChatRequest,
  type FinishReason,
  InvalidOutputError,
  type InvalidOutputReason,
  type JsonSchema,
  type OutputViolation,
  type ToolCall,
} from "../core/index.js";
import { compileJsonSchema, type JsonTextValidation } from "./compile-json-schema.js";

/** The answer of one attempt, as the output check sees it. */
export interface AnswerToCheck {
  /** The whole answer's text (with a continued stream's earlier text), secrets redacted. */
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason | undefined;
  provider: string;
  model: string;
  target: string;
  requestId?: string | undefined;
}

/** What `json_object` asks for, checked like any schema. */
const objectSchema: JsonSchema = { type: "object" };

/**
 * Holds an attempt's answer to what the request demands, and throws `InvalidOutputError` where it
 * falls short:
 * - a tool call cut off by `maxTokens` (finish `length` with a call): `length`, never text;
 * - `toolChoice` "required" without a call, or a named tool without a call of it: `missing_tool_call`;
 * - a call of a tool the request does not define: `unknown_tool`; arguments that are not JSON or
 *   fail the tool's `parameters`: `invalid_tool_arguments`;
 * - `responseFormat` `json_schema` / `json_object` (when the answer is text, not tool calls): not
 *   JSON, not an object, or not matching the schema — `length` when the answer was cut off.
 * Parsing and validation run in the schema compiler's thread (each schema compiled once and
 * cached), so a large answer never blocks the event loop. Returns the JSON text whose value is the
 * result's `object`, when the request asked for JSON.
 */
export async function checkOutput(
  request: ChatRequest,
  answer: AnswerToCheck,
): Promise<{ jsonText?: string }> {
  const fail = (reason: InvalidOutputReason, detail: string, extra: FailureExtra = {}) =>
    new InvalidOutputError({
      reason,
      detail,
      provider: answer.provider,
      model: answer.model,
      target: answer.target,
      text: answer.text,
      finishReason: answer.finishReason ?? "other",
      toolCalls: answer.toolCalls,
      ...(answer.requestId ? { requestId: answer.requestId } : {}),
      ...extra,
    });
  // A refusal is the content-filter rule's to handle, not a malformed answer.
  if (answer.finishReason === "content-filter") return {};
  const calls = answer.toolCalls;
  if (answer.finishReason === "length" && calls.length > 0) {
    const last = calls.at(-1) as ToolCall;
    throw fail("length", `the tool call ${last.name || "(unnamed)"} was cut off by maxTokens`, {
      toolCall: last,
    });
  }
  const tools = request.tools ?? [];
  const choice = request.toolChoice;
  if (tools.length > 0 && choice === "required" && calls.length === 0) {
    throw fail("missing_tool_call", 'toolChoice is "required" but the answer calls no tool');
  }
  if (typeof choice === "object" && !calls.some((call) => call.name === choice.name)) {
    throw fail("missing_tool_call", `toolChoice names ${choice.name} but the answer does not call it`);
  }
  for (const call of calls) {
    const tool = tools.find((candidate) => candidate.name === call.name);
    if (!tool) {
      const known = tools.map((candidate) => candidate.name).join(", ") || "none";
      throw fail(
        "unknown_tool",
        `it calls ${call.name || "(unnamed)"}, not a tool of the request (${known})`,
        {
          toolCall: call,
        },
      );
    }
    // Some hosts send no text at all for a call without arguments.
    const checked = await validateText(tool.parameters, call.arguments.trim() === "" ? "{}" : call.arguments);
    if (checked.valid) continue;
    if ("unparsable" in checked) {
      throw fail(
        "invalid_tool_arguments",
        `the arguments of ${call.name} are not JSON: ${checked.unparsable}`,
        {
          toolCall: call,
        },
      );
    }
    throw fail("invalid_tool_arguments", `the arguments of ${call.name} do not match its parameters schema`, {
      toolCall: call,
      violations: checked.errors,
    });
  }
  const format = request.responseFormat;
  if (!format || format.type === "text" || calls.length > 0) return {};
  const cut = answer.finishReason === "length";
  const schema = format.type === "json_schema" ? format.schema : objectSchema;
  const checked = await validateText(schema, answer.text);
  if (checked.valid) return { jsonText: answer.text };
  if ("unparsable" in checked) {
    throw cut
      ? fail("length", "the JSON answer was cut off by maxTokens")
      : fail("not_json", `the answer is not JSON: ${checked.unparsable}`);
  }
  if (cut) throw fail("length", "the JSON answer was cut off by maxTokens", { violations: checked.errors });
  if (format.type === "json_object") throw fail("not_object", "the answer is JSON but not an object");
  throw fail("schema_mismatch", "the answer does not match the response format's schema", {
    violations: checked.errors,
  });
}

type FailureExtra = { toolCall?: ToolCall; violations?: OutputViolation[] };

/** Request validation compiled every schema, so this is a cache hit but after an eviction. */
async function validateText(schema: JsonSchema, text: string): Promise<JsonTextValidation> {
  const compilation = await compileJsonSchema(schema);
  if (!compilation.ok) {
    return { valid: false, errors: [{ pointer: "", message: `the schema ${compilation.problem.message}` }] };
  }
  return compilation.schema.validateText(text);
}
