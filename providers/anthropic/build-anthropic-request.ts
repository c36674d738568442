import type {
  ToolChoice as AnthropicToolChoice,
  MessageCreateParamsBase,
  OutputConfig,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import {
  type CallOptions,
  InvalidRequestError,
  type JsonSchema,
  type ToolChoice,
} from "../../src/core/index.js";
import type { AnthropicModelProfile } from "./anthropic-capabilities.js";
import { parseAnthropicProviderOptions } from "./anthropic-provider-options.js";
import { toAnthropicMessages } from "./to-anthropic-messages.js";

/** Sampling fields that API version 2026-10-21 removed and 2023-06-01 still accepts. */
interface LegacySamplingParams {
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

export type AnthropicRequestParams = Omit<MessageCreateParamsBase, "stream"> & LegacySamplingParams;

export interface AnthropicRequest {
  params: AnthropicRequestParams;
  warnings: string[];
  /**
   * Set when JSON output is produced by a forced call of this tool (models without structured
   * outputs): its input is the answer, returned as text with finish reason "stop".
   */
  jsonToolName?: string;
}

export interface AnthropicRequestContext {
  model: string;
  profile: AnthropicModelProfile;
  /** The provider pins `anthropic-version: 2023-06-01`, the last version that takes sampling fields. */
  acceptsSampling: boolean;
}

const defaultJsonToolName = "json_response";

/** Builds the Messages API body for one attempt. Throws InvalidRequestError for what cannot be sent. */
export function buildAnthropicRequest(
  options: CallOptions,
  context: AnthropicRequestContext,
): AnthropicRequest {
  const { model, profile, acceptsSampling } = context;
  if (options.logprobs !== undefined) {
    throw new InvalidRequestError("logprobs", `anthropic:${model} returns no log-probs`);
  }
  const providerOptions = parseAnthropicProviderOptions(options.providerOptions);
  const warnings: string[] = [];
  const { system, messages } = toAnthropicMessages(options.messages);
  const params: AnthropicRequestParams = { model, max_tokens: options.maxTokens, messages };
  if (system !== undefined) params.system = system;
  if (options.stop && options.stop.length > 0) params.stop_sequences = options.stop;

  const sampling: Array<[keyof LegacySamplingParams, string, number | undefined]> = [
    ["temperature", "temperature", options.temperature],
    ["top_p", "topP", options.topP],
  ];
  for (const [wireName, name, value] of sampling) {
    if (value === undefined) continue;
    if (acceptsSampling) params[wireName] = value;
    else warnings.push(`${name} was not sent: Anthropic API version 2026-10-21 rejects sampling parameters`);
  }
  if (providerOptions.top_k !== undefined) {
    if (!acceptsSampling) {
      throw new InvalidRequestError(
        "providerOptions.anthropic.top_k",
        'Anthropic API version 2026-10-21 rejects it; pin "anthropic-version: 2023-06-01" in the provider\'s headers to send it',
      );
    }
    params.top_k = providerOptions.top_k;
  }
  if (options.seed !== undefined)
    warnings.push("seed was not sent: Anthropic does not support seeded sampling");
  if (providerOptions.metadata) params.metadata = providerOptions.metadata;
  if (providerOptions.thinking) params.thinking = providerOptions.thinking;
  if (providerOptions.service_tier) params.service_tier = providerOptions.service_tier;

  if (options.tools && options.tools.length > 0) {
    params.tools = options.tools.map(
      (tool): Tool => ({
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        input_schema: toInputSchema(tool.parameters),
      }),
    );
    if (options.toolChoice !== undefined) params.tool_choice = toToolChoice(options.toolChoice);
  }

  const outputConfig: OutputConfig = {};
  if (providerOptions.effort) outputConfig.effort = providerOptions.effort;
  let jsonToolName: string | undefined;
  const format = options.responseFormat;
  if (format?.type === "json_schema" && profile.structuredOutputs) {
    outputConfig.format = { type: "json_schema", schema: format.schema };
  } else if (format?.type === "json_schema" || format?.type === "json_object") {
    if (params.tools) {
      throw new InvalidRequestError(
        "responseFormat",
        `anthropic:${model} produces JSON through a forced tool call, which cannot be combined with tools`,
      );
    }
    if (params.thinking && params.thinking.type !== "disabled") {
      throw new InvalidRequestError(
        "providerOptions.anthropic.thinking",
        `anthropic:${model} produces JSON through a forced tool call, which the API does not allow with thinking`,
      );
    }
    jsonToolName = format.type === "json_schema" ? jsonToolNameFor(format.name) : defaultJsonToolName;
    const schema: JsonSchema = format.type === "json_schema" ? format.schema : { type: "object" };
    params.tools = [
      {
        name: jsonToolName,
        description: "Give the answer as this tool's input, a JSON value that conforms to its schema.",
        input_schema: toInputSchema(schema),
      },
    ];
    params.tool_choice = { type: "tool", name: jsonToolName };
  }
  if (Object.keys(outputConfig).length > 0) params.output_config = outputConfig;

  return { params, warnings, ...(jsonToolName === undefined ? {} : { jsonToolName }) };
}

function toToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  return { type: "tool", name: choice.name };
}

/** Tool input is always a JSON object; the request validator already checked `parameters`. */
function toInputSchema(schema: JsonSchema): Tool.InputSchema {
  return { ...schema, type: "object" };
}

/** Tool names allow [a-zA-Z0-9_-]{1,64}; a response-format name outside that gets the default. */
function jsonToolNameFor(name: string | undefined): string {
  return name !== undefined && /^[a-zA-Z0-9_-]{1,64}$/.test(name) ? name : defaultJsonToolName;
}
