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
  | "aborted";
