/** Why a provider call failed. Decides retry and fallback. */
export type ErrorKind =
  | "rate_limit"
  | "overloaded"
  | "server"
  | "network"
  | "timeout"
  | "auth"
  | "bad_request"
  | "not_found"
  | "context_length"
  | "content_filter"
  | "quota"
  /** The stream ended without its terminal event. */
  | "truncated"
  /** The provider sent something that could not be decoded (malformed JSON, unknown shape). */
  | "invalid_response"
  /**
   * The answer does not satisfy the request: a JSON-schema or JSON-object answer that does not
   * parse or match, a required tool call missing, tool arguments that fail their schema, or a
   * tool call cut off by `maxTokens` (`InvalidOutputError`).
   */
  | "invalid_output"
  | "aborted";
