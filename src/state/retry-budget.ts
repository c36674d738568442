export interface RetryBudgetOptions {
  /** Bucket size; retries are allowed while more than half of it is left. @default 10 */
  maxTokens?: number;
  /** Tokens a successful call puts back. @default 0.1 */
  tokenRatio?: number;
}

/**
 * Process-wide retry throttle (gRPC's retryThrottling): every retry takes a token,
 * every success returns `tokenRatio`, and retries stop while the bucket is at or below half.
 * During a full outage retries stop after `maxTokens / 2` of them, so they stay a small share
 * of traffic instead of multiplying it.
 */
export class RetryBudget {
  readonly #maxTokens: number;
  readonly #tokenRatio: number;
  #tokens: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.#maxTokens = options.maxTokens ?? 10;
    this.#tokenRatio = options.tokenRatio ?? 0.1;
    if (!(Number.isFinite(this.#maxTokens) && this.#maxTokens > 0)) {
      throw new RangeError(`RetryBudget: maxTokens must be a positive number, got ${this.#maxTokens}`);
    }
    if (!(Number.isFinite(this.#tokenRatio) && this.#tokenRatio > 0)) {
      throw new RangeError(`RetryBudget: tokenRatio must be a positive number, got ${this.#tokenRatio}`);
    }
    this.#tokens = this.#maxTokens;
  }

  get tokens(): number {
    return this.#tokens;
  }

  canRetry(): boolean {
    return this.#tokens > this.#maxTokens / 2;
  }

  /** Takes a token: call it for each failed attempt that is retried. */
  onRetry(): void {
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  onSuccess(): void {
    this.#tokens = Math.min(this.#maxTokens, this.#tokens + this.#tokenRatio);
  }
}
