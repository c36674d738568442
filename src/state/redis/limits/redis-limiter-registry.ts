import type { RateLimits, Target } from "../../../core/index.js";
import type { LimiterPool } from "../../../limits/limiter-pool.js";
import type { RedisKeys } from "../redis-keys.js";
import type { RedisLink } from "../redis-link.js";
import { type RedisLimiterOptions, resolveRedisLimiterOptions } from "./redis-limiter-options.js";
import { type RedisLimiterShared, RedisTargetLimiter } from "./redis-target-limiter.js";
import { WakeChannel } from "./wake-channel.js";

/** One `RedisTargetLimiter` per target with limits, all sharing one Redis link and one Pub/Sub listener. */
export class RedisLimiterRegistry implements LimiterPool {
  readonly #limiters = new Map<string, { limits: RateLimits; limiter: RedisTargetLimiter }>();
  /** Limiters a reload replaced, still admitting the callers that queued on them. */
  readonly #retired = new Set<RedisTargetLimiter>();
  readonly #shared: RedisLimiterShared;
  #wake: WakeChannel | undefined;

  constructor(link: RedisLink, keys: RedisKeys, options: RedisLimiterOptions = {}) {
    this.#shared = {
      link,
      keys,
      options: resolveRedisLimiterOptions(options),
      wake: () => {
        this.#wake ??= new WakeChannel(link.duplicate(), keys.wake);
        return this.#wake;
      },
    };
  }

  get(target: string): RedisTargetLimiter | undefined {
    return this.#limiters.get(target)?.limiter;
  }

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
      this.#limiters.set(target.id, {
        limits,
        limiter: new RedisTargetLimiter(target.id, limits, this.#shared),
      });
    }
  }

  close(reason?: unknown): void {
    for (const entry of this.#limiters.values()) entry.limiter.close(reason);
    for (const limiter of this.#retired) limiter.close(reason);
    this.#limiters.clear();
    this.#retired.clear();
    this.#wake?.close();
    this.#wake = undefined;
  }
}

function sameLimits(a: RateLimits, b: RateLimits): boolean {
  return (
    a.rpm === b.rpm && a.tpm === b.tpm && a.maxConcurrent === b.maxConcurrent && a.maxQueue === b.maxQueue
  );
}
