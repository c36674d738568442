import { EngineError } from "./engine-error.js";
import type { NativeEngine } from "./native-addon.js";
import { detectToolCallFormat, templateTakesTools } from "./tool-call-format.js";
import type { ChatTemplateMessage, EngineTool, ToolCallFormat } from "./types.js";

/** A model's chat template, ready to render synchronously. */
export interface ChatTemplate {
  render(
    messages: readonly ChatTemplateMessage[],
    addAssistant: boolean,
    tools?: readonly EngineTool[],
  ): string;
  /** Set when the template can list tools and its tool-call syntax is a known one. */
  toolCallFormat?: ToolCallFormat;
}

interface JinjaModule {
  Template: new (template: string) => { render(context: Record<string, unknown>): string };
}
type CompiledJinja = InstanceType<JinjaModule["Template"]>;

async function importJinja(): Promise<JinjaModule | undefined> {
  try {
    return (await import("@huggingface/jinja")) as JinjaModule;
  } catch {
    return undefined;
  }
}

/**
 * Renders the model's chat template: llama.cpp's built-in renderer when it recognizes the template
 * (ChatML, Llama 3, Mistral, … — no Jinja needed), else @huggingface/jinja when it is installed
 * (it comes with node-llama-cpp). Tools, and history with tool calls, need the template's own
 * Jinja source, since the built-in renderer knows only roles and contents. Prepared once at load,
 * so rendering is synchronous.
 */
export async function prepareChatTemplate(
  native: NativeEngine,
  template: string,
  specialTokens: { bos: string; eos: string },
): Promise<ChatTemplate | undefined> {
  if (template === "") return undefined;
  const builtin = native.applyChatTemplate(template, [{ role: "user", content: "x" }], true) !== null;
  const jinja = await importJinja();
  let compiled: CompiledJinja | undefined;
  if (jinja !== undefined) {
    try {
      compiled = new jinja.Template(template);
    } catch (error) {
      // As before tools: a template that neither renderer can take fails the load.
      if (!builtin) throw error;
    }
  }
  if (!builtin && compiled === undefined) return undefined;
  const toolCallFormat = compiled === undefined ? undefined : detectToolCallFormat(template);
  // Mistral's templates refuse call ids other than 9 letters or digits.
  const mistralIds = template.includes("[TOOL_CALLS]");

  const renderBuiltin = (messages: readonly ChatTemplateMessage[], addAssistant: boolean): string => {
    const plain = messages.map(({ role, content }) => ({ role, content }));
    const text = native.applyChatTemplate(template, plain, addAssistant);
    if (text === null) throw new EngineError("CHAT_TEMPLATE", "llama.cpp could not render the chat template");
    return text;
  };
  const renderJinja = (
    jinjaTemplate: CompiledJinja,
    messages: readonly ChatTemplateMessage[],
    addAssistant: boolean,
    tools: readonly EngineTool[] | undefined,
  ): string => {
    const context: Record<string, unknown> = {
      messages: jinjaMessages(messages, mistralIds),
      add_generation_prompt: addAssistant,
      bos_token: specialTokens.bos,
      eos_token: specialTokens.eos,
    };
    if (tools !== undefined) context.tools = jinjaTools(tools);
    try {
      return jinjaTemplate.render(context);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EngineError("CHAT_TEMPLATE", `the chat template failed to render: ${reason}`, {
        cause: error,
      });
    }
  };

  return {
    ...(toolCallFormat === undefined ? {} : { toolCallFormat }),
    render(messages, addAssistant, tools) {
      const withTools = tools !== undefined && tools.length > 0;
      if (withTools && toolCallFormat === undefined) {
        throw new EngineError("CHAT_TEMPLATE", whyNoTools(template, compiled !== undefined));
      }
      const callsInHistory = messages.some((message) => (message.toolCalls?.length ?? 0) > 0);
      const toolResults = messages.some((message) => message.toolCallId !== undefined);
      if (builtin && !withTools && !callsInHistory && (!toolResults || compiled === undefined)) {
        return renderBuiltin(messages, addAssistant);
      }
      if (compiled === undefined) {
        throw new EngineError(
          "CHAT_TEMPLATE",
          "the conversation has tool calls, which only the chat template's Jinja source can show, and @huggingface/jinja is not installed or cannot parse it",
        );
      }
      return renderJinja(compiled, messages, addAssistant, withTools ? tools : undefined);
    },
  };
}

function whyNoTools(template: string, jinja: boolean): string {
  if (!jinja) {
    return "tools need the chat template's Jinja source, and @huggingface/jinja is not installed or cannot parse it";
  }
  if (!templateTakesTools(template)) return "the model's chat template does not take tools";
  return "the chat template's tool-call syntax is not one this engine knows (hermes, llama3-json, mistral)";
}

/** Tools as Hugging Face chat templates take them (OpenAI's function-tool shape). */
function jinjaTools(tools: readonly EngineTool[]): Record<string, unknown>[] {
  return tools.map((tool, index) => {
    if (typeof tool?.name !== "string" || tool.name === "") {
      throw new EngineError("INVALID_ARGUMENT", `tools[${index}].name must be a non-empty string`);
    }
    const { name, description, parameters } = tool;
    return {
      type: "function",
      function: { name, ...(description === undefined ? {} : { description }), parameters },
    };
  });
}

/**
 * Messages as Hugging Face chat templates take them: assistant `tool_calls` with parsed arguments,
 * tool results with `tool_call_id` (and the called function's `name`, which some templates show).
 */
function jinjaMessages(
  messages: readonly ChatTemplateMessage[],
  mistralIds: boolean,
): Record<string, unknown>[] {
  const names = new Map<string, string>();
  const callId = mistralIds ? mistralCallId : (id: string) => id;
  return messages.map((message, index) => {
    const { role, content } = message;
    if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
      const toolCalls = message.toolCalls.map((call, callIndex) => {
        names.set(call.id, call.name);
        return {
          id: callId(call.id),
          type: "function",
          function: { name: call.name, arguments: parseArguments(call.arguments, index, callIndex) },
        };
      });
      return { role, content, tool_calls: toolCalls };
    }
    if (message.toolCallId !== undefined) {
      const name = names.get(message.toolCallId);
      return {
        role,
        content,
        tool_call_id: callId(message.toolCallId),
        ...(name === undefined ? {} : { name }),
      };
    }
    return { role, content };
  });
}

function parseArguments(text: string, messageIndex: number, callIndex: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `messages[${messageIndex}].toolCalls[${callIndex}].arguments is not JSON text`,
    );
  }
}

/** The id itself when it is 9 letters or digits, else 9 base-36 digits of a hash of it (stable). */
function mistralCallId(id: string): string {
  if (/^[a-zA-Z0-9]{9}$/.test(id)) return id;
  let low = 0x811c9dc5;
  let high = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    low = Math.imul(low ^ code, 0x01000193) >>> 0;
    high = Math.imul(high ^ code, 0x5bd1e995) >>> 0;
  }
  return (low.toString(36) + high.toString(36)).padStart(9, "0").slice(-9);
}
