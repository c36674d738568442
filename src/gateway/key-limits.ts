import { QueueFullError } from "../core/index.js";
import { LimiterWaitError, TargetLimiter } from "../limits/index.js";
import { GatewayError } from "./api-error.js";
import type { VirtualKey } from "./virtual-keys.js";

/** An admitted call of a key: free its slot once, with the tokens it really used. */
export interface KeyAdmission {
  release(actualTokens?: number): void;
}

const free: KeyAdmission = { release() {} };

/**
 * Each key's rpm, tpm and concurrency, enforced without queueing: a key over any of them gets a
 * 429 with `retry-after` at once, and nothing is sent upstream. Counted in this process.
 */
export class KeyLimits {
  readonly #limiters = new Map<string, TargetLimiter>();

  constructor(keys: readonly VirtualKey[]) {
    for (const key of keys) {
      const { rpm, tpm, maxConcurrent } = key.limits;
      if (rpm === undefined && tpm === undefined && maxConcurrent === undefined) continue;
      this.#limiters.set(
        key.name,
        new TargetLimiter(`key ${key.name}`, {
          ...(rpm !== undefined ? { rpm } : {}),
          ...(tpm !== undefined ? { tpm } : {}),
          ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
          // With noWait only calls admitted at once queue here, for the moment Bottleneck takes.
          maxQueue: 10_000,
        }),
      );
    }
  }

  /** Admits a call reserving `tokens` against tpm, or throws a 429 `GatewayError`. */
  async admit(key: VirtualKey | undefined, tokens: number, signal: AbortSignal): Promise<KeyAdmission> {
    const limiter = key && this.#limiters.get(key.name);
    if (!limiter) return free;
    let release: () => void;
    try {
      release = await limiter.acquire({ weight: tokens, noWait: true, signal });
    } catch (error) {
      if (!(error instanceof LimiterWaitError) && !QueueFullError.isInstance(error)) throw error;
      const waitMs = error instanceof LimiterWaitError ? error.waitMs : limiter.expectedWaitMs(tokens);
      throw new GatewayError(
        429,
        "rate_limit_error",
        `key "${key.name}" is over its rate limits (rpm, tpm or concurrency)`,
        {
          code: "key_rate_limited",
          retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        },
      );
    }
    let released = false;
    return {
      release(actualTokens) {
        if (released) return;
        released = true;
        if (actualTokens !== undefined) limiter.correct(tokens, actualTokens);
        release();
      },
    };
  }

  close(): void {
    for (const limiter of this.#limiters.values()) limiter.close();
  }
}
