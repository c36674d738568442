import type { ChatResult, FinishReason } from "../core/index.js";
import { EventLoopSlice } from "../estimate/event-loop-slice.js";
import { jsonFragments } from "../estimate/json-fragments.js";

/** A result without what belongs to one call (its trace and its cost). */
export type Answer = Omit<ChatResult, "route" | "costUsd">;

/** What the cache keeps of a result: the answer and who produced it, when. */
export interface CachedAnswer {
  v: 1;
  /** When it was stored, ms since epoch. */
  storedAt: number;
  target: string;
  provider: string;
  model: string;
  answer: Answer;
}

/** Answers ended this way are complete; "content-filter", "error" and "other" are never cached. */
const storableFinishes: ReadonlySet<FinishReason> = new Set(["stop", "length", "tool-calls"]);

/**
 * Why a successful result is not cached, or undefined when it may be: a content-filter refusal,
 * an answer that did not end normally, one stitched together after a stream broke
 * (`continueOnInterrupt`), or one without a target (nothing answered).
 */
export function unstorableReason(result: ChatResult): string | undefined {
  if (result.finishReason === "content-filter") return "a content-filter refusal";
  if (!storableFinishes.has(result.finishReason)) return `an answer that ended with "${result.finishReason}"`;
  if (result.route.attempts.some((attempt) => attempt.outcome === "interrupted")) {
    return "an answer continued after an interrupted stream";
  }
  if (!result.route.target || !result.route.provider || !result.route.model) return "no target answered";
  return undefined;
}

/**
 * The entry of a storable result as JSON, written in fragments that yield the event loop every
 * few ms (an answer with full log-probs can run to megabytes).
 */
export async function serializeAnswer(result: ChatResult, storedAt: number): Promise<string> {
  const { route, costUsd: _cost, ...answer } = result;
  const entry: CachedAnswer = {
    v: 1,
    storedAt,
    target: route.target ?? "",
    provider: route.provider ?? "",
    model: route.model ?? "",
    answer,
  };
  const parts: string[] = [];
  const slice = new EventLoopSlice();
  for (const fragment of jsonFragments(entry, "result")) {
    parts.push(fragment);
    if (slice.due) await slice.yield();
  }
  return parts.join("");
}

/**
 * A fresh copy of a stored entry, or undefined when the text is not one this version wrote (a
 * damaged value, another deployment's key): a miss, never a failed call.
 */
export function parseAnswer(text: string): CachedAnswer | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof entry !== "object" || entry === null) return undefined;
  const candidate = entry as Partial<CachedAnswer>;
  const answer = candidate.answer as Partial<Answer> | undefined;
  const valid =
    candidate.v === 1 &&
    typeof candidate.storedAt === "number" &&
    typeof candidate.target === "string" &&
    typeof candidate.provider === "string" &&
    typeof candidate.model === "string" &&
    typeof answer === "object" &&
    answer !== null &&
    typeof answer.text === "string" &&
    (answer.reasoning === undefined || typeof answer.reasoning === "string") &&
    typeof answer.finishReason === "string" &&
    typeof answer.message === "object" &&
    answer.message !== null &&
    typeof answer.usage === "object" &&
    answer.usage !== null &&
    Array.isArray(answer.warnings);
  return valid ? (entry as CachedAnswer) : undefined;
}
