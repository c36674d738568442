import type { FinishReason } from "./finish-reason.js";
import type { TokenLogprob } from "./logprobs.js";
import type { AssistantMessage } from "./messages.js";
import type { RouteTrace } from "./route-trace.js";
import type { Usage } from "./usage.js";

export interface ChatResult {
  text: string;
  message: AssistantMessage;
  finishReason: FinishReason;
  usage: Usage;
  /** Cost of every billed or possibly billed attempt of this call, in US dollars. */
  costUsd: number;
  logprobs?: TokenLogprob[];
  route: RouteTrace;
  /** Non-fatal notes, e.g. an optional setting a provider ignores. */
  warnings: string[];
}
