import type { RateLimits, Target } from "../core/index.js";
import { TargetLimiter } from "./target-limiter.js";

/** One `TargetLimiter` per target, built from each target's `limits`. */
export class LimiterRegistry {
  readonly #limiters = new Map<string, { limits: RateLimits; limiter: TargetLimiter }>();

  constructor(targets: Iterable<Pick<Target, "id" | "limits">> = []) {
    this.update(targets);
  }

  /** The target's limiter; undefined for a target the registry was not given. */
  get(target: string): TargetLimiter | undefined {
    return this.#limiters.get(target)?.limiter;
  }

  /**
   * Follows a reloaded policy: limiters of unchanged targets keep their queues and windows,
   * changed targets get a fresh limiter, and removed targets' waiters are rejected.
   */
  update(targets: Iterable<Pick<Target, "id" | "limits">>): void {
    const next = new Map<string, Pick<Target, "id" | "limits">>();
    for (const target of targets) next.set(target.id, target);
    for (const [id, entry] of this.#limiters) {
      const target = next.get(id);
      if (target && sameLimits(entry.limits, target.limits)) continue;
      entry.limiter.close();
      this.#limiters.delete(id);
    }
    for (const target of next.values()) {
      if (this.#limiters.has(target.id)) continue;
      const limits = { ...target.limits };
      this.#limiters.set(target.id, { limits, limiter: new TargetLimiter(target.id, limits) });
    }
  }

  close(): void {
    for (const entry of this.#limiters.values()) entry.limiter.close();
    this.#limiters.clear();
  }
}

function sameLimits(a: RateLimits, b: RateLimits): boolean {
  return (
    a.rpm === b.rpm && a.tpm === b.tpm && a.maxConcurrent === b.maxConcurrent && a.maxQueue === b.maxQueue
  );
}
