import type { RouterEvent } from "../router/routing-context.js";

/** One step of a call's route trace: an attempt on a target, or a move to another route. */
export type TraceStep =
  | {
      type: "attempt";
      target: string;
      attempt: number;
      outcome: string;
      ms: number;
      costUsd: number;
      status?: number;
      errorKind?: string;
      hedge?: boolean;
    }
  | { type: "fallback"; from: string; to: string; reason: string };

/** A call as the dashboard lists it; every string came through the router's secret redactor. */
export interface RecentCall {
  callId: string;
  /** When it started, ms since epoch. */
  startedAt: number;
  route: string;
  streaming: boolean;
  /** The virtual key it was made with, when the gateway has keys. */
  key?: string;
  tags: string[];
  metadata: Record<string, string>;
  /** Absent while the call runs. */
  outcome?: "success" | "error" | "aborted";
  target?: string;
  provider?: string;
  model?: string;
  latencyMs?: number;
  ttftMs?: number;
  costUsd?: number;
  usage?: { inputTokens: number; outputTokens: number };
  error?: string;
  trace: TraceStep[];
  /** Steps past the first 32, counted and not kept. */
  moreSteps?: number;
}

/** Steps kept per call: a call walking a long chain keeps its first ones (the rest are counted). */
const maxSteps = 32;
/** Calls started and not ended that are tracked at once; beyond it the oldest is forgotten. */
const maxRunning = 10_000;

/**
 * The last calls, with their route traces, fed by the router's events: a bounded ring of ended
 * calls plus the calls running now. Memory is bounded by `capacity`, `maxRunning` and `maxSteps`.
 */
export class RecentCalls {
  #capacity: number;
  readonly #ended: RecentCall[] = [];
  readonly #running = new Map<string, RecentCall>();
  /** Turns a call's tags into the key that made it. */
  readonly #keyOf: (tags: readonly string[]) => string | undefined;

  constructor(capacity: number, keyOf: (tags: readonly string[]) => string | undefined) {
    this.#capacity = capacity;
    this.#keyOf = keyOf;
  }

  /** Follows a reloaded policy's `recentCalls`; a smaller ring forgets the oldest calls. */
  resize(capacity: number): void {
    this.#capacity = capacity;
    if (this.#ended.length > capacity) this.#ended.splice(0, this.#ended.length - capacity);
  }

  /** Forgets every call (the dashboard was turned off: the calls running now will not be followed). */
  clear(): void {
    this.#ended.length = 0;
    this.#running.clear();
  }

  record(event: RouterEvent): void {
    switch (event.type) {
      case "call-start": {
        if (this.#running.size >= maxRunning) {
          const oldest = this.#running.keys().next().value;
          if (oldest !== undefined) this.#running.delete(oldest);
        }
        const tags = event.tags ?? [];
        const key = this.#keyOf(tags);
        this.#running.set(event.callId, {
          callId: event.callId,
          startedAt: Date.now(),
          route: event.route,
          streaming: event.streaming,
          ...(key !== undefined ? { key } : {}),
          tags: [...tags],
          metadata: { ...event.metadata },
          trace: [],
        });
        return;
      }
      case "attempt":
        this.#step(event.callId, {
          type: "attempt",
          target: event.target,
          attempt: event.attempt,
          outcome: event.outcome,
          ms: event.ms,
          costUsd: event.costUsd,
          ...(event.status !== undefined ? { status: event.status } : {}),
          ...(event.errorKind !== undefined ? { errorKind: event.errorKind } : {}),
          ...(event.hedge ? { hedge: true } : {}),
        });
        return;
      case "fallback":
        this.#step(event.callId, { type: "fallback", from: event.from, to: event.to, reason: event.reason });
        return;
      case "call-end": {
        const call = this.#running.get(event.callId);
        // A call that failed validation has no call-start: it never reached a route.
        if (!call) return;
        this.#running.delete(event.callId);
        const ended: RecentCall = {
          ...call,
          outcome: event.outcome,
          latencyMs: event.latencyMs,
          costUsd: event.costUsd,
          ...(event.route !== undefined ? { route: event.route } : {}),
          ...(event.target !== undefined ? { target: event.target } : {}),
          ...(event.provider !== undefined ? { provider: event.provider } : {}),
          ...(event.model !== undefined ? { model: event.model } : {}),
          ...(event.ttftMs !== undefined ? { ttftMs: event.ttftMs } : {}),
          ...(event.usage
            ? { usage: { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens } }
            : {}),
          ...(event.errorType !== undefined || event.errorMessage !== undefined
            ? { error: [event.errorType, event.errorMessage].filter(Boolean).join(": ") }
            : {}),
        };
        this.#ended.push(ended);
        if (this.#ended.length > this.#capacity) this.#ended.shift();
        return;
      }
      default:
        return;
    }
  }

  /** Running calls first, then ended ones, newest first. */
  list(): RecentCall[] {
    const running = [...this.#running.values()]
      .reverse()
      .slice(0, this.#capacity)
      .map((call) => ({ ...call, trace: [...call.trace] }));
    return [...running, ...this.#ended.toReversed()];
  }

  #step(callId: string, step: TraceStep): void {
    const call = this.#running.get(callId);
    if (!call) return;
    if (call.trace.length < maxSteps) call.trace.push(step);
    else call.moreSteps = (call.moreSteps ?? 0) + 1;
  }
}
