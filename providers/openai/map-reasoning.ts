/**
 * The reasoning text of a message or a delta, as compatible hosts send it: `reasoning_content`
 * (DeepSeek, vLLM, llama.cpp's server, SGLang) or `reasoning` (vLLM's newer name, Groq, OpenRouter).
 * OpenAI's own API returns no reasoning text. Anything but a string is not reasoning text.
 */
export function reasoningOf(message: object): string {
  if ("reasoning_content" in message && typeof message.reasoning_content === "string") {
    return message.reasoning_content;
  }
  if ("reasoning" in message && typeof message.reasoning === "string") return message.reasoning;
  return "";
}
