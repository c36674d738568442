import type { ChatCompletionCreateParamsBase } from "openai/resources/chat/completions";
import { type CallOptions, InvalidRequestError, type ResponseFormat } from "../../src/core/index.js";
import type { ChatModelSettings } from "./chat-model-settings.js";
import { type DroppableParam, isDroppableParam, needParams } from "./droppable-param.js";
import { mapMessages } from "./map-messages.js";
import { mapResponseFormat } from "./map-response-format.js";
import { mapToolChoice, mapTools } from "./map-tools.js";
import { parseProviderOptions } from "./provider-options.js";

/** The chat-completions body, widened for what compatible hosts take beyond OpenAI's schema. */
export type ChatRequestBody = Omit<ChatCompletionCreateParamsBase, "logprobs" | "stream"> & {
  /** An integer top-k on hosts with the "integer" log-prob wire (Together). */
  logprobs?: boolean | number;
  top_k?: number;
  min_p?: number;
  repetition_penalty?: number;
};

export interface ChatRequest {
  body: ChatRequestBody;
  warnings: string[];
}

/**
 * Normalized call options → the request body. A parameter the target drops is left out: with a
 * warning when optional, refused with an InvalidRequestError when it carries a need (log-probs,
 * tools, a response format), since sending the call without it would silently give the caller
 * something else.
 */
export function buildChatRequest(
  options: CallOptions,
  settings: ChatModelSettings,
  mode: "generate" | "stream",
): ChatRequest {
  const providerOptions = parseProviderOptions(
    settings.providerOptionsSchema,
    options.providerOptions,
    settings.provider,
  );
  const warnings: string[] = [];
  const body: ChatRequestBody = { model: settings.model, messages: mapMessages(options.messages) };

  const accepts = (param: DroppableParam, field: string): boolean => {
    if (!settings.dropParams.has(param)) return true;
    const reason = settings.dropReason(param);
    if (needParams.has(param)) throw new InvalidRequestError(field, reason);
    warnings.push(`${field} was not sent: ${reason}`);
    return false;
  };
  const offer = <K extends DroppableParam & keyof ChatRequestBody>(
    param: K,
    value: ChatRequestBody[K] | undefined,
    field: string,
  ): void => {
    if (value !== undefined && accepts(param, field)) body[param] = value;
  };

  body[settings.maxTokensParam] = options.maxTokens;
  offer("temperature", options.temperature, "temperature");
  offer("top_p", options.topP, "topP");
  offer("seed", options.seed, "seed");
  if (options.stop && options.stop.length > 0) offer("stop", options.stop, "stop");

  const tools = options.tools ?? [];
  if (tools.length > 0) {
    offer("tools", mapTools(tools), "tools");
    if (options.toolChoice !== undefined)
      offer("tool_choice", mapToolChoice(options.toolChoice), "toolChoice");
  } else if (options.toolChoice !== undefined && options.toolChoice !== "none") {
    throw new InvalidRequestError("toolChoice", "a tool choice needs at least one tool in tools");
  }

  if (options.responseFormat) {
    const format: ResponseFormat =
      options.responseFormat.type === "json_object" && settings.jsonObjectAsSchema
        ? { type: "json_schema", schema: { type: "object" } }
        : options.responseFormat;
    offer("response_format", mapResponseFormat(format), "responseFormat");
  }

  if (options.logprobs !== undefined) addLogprobs(options.logprobs, settings, offer);

  if (mode === "stream") offer("stream_options", { include_usage: true }, "stream usage reporting");

  for (const [key, value] of Object.entries(providerOptions)) {
    const field = `providerOptions.${settings.provider}.${key}`;
    if (value === undefined || !isDroppableParam(key)) continue;
    if (key === "parallel_tool_calls" && tools.length === 0) {
      warnings.push(`${field} was not sent: it applies only to calls with tools`);
      continue;
    }
    if (accepts(key, field)) Object.assign(body, { [key]: value });
  }
  return { body, warnings };
}

function addLogprobs(
  topK: number,
  settings: ChatModelSettings,
  offer: <K extends DroppableParam & keyof ChatRequestBody>(
    param: K,
    value: ChatRequestBody[K] | undefined,
    field: string,
  ) => void,
): void {
  if (settings.maxTopLogprobs !== undefined && topK > settings.maxTopLogprobs) {
    throw new InvalidRequestError(
      "logprobs",
      `${settings.provider}:${settings.model} returns at most ${settings.maxTopLogprobs} alternatives per token, ${topK} requested`,
    );
  }
  if (settings.logprobsWire === "integer") {
    // The integer form asks for alternatives too; the adapter trims them back to topK.
    offer("logprobs", Math.max(1, topK), "logprobs");
    return;
  }
  offer("logprobs", true, "logprobs");
  if (topK > 0) offer("top_logprobs", topK, "logprobs");
}
