import { QueueFullError } from "../core/index.js";
import { type LimiterPool, LimiterWaitError } from "../limits/index.js";
import { GatewayError } from "./api-error.js";
import type { VirtualKey } from "./virtual-keys.js";

/** An admitted call of a key: free its slot once, with the tokens it really used. */
export interface KeyAdmission {
  release(actualTokens?: number): void;
}

const free: KeyAdmission = { release() {} };

/** A key's limiter id: ":" is no character of a target id, so no target's limiter shares it. */
function limiterId(key: VirtualKey): string {
  return `gateway-key:${key.name}`;
}

/**
 * Each key's rpm, tpm and concurrency, enforced without queueing: a key over any of them gets a
 * 429 with `retry-after` at once, and nothing is sent upstream. Counted by the pool: in this
 * process, or shared by every replica through Redis when the policy's `state` is `redis`.
 */
export class KeyLimits {
  readonly #pool: LimiterPool;

  constructor(pool: LimiterPool) {
    this.#pool = pool;
  }

  /** Follows a (re)loaded policy: unchanged keys keep their counts. */
  update(keys: readonly VirtualKey[]): void {
    const limited = keys.filter(
      ({ limits }) =>
        limits.rpm !== undefined || limits.tpm !== undefined || limits.maxConcurrent !== undefined,
    );
    this.#pool.update(
      limited.map((key) => ({
        id: limiterId(key),
        // With noWait only calls admitted at once queue, for the moment the limiter takes.
        limits: { ...key.limits, maxQueue: 10_000 },
      })),
    );
  }

  /** Admits a call reserving `tokens` against tpm, or throws a 429 `GatewayError`. */
  async admit(key: VirtualKey | undefined, tokens: number, signal: AbortSignal): Promise<KeyAdmission> {
    const limiter = key && this.#pool.get(limiterId(key));
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
        { code: "key_rate_limited", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
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
    this.#pool.close();
  }
}
