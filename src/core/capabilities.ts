/** What a target can do. Needs a request names (log-probs, tools, JSON schema) are matched against it. */
export interface Capabilities {
  /** Largest top-k of log-prob alternatives it returns; 0 when it returns no log-probs. */
  logprobs: number;
  tools: boolean;
  jsonSchema: boolean;
  streaming: boolean;
  /** Takes image parts in user messages; a request with an image goes only to such targets. */
  vision: boolean;
  /** Largest inline image it takes, in decoded bytes; absent: no limit below the request's own. */
  maxImageBytes?: number;
  /** Prompt plus output tokens. */
  contextWindow: number;
  maxOutputTokens?: number;
  /** Runs on this host or on a provider declared local: eligible for `local-only`. */
  local: boolean;
  /** The provider declares it does not train on the data: eligible for `no-training`. */
  noTraining: boolean;
}
