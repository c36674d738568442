import type { Capabilities } from "../../src/core/index.js";
import type { DroppableParam, LogprobsWire } from "../openai/index.js";
import type { TokenizeWire } from "./host-tokenizer.js";
import type { OpenAICompatibleHost } from "./openai-compatible-config-schema.js";

/** How one OpenAI-compatible server differs from OpenAI. */
export interface HostPreset {
  /** Parameters the host rejects or silently ignores; kept off the wire. */
  dropParams: readonly DroppableParam[];
  capabilities: Partial<Capabilities>;
  maxTokensParam: "max_completion_tokens" | "max_tokens";
  logprobsWire: LogprobsWire;
  /** Largest top-k of log-prob alternatives the host returns. */
  maxTopLogprobs?: number;
  /** The server's own tokenize endpoint, used for priced targets' cost estimates (see `HostTokenizer`). */
  tokenize?: TokenizeWire;
  /** `json_object` is sent as the schema `{ "type": "object" }` (see ChatModelSettings). */
  jsonObjectAsSchema?: boolean;
  /**
   * Whether the server's `GET /props` says what the loaded model's chat template can do (tools):
   * read once per model when the router builds its targets.
   */
  readsProps?: boolean;
}

/** Open-model samplers outside OpenAI's schema. */
const samplers: readonly DroppableParam[] = ["top_k", "min_p", "repetition_penalty"];

const base = { streaming: true, local: false } as const;

/**
 * What each host does not support, from its own documentation:
 * - groq (console.groq.com/docs/openai): `logprobs`, `top_logprobs`, `logit_bias` are rejected
 *   with a 400; `n` must be 1 (never sent); no open-model samplers. Reads `max_completion_tokens`.
 * - ollama (docs/api/openai-compatibility): no log-probs on /v1, `tool_choice`, `logit_bias`,
 *   `user`, `n` unsupported; unknown fields are ignored silently, so samplers and
 *   `parallel_tool_calls` are listed to be warned about.
 * - llamacpp (llama-server): OpenAI-format log-probs since b4300 (pre-sampling probabilities);
 *   `repeat_penalty` is its name for `repetition_penalty`; `user` is ignored; `/apply-template`
 *   and `/tokenize` count a prompt as the server does. Tools are claimed
 *   only when `/props` reports `chat_template_caps.supports_tools` (a server started without
 *   `--jinja`, or a template without tools such as plain ChatML, ignores or refuses them), or when
 *   the target declares `tools: true`. `json_object` without a schema is unconstrained there, so
 *   it goes out as the schema `{ "type": "object" }`, which the server enforces with a grammar.
 * - vllm: the full parameter set plus samplers; log-probs up to the server's `max_logprobs`
 *   (default 20); `/tokenize` counts a chat prompt with the model's template.
 * - fireworks (docs.fireworks.ai/tools-sdks/openai-compatibility): `presence_penalty` and
 *   `frequency_penalty` not supported; at most 5 log-prob alternatives.
 * - together (its OpenAPI spec): `logprobs` is an integer top-k from 0 to 20, answered as
 *   `{ tokens, token_logprobs, top_logprobs }` — the "integer" wire.
 * - generic: nothing dropped and nothing claimed; the policy's target declares what it can do.
 * OpenAI-only settings (`service_tier`, `store`, …) are not accepted in these hosts'
 * providerOptions at all, and `n` is never sent, so neither needs listing.
 */
export const hostPresets: Readonly<Record<OpenAICompatibleHost, HostPreset>> = {
  groq: {
    dropParams: ["logprobs", "top_logprobs", "logit_bias", ...samplers],
    capabilities: { ...base, logprobs: 0, tools: true, jsonSchema: false },
    maxTokensParam: "max_completion_tokens",
    logprobsWire: "openai",
  },
  ollama: {
    dropParams: [
      "logprobs",
      "top_logprobs",
      "tool_choice",
      "logit_bias",
      "user",
      "parallel_tool_calls",
      ...samplers,
    ],
    capabilities: { ...base, logprobs: 0, tools: true, jsonSchema: true },
    maxTokensParam: "max_tokens",
    logprobsWire: "openai",
  },
  llamacpp: {
    dropParams: ["user", "repetition_penalty"],
    capabilities: { ...base, logprobs: 20, tools: false, jsonSchema: true },
    maxTokensParam: "max_tokens",
    logprobsWire: "openai",
    maxTopLogprobs: 20,
    tokenize: "llamacpp",
    jsonObjectAsSchema: true,
    readsProps: true,
  },
  vllm: {
    dropParams: [],
    capabilities: { ...base, logprobs: 20, tools: true, jsonSchema: true },
    maxTokensParam: "max_tokens",
    logprobsWire: "openai",
    maxTopLogprobs: 20,
    tokenize: "vllm",
  },
  fireworks: {
    dropParams: ["presence_penalty", "frequency_penalty"],
    capabilities: { ...base, logprobs: 5, tools: true, jsonSchema: true },
    maxTokensParam: "max_tokens",
    logprobsWire: "openai",
    maxTopLogprobs: 5,
  },
  together: {
    dropParams: [],
    capabilities: { ...base, logprobs: 20, tools: true, jsonSchema: true },
    maxTokensParam: "max_tokens",
    logprobsWire: "integer",
    maxTopLogprobs: 20,
  },
  generic: {
    dropParams: [],
    capabilities: { ...base, logprobs: 0, tools: false, jsonSchema: false },
    maxTokensParam: "max_tokens",
    logprobsWire: "openai",
  },
};

export const openaiCompatibleHosts = Object.keys(hostPresets) as OpenAICompatibleHost[];
