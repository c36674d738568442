import type { ChatRequest, JsonSchema, ResponseFormat, ToolChoice, ToolDefinition } from "../core/index.js";
import { aiSdkErrors } from "./ai-sdk-errors.js";
import type { AnyCallOptions, Warning } from "./ai-sdk-spec.js";
import { headersWarning } from "./headers-warning.js";
import { type SwitchyardCallOptions, switchyardCallOptionsSchema } from "./switchyard-call-options.js";
import { toMessages } from "./to-messages.js";

/** The id under which AI SDK calls pass Switchyard's own settings: `providerOptions.switchyard`. */
export const providerOptionsKey = "switchyard";

/** Names the router accepts for a response format (the same rule as tool names). */
const formatName = /^[a-zA-Z0-9_-]{1,64}$/;

/** Settings of the AI SDK that no router request carries: warned about, never silently dropped. */
const unsupportedSettings = ["topK", "presencePenalty", "frequencyPenalty"] as const;

/**
 * One AI SDK call as a router request on `route`. `maxOutputTokens` becomes `maxTokens`,
 * `stopSequences` `stop`, a JSON response format `json_schema` (or `json_object` without a
 * schema), function tools `tools`; `providerOptions.switchyard` adds the routing fields.
 */
export async function toChatRequest(
  route: string,
  options: AnyCallOptions,
  warnings: Warning[],
): Promise<ChatRequest> {
  const request: ChatRequest = { route, messages: await toMessages(options.prompt, warnings) };
  if (options.maxOutputTokens !== undefined) request.maxTokens = options.maxOutputTokens;
  if (options.temperature !== undefined) request.temperature = options.temperature;
  if (options.topP !== undefined) request.topP = options.topP;
  if (options.stopSequences !== undefined) request.stop = options.stopSequences;
  if (options.seed !== undefined) request.seed = options.seed;
  if (options.abortSignal) request.signal = options.abortSignal;
  for (const setting of unsupportedSettings) {
    if (options[setting] !== undefined) warnings.push({ type: "unsupported", feature: setting });
  }
  const headers = headersWarning(options.headers);
  if (headers) warnings.push(headers);
  if ("reasoning" in options && options.reasoning !== undefined && options.reasoning !== "provider-default") {
    warnings.push({ type: "unsupported", feature: "reasoning" });
  }
  const format = toResponseFormat(options.responseFormat, warnings);
  if (format) request.responseFormat = format;
  if (options.tools && options.tools.length > 0) {
    request.tools = await toTools(options.tools);
    // `ai` 7 sends a choice ("auto") with no tools too; the router takes one only next to tools.
    if (options.toolChoice) request.toolChoice = toToolChoice(options.toolChoice);
  }
  return { ...request, ...(await routingOptions(options.providerOptions?.[providerOptionsKey])) };
}

function toResponseFormat(
  format: AnyCallOptions["responseFormat"],
  warnings: Warning[],
): ResponseFormat | undefined {
  if (!format || format.type === "text") return undefined;
  if (!format.schema) return { type: "json_object" };
  const result: ResponseFormat = { type: "json_schema", schema: format.schema as JsonSchema };
  if (format.name !== undefined) {
    if (formatName.test(format.name)) result.name = format.name;
    else {
      warnings.push({
        type: "other",
        message: `the response format's name "${format.name}" is not sent: names are 1–64 letters, digits, _ or -`,
      });
    }
  }
  return result;
}

async function toTools(tools: NonNullable<AnyCallOptions["tools"]>): Promise<ToolDefinition[]> {
  const definitions: ToolDefinition[] = [];
  for (const tool of tools) {
    if (tool.type !== "function") {
      const { UnsupportedFunctionalityError } = await aiSdkErrors();
      throw new UnsupportedFunctionalityError({
        functionality: `provider-defined tool "${tool.name}" (Switchyard routes function tools)`,
      });
    }
    definitions.push({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema as JsonSchema,
    });
  }
  return definitions;
}

function toToolChoice(choice: NonNullable<AnyCallOptions["toolChoice"]>): ToolChoice {
  return choice.type === "tool" ? { name: choice.toolName } : choice.type;
}

async function routingOptions(value: unknown): Promise<SwitchyardCallOptions> {
  if (value === undefined) return {};
  const parsed = switchyardCallOptionsSchema.safeParse(value);
  if (parsed.success) return parsed.data as SwitchyardCallOptions;
  const { InvalidArgumentError } = await aiSdkErrors();
  const issue = parsed.error.issues[0];
  throw new InvalidArgumentError({
    argument: `providerOptions.${providerOptionsKey}`,
    message: `providerOptions.${providerOptionsKey}${issue?.path.length ? `.${issue.path.join(".")}` : ""}: ${issue?.message ?? "invalid"}`,
  });
}
