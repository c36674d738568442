import type { Answer } from "../cache/cached-answer.js";
import {
  AbortedError,
  type CacheStatus,
  type ChatRequest,
  type ChatResult,
  type ProviderStreamPart,
  type Route,
  type RouteSelection,
  type RouteTrace,
} from "../core/index.js";
import { splitsSurrogatePair } from "../estimate/next-piece.js";
import type { PartSink } from "./part-sink.js";
import type { RoutingContext } from "./routing-context.js";

/** One call on a route with a response cache. */
export interface CachedCall {
  context: RoutingContext;
  /** The validated request, on its route and under the call's signal. */
  request: ChatRequest;
  route: Route;
  streaming: boolean;
  sink: PartSink;
  callId: string;
  selection?: RouteSelection;
}

/** A cached answer streams again in text deltas of at most this many characters. @default 4096 */
const replayChunkChars = 4096;

/**
 * A stored answer as this call's result: no attempt, no spend, no budget or rate limit touched;
 * the usage is what producing it took. A stream gets it again as parts, every one redacted.
 */
export async function serveHit(
  call: CachedCall,
  answer: Answer,
  entry: { storedAt: number; target: string; provider: string; model: string },
): Promise<ChatResult> {
  const { context, request, streaming, sink } = call;
  const scrubbed = context.secrets.scrub(answer);
  const trace: RouteTrace = {
    ...emptyTrace(call, "hit"),
    target: entry.target,
    provider: entry.provider,
    model: entry.model,
    cachedAt: entry.storedAt,
  };
  let delivered = "";
  if (request.signal?.aborted) throw aborted(call, request.signal.reason, delivered, trace);
  if (streaming) {
    for (const part of replayParts(scrubbed)) {
      await sink(part);
      if (part.type === "text-delta") delivered += part.text;
      if (request.signal?.aborted) throw aborted(call, request.signal.reason, delivered, trace);
    }
  }
  return { ...scrubbed, costUsd: 0, route: trace };
}

/**
 * The answer as a stream would have brought it: its reasoning, text deltas, its log-probs, then its
 * tool calls.
 */
function* replayParts(answer: Answer): Generator<ProviderStreamPart> {
  const { text } = answer;
  if (answer.reasoning) yield { type: "reasoning-delta", text: answer.reasoning };
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + replayChunkChars);
    if (splitsSurrogatePair(text, end)) end -= 1;
    yield { type: "text-delta", text: text.slice(start, end) };
    start = end;
  }
  if (answer.logprobs?.length) yield { type: "logprobs", logprobs: answer.logprobs };
  for (const [index, toolCall] of (answer.message.toolCalls ?? []).entries()) {
    yield { type: "tool-call", index, id: toolCall.id, name: toolCall.name, arguments: toolCall.arguments };
  }
}

export function emptyTrace(call: CachedCall, cache: CacheStatus): RouteTrace {
  return {
    callId: call.callId,
    route: call.route.name,
    ...(call.selection ? { selection: call.selection } : {}),
    ranked: [],
    attempts: [],
    rejected: [],
    cache,
  };
}

export function aborted(
  call: CachedCall,
  reason: unknown,
  partialText: string,
  trace?: RouteTrace,
): AbortedError {
  return new AbortedError({
    reason,
    partialText,
    usage: { inputTokens: 0, outputTokens: 0 },
    trace: trace ?? emptyTrace(call, "miss"),
  });
}
