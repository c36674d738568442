import { type CallOptions, InvalidRequestError, type JsonValue } from "../../src/core/index.js";
import { toChatTranscript } from "./chat-turns.js";
import type { ReplicateModelFamily } from "./replicate-model-family.js";
import { parseReplicateProviderOptions } from "./replicate-provider-options.js";

export interface ReplicateInput {
  input: Record<string, JsonValue>;
  /** The rendered prompt (and system prompt), for estimating usage when the model reports none. */
  promptText: string;
  warnings: string[];
}

/** Builds a prediction's `input` for a chat call. */
export function buildReplicateInput(
  options: CallOptions,
  family: ReplicateModelFamily,
  model: string,
): ReplicateInput {
  if (options.logprobs !== undefined) {
    throw new InvalidRequestError("logprobs", `replicate:${model} returns no log-probs`);
  }
  if (options.tools && options.tools.length > 0) {
    throw new InvalidRequestError("tools", `replicate:${model} takes no tool definitions`);
  }
  if (options.responseFormat && options.responseFormat.type !== "text") {
    throw new InvalidRequestError("responseFormat", `replicate:${model} cannot guarantee JSON output`);
  }
  const providerOptions = parseReplicateProviderOptions(options.providerOptions);
  const warnings: string[] = [];
  const transcript = toChatTranscript(options.messages);
  const useSystemInput = family.systemPromptInput && transcript.system.length > 0;
  const prompt = family.template(transcript);
  const input: Record<string, JsonValue> = { prompt, [family.maxTokensInput]: options.maxTokens };
  if (family.serverTemplate) input.prompt_template = "{prompt}";
  if (useSystemInput) input.system_prompt = transcript.system;
  if (options.temperature !== undefined) input.temperature = options.temperature;
  if (options.topP !== undefined) input.top_p = options.topP;
  if (options.seed !== undefined) input.seed = options.seed;

  if (options.stop && options.stop.length > 0) {
    // Replicate's language models take one comma-separated string, so a comma cannot be sent.
    const sendable = options.stop.filter((stop) => !stop.includes(","));
    for (const stop of options.stop.filter((entry) => entry.includes(","))) {
      warnings.push(
        `stop sequence ${JSON.stringify(stop)} was not sent: Replicate separates stop sequences by commas`,
      );
    }
    if (sendable.length > 0)
      input.stop_sequences = [...new Set([...family.defaultStops, ...sendable])].join(",");
  }
  Object.assign(input, providerOptions.input);
  return { input, promptText: useSystemInput ? `${transcript.system}\n${prompt}` : prompt, warnings };
}
