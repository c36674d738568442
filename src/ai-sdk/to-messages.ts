import type { Message, ToolCall, UserContentPart } from "../core/index.js";
import { aiSdkErrors } from "./ai-sdk-errors.js";
import type { AnyPrompt, Warning } from "./ai-sdk-spec.js";
import { toImagePart } from "./to-image-part.js";

type PromptMessage = AnyPrompt[number];
type ToolResultOutput = Extract<
  Extract<PromptMessage, { role: "tool" }>["content"][number],
  { type: "tool-result" }
>["output"];

/**
 * The AI SDK's prompt as router messages. Text is taken as it is; image files of user messages
 * become image parts (see `toImagePart`); reasoning of earlier assistant turns is left out (with a
 * warning: no target takes it back); anything the router cannot send (other files, files in
 * assistant turns and tool results, provider-executed tool results) is an
 * `UnsupportedFunctionalityError`, never a silent drop.
 */
export async function toMessages(prompt: AnyPrompt, warnings: Warning[]): Promise<Message[]> {
  const messages: Message[] = [];
  let droppedReasoning = false;
  for (const [index, message] of prompt.entries()) {
    switch (message.role) {
      case "system":
        messages.push({ role: "system", content: message.content });
        break;
      case "user": {
        const parts: UserContentPart[] = [];
        for (const [position, part] of message.content.entries()) {
          if (part.type === "text") parts.push({ type: "text", text: part.text });
          else if (part.type === "file")
            parts.push(await toImagePart(part, `prompt[${index}].content[${position}]`));
          else return unsupported(`${(part as { type: string }).type} parts in user messages`);
        }
        // Text alone stays one string, as before images were taken.
        const textOnly = parts.every((part) => part.type === "text");
        const content = textOnly ? parts.map((part) => part.text).join("") : parts;
        messages.push({ role: "user", content });
        break;
      }
      case "assistant": {
        let content = "";
        const toolCalls: ToolCall[] = [];
        for (const part of message.content) {
          if (part.type === "text") content += part.text;
          else if (part.type === "reasoning") droppedReasoning = true;
          else if (part.type === "tool-call") {
            const input = typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {});
            toolCalls.push({ id: part.toolCallId, name: part.toolName, arguments: input });
          } else return unsupported(`${part.type} parts in assistant messages`);
        }
        messages.push({ role: "assistant", content, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
        break;
      }
      case "tool":
        for (const part of message.content) {
          // Approvals are settled by the AI SDK before it calls the model again; no target reads them.
          if (part.type === "tool-approval-response") continue;
          messages.push({
            role: "tool",
            toolCallId: part.toolCallId,
            content: await toolResultText(part.output),
          });
        }
        break;
    }
  }
  if (droppedReasoning) {
    warnings.push({ type: "other", message: "reasoning parts of earlier assistant messages are not sent" });
  }
  return messages;
}

async function toolResultText(output: ToolResultOutput): Promise<string> {
  switch (output.type) {
    case "text":
    case "error-text":
      return output.value;
    case "json":
    case "error-json":
      return JSON.stringify(output.value);
    case "execution-denied":
      return output.reason ?? "The tool call was denied.";
    case "content": {
      let text = "";
      for (const part of output.value) {
        if (part.type !== "text") return unsupported(`${part.type} parts in tool results`);
        text += part.text;
      }
      return text;
    }
  }
}

async function unsupported(functionality: string): Promise<never> {
  const { UnsupportedFunctionalityError } = await aiSdkErrors();
  throw new UnsupportedFunctionalityError({
    functionality: `${functionality} (Switchyard routes text, images in user messages, tool calls and tool results)`,
  });
}
