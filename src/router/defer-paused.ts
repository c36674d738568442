import type { Candidate, PausedTarget, StateSnapshot } from "../core/index.js";
import type { RoutingContext } from "./routing-context.js";

/** The ranking with paused and over-limit targets moved behind the ones that can answer now. */
export interface DeferredRanking {
  ranked: Candidate[];
  /** The targets moved back (or, when none can answer now, waited on), until when. */
  paused: PausedTarget[];
}

/**
 * A target paused by a 429 (shared through the state store) or whose own limiter would hold the
 * call (rpm, tpm, concurrency) is not waited on while another ranked target can take the call
 * now: it goes to the back of the ranking, so it is tried only once the others failed. When no
 * target can answer now, the one free soonest comes first and the call waits on it (the
 * rate-limit policy already removed the ones whose wait outlasts the deadline or an SLO).
 */
export function deferPaused(
  context: RoutingContext,
  ranked: readonly Candidate[],
  snapshot: StateSnapshot,
): DeferredRanking {
  const now = snapshot.now;
  const busy = new Map<Candidate, PausedTarget>();
  for (const candidate of ranked) {
    const id = candidate.target.id;
    const pausedUntil = snapshot.pausedUntil?.get(id) ?? 0;
    const limiterWaitMs = context.gate(id)?.expectedWaitMs() ?? 0;
    if (pausedUntil <= now && limiterWaitMs <= 0) continue;
    const retryAfter = pausedUntil >= now + limiterWaitMs;
    busy.set(candidate, {
      target: id,
      until: retryAfter ? pausedUntil : Math.ceil(now + limiterWaitMs),
      reason: retryAfter ? "retry-after" : "rate-limit",
      action: "skipped",
    });
  }
  if (busy.size === 0) return { ranked: [...ranked], paused: [] };
  const ready = ranked.filter((candidate) => !busy.has(candidate));
  const waiting = ranked.filter((candidate) => busy.has(candidate));
  const paused = waiting.map((candidate) => busy.get(candidate) as PausedTarget);
  if (ready.length > 0) return { ranked: [...ready, ...waiting], paused };
  waiting.sort((a, b) => (busy.get(a)?.until ?? 0) - (busy.get(b)?.until ?? 0));
  for (const entry of paused) entry.action = "waited";
  return { ranked: waiting, paused: waiting.map((candidate) => busy.get(candidate) as PausedTarget) };
}
