import { EngineError } from "./engine-error.js";
import type { NativeEngine } from "./native-addon.js";
import type { ChatTemplateMessage } from "./types.js";

type Render = (messages: ChatTemplateMessage[], addAssistant: boolean) => string;

interface JinjaModule {
  Template: new (template: string) => { render(context: Record<string, unknown>): string };
}

/**
 * Renders the model's chat template: llama.cpp's built-in renderer when it recognizes the template
 * (ChatML, Llama 3, Mistral, … — no Jinja needed), else @huggingface/jinja when it is installed
 * (it comes with node-llama-cpp). Prepared once at load, so rendering is synchronous.
 */
export async function prepareChatTemplate(
  native: NativeEngine,
  template: string,
  specialTokens: { bos: string; eos: string },
): Promise<Render | undefined> {
  if (template === "") return undefined;
  if (native.applyChatTemplate(template, [{ role: "user", content: "x" }], true) !== null) {
    return (messages, addAssistant) => {
      const text = native.applyChatTemplate(template, messages, addAssistant);
      if (text === null)
        throw new EngineError("CHAT_TEMPLATE", "llama.cpp could not render the chat template");
      return text;
    };
  }
  let jinja: JinjaModule;
  try {
    jinja = (await import("@huggingface/jinja")) as JinjaModule;
  } catch {
    return undefined;
  }
  const compiled = new jinja.Template(template);
  return (messages, addAssistant) =>
    compiled.render({
      messages,
      add_generation_prompt: addAssistant,
      bos_token: specialTokens.bos,
      eos_token: specialTokens.eos,
    });
}
