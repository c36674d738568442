import type { CallOptions, ChatRequest, Message, Target } from "../core/index.js";

/** @default 1024 — output tokens when the request names no `maxTokens` */
export const defaultMaxTokens = 1024;

/** The normalized options one attempt sends to a target's adapter (without its signal). */
export function buildCallOptions(
  request: ChatRequest,
  target: Target,
  continuation: string,
): Omit<CallOptions, "signal"> {
  const messages: Message[] = continuation
    ? [...request.messages, { role: "assistant", content: continuation }]
    : request.messages;
  const providerOptions =
    request.providerOptions?.[target.provider] ?? request.providerOptions?.[target.providerType];
  return {
    messages,
    maxTokens:
      request.maxTokens ??
      Math.min(defaultMaxTokens, target.capabilities.maxOutputTokens ?? defaultMaxTokens),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.stop ? { stop: request.stop } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}),
    ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
    ...(request.logprobs ? { logprobs: request.logprobs.topK } : {}),
    ...(providerOptions ? { providerOptions } : {}),
  };
}
