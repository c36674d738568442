import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  SharedV3ProviderOptions,
} from "@ai-sdk/provider";
import type { CallOptions, Message } from "../../src/core/index.js";

/**
 * A router attempt as AI SDK call options, in what specifications v3 and v4 spell alike: text,
 * tool calls and text tool results. `providerOptions` (this provider's entry of the request's
 * `providerOptions`) is passed on as the AI SDK's, keyed by the package's own provider name:
 * `{ mistral: { safePrompt: true } }`.
 */
export function toAiSdkCallOptions(
  options: CallOptions,
  providerOptions: SharedV3ProviderOptions | undefined,
): LanguageModelV3CallOptions {
  const call: LanguageModelV3CallOptions = {
    prompt: toPrompt(options.messages),
    maxOutputTokens: options.maxTokens,
    abortSignal: options.signal,
  };
  if (options.temperature !== undefined) call.temperature = options.temperature;
  if (options.topP !== undefined) call.topP = options.topP;
  if (options.stop !== undefined) call.stopSequences = options.stop;
  if (options.seed !== undefined) call.seed = options.seed;
  if (options.tools && options.tools.length > 0) {
    call.tools = options.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: tool.parameters,
    }));
  }
  if (options.toolChoice !== undefined) {
    call.toolChoice =
      typeof options.toolChoice === "string"
        ? { type: options.toolChoice }
        : { type: "tool", toolName: options.toolChoice.name };
  }
  const format = options.responseFormat;
  if (format?.type === "json_object") call.responseFormat = { type: "json" };
  if (format?.type === "json_schema") {
    call.responseFormat = {
      type: "json",
      schema: format.schema,
      ...(format.name ? { name: format.name } : {}),
    };
  }
  if (providerOptions) call.providerOptions = providerOptions;
  return call;
}

function toPrompt(messages: readonly Message[]): LanguageModelV3Prompt {
  const toolNames = new Map<string, string>();
  return messages.map((message): LanguageModelV3Prompt[number] => {
    switch (message.role) {
      case "system":
        return { role: "system", content: message.content };
      case "user":
        return {
          role: "user",
          content:
            typeof message.content === "string"
              ? [{ type: "text", text: message.content }]
              : message.content.map((part) =>
                  part.type === "text"
                    ? { type: "text" as const, text: part.text }
                    : typeof part.image === "string"
                      ? { type: "file" as const, mediaType: "image/*", data: new URL(part.image) }
                      : { type: "file" as const, mediaType: part.image.mediaType, data: part.image.data },
                ),
        };
      case "assistant": {
        const content: Extract<LanguageModelV3Prompt[number], { role: "assistant" }>["content"] = [];
        if (message.content) content.push({ type: "text", text: message.content });
        for (const call of message.toolCalls ?? []) {
          toolNames.set(call.id, call.name);
          content.push({
            type: "tool-call",
            toolCallId: call.id,
            toolName: call.name,
            input: parseArguments(call.arguments),
          });
        }
        return { role: "assistant", content };
      }
      default:
        return {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: message.toolCallId,
              // Providers that send tool results by name (Google) need the name of the call answered.
              toolName: toolNames.get(message.toolCallId) ?? "",
              output: { type: "text", value: message.content },
            },
          ],
        };
    }
  });
}

/** The AI SDK passes a prompt's tool-call input as a value; a model's unparsable JSON stays text. */
function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
