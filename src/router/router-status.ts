import type { BreakerState, LoadMetrics, RateLimits, StrategyName } from "../core/index.js";
import type { RoutingContext } from "./routing-context.js";

/** One route of the policy in force. */
export interface RouteStatus {
  name: string;
  strategy: StrategyName;
  /** Target ids in order (a target served by several engines lists each replica). */
  targets: string[];
  fallback?: string;
  /** The route's daily budget, US dollars, when it has one. */
  dailyUsd?: number;
}

/** A target's health as the state store records it (in this process, or shared through Redis). */
export interface TargetHealthStatus {
  breaker: BreakerState;
  consecutiveFailures: number;
  /** Calls and failures in the breaker's window. */
  windowCalls: number;
  windowFailures: number;
  /** While ejected (outlier ejection), until when, ms since epoch. */
  ejectedUntil?: number;
  /** When the breaker opened, ms since epoch. */
  openedAt?: number;
}

/** A target's admission: its policy limits and what its limiter would make a call wait now. */
export interface TargetLimiterStatus {
  limits: RateLimits;
  /** How long a call would wait if it asked now, ms (0: admitted at once). */
  expectedWaitMs: number;
}

export interface TargetStatus {
  id: string;
  provider: string;
  model: string;
  /** The policy target this one is a replica of (`small` for `small@gpu1`). */
  group?: string;
  health: TargetHealthStatus;
  /** Live latency from real calls (`samples` decays with time); absent before the first one. */
  latency?: { ttftMs: number; ttftP95Ms: number; outputTokensPerSec: number; samples: number };
  /** Present when the target has rate limits or a concurrency limit. */
  limiter?: TargetLimiterStatus;
  /** Paused after a 429 (retry-after), until when, ms since epoch. */
  pausedUntil?: number;
  /** Calls this router has placed on the target and not finished. */
  inFlight: number;
  /** The engine's live load (the local engine reports it). */
  engine?: LoadMetrics;
}

/** `router.status()`: the policy's routes and each target's health, limiter and load, right now. */
export interface RouterStatus {
  /** When the state was read, ms since epoch. */
  at: number;
  defaultRoute: string;
  routes: RouteStatus[];
  targets: TargetStatus[];
}

/** Reads one store snapshot of every target and the live counters of the context in force. */
export async function routerStatus(context: RoutingContext): Promise<RouterStatus> {
  const targets = [...context.targets.values()];
  const snapshot = await context.store.snapshot(
    targets.map((target) => target.id),
    [],
  );
  return {
    at: snapshot.now,
    defaultRoute: context.defaultRoute,
    routes: [...context.routes.values()].map((route) => ({
      name: route.name,
      strategy: route.strategy,
      targets: [...route.targets],
      ...(route.fallback !== undefined ? { fallback: route.fallback } : {}),
      ...(route.budget?.dailyUsd !== undefined ? { dailyUsd: route.budget.dailyUsd } : {}),
    })),
    targets: targets.map((target): TargetStatus => {
      const health = snapshot.health.get(target.id);
      const latency = snapshot.latency.get(target.id);
      const pausedUntil = snapshot.pausedUntil?.get(target.id);
      const gate = context.gate(target.id);
      const engine = context.load(target.id);
      return {
        id: target.id,
        provider: target.provider,
        model: target.model,
        ...(target.group !== undefined ? { group: target.group } : {}),
        // A target the store has no record of has never failed: its breaker is closed.
        health: {
          breaker: health?.breaker ?? "closed",
          consecutiveFailures: health?.consecutiveFailures ?? 0,
          windowCalls: health?.windowCalls ?? 0,
          windowFailures: health?.windowFailures ?? 0,
          ...(health?.ejectedUntil !== undefined && health.ejectedUntil > snapshot.now
            ? { ejectedUntil: health.ejectedUntil }
            : {}),
          ...(health?.openedAt !== undefined ? { openedAt: health.openedAt } : {}),
        },
        ...(latency && latency.samples > 0
          ? {
              latency: {
                ttftMs: latency.ttftMs,
                ttftP95Ms: latency.ttftP95Ms,
                outputTokensPerSec: latency.outputTokensPerSec,
                samples: latency.samples,
              },
            }
          : {}),
        ...(gate ? { limiter: { limits: { ...target.limits }, expectedWaitMs: gate.expectedWaitMs() } } : {}),
        ...(pausedUntil !== undefined && pausedUntil > snapshot.now ? { pausedUntil } : {}),
        inFlight: context.occupancy.count(target.id),
        ...(engine ? { engine: { ...engine } } : {}),
      };
    }),
  };
}
