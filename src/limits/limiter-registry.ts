import type { RateLimits, Target } from "../core/index.js";
import { TargetLimiter } from "./target-limiter.js";

/** One `TargetLimiter` per target, built from each target's `limits`. */
export class LimiterRegistry {
  readonly #limiters = new Map<string, { limits: RateLimits; limiter: TargetLimiter }>();
  /** Limiters a reload replaced, still admitting the callers that queued on them. */
  readonly #retired = new Set<TargetLimiter>();

  constructor(targets: Iterable<Pick<Target, "id" | "limits">> = []) {
    this.update(targets);
  }

  /** The target's limiter; undefined for a target the registry was not given. */
  get(target: string): TargetLimiter | undefined {
    return this.#limiters.get(target)?.limiter;
  }

  /**
   * Follows a reloaded policy: limiters of unchanged targets keep their queues and windows,
   * changed targets get a fresh limiter, and the replaced limiters of changed or removed targets
   * still admit the callers already waiting on them (under the old limits), then close.
   */
  update(targets: Iterable<Pick<Target, "id" | "limits">>): void {
    for (const limiter of this.#retired) if (limiter.closed) this.#retired.delete(limiter);
    const next = new Map<string, Pick<Target, "id" | "limits">>();
    for (const target of targets) next.set(target.id, target);
    for (const [id, entry] of this.#limiters) {
      const target = next.get(id);
      if (target && sameLimits(entry.limits, target.limits)) continue;
      entry.limiter.retire();
      this.#retired.add(entry.limiter);
      this.#limiters.delete(id);
    }
    for (const target of next.values()) {
      if (this.#limiters.has(target.id)) continue;
      const limits = { ...target.limits };
      this.#limiters.set(target.id, { limits, limiter: new TargetLimiter(target.id, limits) });
    }
  }

  /** Rejects every waiter, retired limiters' included, with `reason` (a `RouterClosedError`). */
  close(reason?: unknown): void {
    for (const entry of this.#limiters.values()) entry.limiter.close(reason);
    for (const limiter of this.#retired) limiter.close(reason);
    this.#limiters.clear();
    this.#retired.clear();
  }
}

function sameLimits(a: RateLimits, b: RateLimits): boolean {
  return (
    a.rpm === b.rpm && a.tpm === b.tpm && a.maxConcurrent === b.maxConcurrent && a.maxQueue === b.maxQueue
  );
}
