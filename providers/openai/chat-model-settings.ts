import type OpenAI from "openai";
import type { Capabilities } from "../../src/core/index.js";
import type { ResponseRedactor } from "../shared/index.js";
import type { DroppableParam } from "./droppable-param.js";
import type { ChatProviderOptionsSchema } from "./provider-options.js";

/** How a host takes and returns log-probs. */
export type LogprobsWire =
  /** `logprobs: true` + `top_logprobs: k`; answers in `choice.logprobs.content[]` (OpenAI, vLLM, llama.cpp). */
  | "openai"
  /** `logprobs: k` as an integer; answers as `{ tokens, token_logprobs, top_logprobs }` (Together). */
  | "integer";

/**
 * Everything that makes the one chat adapter speak to OpenAI or to a compatible host. The
 * OpenAI factory and the OpenAI-compatible factory differ only in these values.
 */
export interface ChatModelSettings {
  /** The provider's id in the policy, e.g. "openai" or "together"; names it in messages and errors. */
  provider: string;
  model: string;
  client: OpenAI;
  capabilities: Partial<Capabilities>;
  /** Parameters kept off the wire: optional ones with a warning, needs refused. */
  dropParams: ReadonlySet<DroppableParam>;
  /** Why each dropped parameter is dropped, for warnings and errors, e.g. "groq does not support it". */
  dropReason: (param: DroppableParam) => string;
  /** OpenAI deprecated `max_tokens` (reasoning models reject it); most compatible hosts only read it. */
  maxTokensParam: "max_completion_tokens" | "max_tokens";
  logprobsWire: LogprobsWire;
  /** Largest top-k the host returns; a larger request is refused. @default no limit known */
  maxTopLogprobs?: number;
  /**
   * `json_object` goes out as a JSON schema `{ "type": "object" }`: for hosts that leave
   * `json_object` unconstrained but honour a schema (llama.cpp's server). @default false
   */
  jsonObjectAsSchema?: boolean;
  providerOptionsSchema: ChatProviderOptionsSchema;
  /** Redacts everything taken from a response: results, stream parts, errors. */
  redactor: ResponseRedactor;
  /** The raw body of an error response, captured before the SDK parses it (see capture-error-bodies.ts). */
  errorBody: (headers: unknown) => Promise<string | undefined>;
}
