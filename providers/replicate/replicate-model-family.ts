import {
  genericTemplate,
  llama2Template,
  llama3Template,
  mistralTemplate,
  type PromptTemplate,
} from "./prompt-templates.js";

/** How the adapter talks to one family of hosted open models. */
export interface ReplicateModelFamily {
  name: string;
  template: PromptTemplate;
  /** The input that caps generated tokens (`max_tokens` on newer models, `max_new_tokens` on older ones). */
  maxTokensInput: "max_tokens" | "max_new_tokens";
  /**
   * The model wraps `prompt` in its own `prompt_template` unless told otherwise. The adapter
   * renders the whole conversation itself and sends `prompt_template: "{prompt}"` to turn that off.
   */
  serverTemplate: boolean;
  /** The system prompt travels as the `system_prompt` input instead of inside the prompt. */
  systemPromptInput: boolean;
  /**
   * Stop sequences the model's default `stop_sequences` holds: a caller's stops replace that
   * input, so these are sent along with them.
   */
  defaultStops: readonly string[];
  /** Prompt plus output tokens; unknown for the generic family. */
  contextWindow?: number;
}

const llama3Stops = ["<|end_of_text|>", "<|eot_id|>"] as const;

/** Matched against the model's name (owner/name, without a version), first match wins. */
const families: ReadonlyArray<{ pattern: RegExp; family: ReplicateModelFamily }> = [
  {
    pattern: /meta-llama-3\.\d+-\d+b-instruct$/,
    family: {
      name: "llama-3.1",
      template: llama3Template,
      maxTokensInput: "max_tokens",
      serverTemplate: true,
      systemPromptInput: false,
      defaultStops: llama3Stops,
      contextWindow: 131_072,
    },
  },
  {
    pattern: /meta-llama-3-\d+b-instruct$/,
    family: {
      name: "llama-3",
      template: llama3Template,
      maxTokensInput: "max_tokens",
      serverTemplate: true,
      systemPromptInput: false,
      defaultStops: llama3Stops,
      contextWindow: 8_192,
    },
  },
  {
    pattern: /llama-2-\d+b-chat$/,
    family: {
      name: "llama-2-chat",
      template: llama2Template,
      maxTokensInput: "max_new_tokens",
      serverTemplate: true,
      systemPromptInput: false,
      defaultStops: [],
      contextWindow: 4_096,
    },
  },
  {
    pattern: /mi[sx]tral-[\w.-]*instruct[\w.-]*$/,
    family: {
      name: "mistral-instruct",
      template: mistralTemplate,
      maxTokensInput: "max_new_tokens",
      serverTemplate: true,
      systemPromptInput: false,
      defaultStops: [],
      contextWindow: 32_768,
    },
  },
];

const generic: ReplicateModelFamily = {
  name: "generic",
  template: genericTemplate,
  maxTokensInput: "max_tokens",
  serverTemplate: false,
  systemPromptInput: true,
  defaultStops: [],
};

/** The family of a Replicate model reference ("owner/name" or "owner/name:version"). */
export function replicateModelFamily(model: string): ReplicateModelFamily {
  const name = model.split(":")[0] ?? model;
  return families.find((entry) => entry.pattern.test(name))?.family ?? generic;
}
