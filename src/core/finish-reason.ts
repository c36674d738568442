export type FinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";
