import Bottleneck from "bottleneck";
import { type RateLimits, RouterClosedError } from "../core/index.js";
import { admissionRefusal } from "./admission-refusal.js";
import { estimateWaitMs } from "./estimate-wait-ms.js";
import { rateWindowMs } from "./rate-window.js";
import { validateRateLimits } from "./validate-rate-limits.js";
import { waitFor } from "./wait-for.js";

/** Assumed length of a call before any has finished, for the concurrency part of the wait estimate. */
const assumedCallMs = 1000;

export interface AcquireOptions {
  /** Tokens the call reserves against `tpm` (prompt + max output). @default 0 */
  weight?: number;
  /** Abandons the wait; once admitted, cancelling the call is the caller's business. */
  signal?: AbortSignal;
  /**
   * Rejects with `LimiterWaitError` instead of queueing when admission would wait (another
   * target can take the call now). @default false
   */
  noWait?: boolean;
}

/** One caller waiting for admission. */
interface Waiter {
  readonly weight: number;
  readonly signal: AbortSignal | undefined;
  cancelled: boolean;
  /** The refill window the reservation was taken from. */
  window: number;
  admit(release: () => void): void;
  fail(reason: unknown): void;
}

/**
 * Admission for one target: requests per minute, tokens per minute (weighted by the call's
 * reservation), concurrency and a bounded queue.
 *
 * The limiter's own counters are the truth. A call that fits them while nobody waits is admitted
 * synchronously (no timer, no Bottleneck job: microseconds); only when a limit is reached do callers
 * queue, and the head of the queue then waits in Bottleneck's reservoirs, which are set from the
 * counters each time a head is handed to them. Concurrency is counted here for both paths.
 *
 * Waiters queue here, not in Bottleneck, because a Bottleneck job cannot leave its queue: an
 * aborted waiter must vanish at once (with its listener) and stop counting against `maxQueue`.
 * Only the head waiter is handed to Bottleneck, where it waits for capacity; if it is aborted
 * there, its reservation is given back when Bottleneck reaches it.
 */
export class TargetLimiter {
  readonly target: string;
  readonly #limits: RateLimits;
  readonly #maxQueue: number;
  /** Requests per minute and concurrency; absent when neither is limited. */
  readonly #requests: Bottleneck | undefined;
  /** Tokens per minute; absent when tpm is not limited. */
  readonly #tokens: Bottleneck | undefined;
  readonly #queue = new Set<Waiter>();
  #head: Waiter | undefined;
  #running = 0;
  #averageCallMs = assumedCallMs;
  #pausedUntil = 0;
  #resumeTimer: NodeJS.Timeout | undefined;
  readonly #refillTimer: NodeJS.Timeout | undefined;
  #window = 0;
  #windowStartedAt = Date.now();
  #requestsUsed = 0;
  #tokensUsed = 0;
  /** Why the limiter closed: every waiter, and every caller after, is rejected with it. */
  #closedBy: unknown;
  #closed = false;
  /** Aborted by `close`: wakes the waiters sitting out a 429 pause after admission. */
  readonly #stopped = new AbortController();
  #retired = false;
  /** Admitted callers sitting out a 429 pause: not waiting in the queue, not running yet. */
  #pausing = 0;

  constructor(target: string, limits: RateLimits = {}) {
    this.target = target;
    this.#limits = validateRateLimits(target, limits);
    this.#maxQueue = limits.maxQueue ?? 100;
    if (limits.rpm !== undefined) this.#requests = new Bottleneck({ reservoir: limits.rpm });
    if (limits.tpm !== undefined) this.#tokens = new Bottleneck({ reservoir: limits.tpm });
    // Refilled here rather than by Bottleneck's heartbeat, so the wait estimate knows the window.
    if (limits.rpm !== undefined || limits.tpm !== undefined) {
      this.#refillTimer = setInterval(() => this.#refill(), rateWindowMs);
      this.#refillTimer.unref();
    }
  }

  /** Closed, or retired and drained: it will admit nobody again. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Callers waiting for admission. */
  get waiting(): number {
    return this.#queue.size + (this.#head && !this.#head.cancelled ? 1 : 0);
  }

  /**
   * Waits for admission and resolves with a function that frees the concurrency slot: call it
   * exactly once when the call has finished. Rejects with `QueueFullError` when `maxQueue` callers
   * already wait, with the signal's reason when it aborts first, and with the reason given to
   * `close` (a `RouterClosedError`) when the limiter is closed.
   */
  acquire(options: AcquireOptions = {}): Promise<() => void> {
    const { signal } = options;
    const weight = options.weight ?? 0;
    const refusal = admissionRefusal(
      {
        target: this.target,
        waiting: this.waiting,
        maxQueue: this.#maxQueue,
        closed: this.#closed,
        closedBy: this.#closedBy,
        expectedWaitMs: (tokens) => this.expectedWaitMs(tokens),
      },
      options,
    );
    if (refusal !== undefined) return Promise.reject(refusal);
    const fast = this.#admitAtOnce(weight);
    if (fast) return Promise.resolve(fast);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        waiter.fail(signal?.reason);
        this.#queue.delete(waiter);
        this.#syncTimers();
      };
      const waiter: Waiter = {
        // A reservation above tpm could never be admitted; it waits for a whole fresh minute instead.
        weight: this.#limits.tpm === undefined ? weight : Math.min(weight, this.#limits.tpm),
        signal,
        cancelled: false,
        window: this.#window,
        admit: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
        fail: (reason) => {
          waiter.cancelled = true;
          signal?.removeEventListener("abort", onAbort);
          reject(reason);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.add(waiter);
      this.#pump();
    });
  }

  /** Runs `fn` once admitted and frees the slot when it settles. */
  async schedule<T>(fn: () => Promise<T>, options: AcquireOptions = {}): Promise<T> {
    const release = await this.acquire(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** After a 429: admit nobody until `retryAfterMs` has passed (calls already running go on). */
  penalize(retryAfterMs: number): void {
    if (!(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
      throw new RangeError(`${this.target}: retryAfterMs must be a finite number ≥ 0, got ${retryAfterMs}`);
    }
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + retryAfterMs);
  }

  /** Settles a reservation with the tokens the call really used (both prompt and output). */
  correct(reservedTokens: number, actualTokens: number): void {
    const delta = actualTokens - reservedTokens;
    if (!Number.isFinite(delta)) {
      throw new RangeError(
        `${this.target}: token correction must be finite, got ${actualTokens} − ${reservedTokens}`,
      );
    }
    if (!this.#tokens || delta === 0) return;
    this.#tokensUsed += delta;
    void this.#tokens.incrementReservoir(-delta);
  }

  /** How long a call reserving `tokens` would wait if it asked now, ms (see `estimateWaitMs`). */
  expectedWaitMs(tokens = 0): number {
    const load = {
      now: Date.now(),
      pausedUntil: this.#pausedUntil,
      waiting: this.waiting,
      waitingTokens: this.#waitingTokens(),
      running: this.#running,
      windowStartedAt: this.#windowStartedAt,
      requestsUsed: this.#requestsUsed,
      tokensUsed: this.#tokensUsed,
      averageCallMs: this.#averageCallMs,
    };
    return estimateWaitMs(load, this.#limits, tokens);
  }

  /**
   * Rejects every waiter with `reason` and stops the timers. Calls already admitted are not
   * touched. Idempotent: the first reason stands.
   */
  close(reason: unknown = new RouterClosedError()): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closedBy = reason;
    this.#stopped.abort(reason);
    clearInterval(this.#refillTimer);
    clearTimeout(this.#resumeTimer);
    for (const waiter of this.#queue) waiter.fail(reason);
    this.#queue.clear();
    this.#head?.fail(reason);
  }

  /**
   * For a reloaded policy that dropped or changed this target's limits: the callers already
   * waiting are still admitted under these limits (their calls keep the policy they started with),
   * then the limiter closes itself. Nobody is rejected.
   */
  retire(): void {
    this.#retired = true;
    this.#closeIfDrained();
  }

  /**
   * The fast path: nobody waits, no 429 pause, and the call fits every counter — admitted now, its
   * reservation and slot counted synchronously. Undefined when it must queue.
   */
  #admitAtOnce(weight: number): (() => void) | undefined {
    if (this.#head || this.#queue.size > 0 || this.#closed) return undefined;
    const limits = this.#limits;
    if (Date.now() < this.#pausedUntil) return undefined;
    if (limits.maxConcurrent !== undefined && this.#running >= limits.maxConcurrent) return undefined;
    if (limits.rpm !== undefined && this.#requestsUsed + 1 > limits.rpm) return undefined;
    const tokens = limits.tpm === undefined ? 0 : Math.min(weight, limits.tpm);
    if (limits.tpm !== undefined && this.#tokensUsed + tokens > limits.tpm) return undefined;
    if (limits.rpm !== undefined) this.#requestsUsed += 1;
    this.#tokensUsed += tokens;
    return this.#run();
  }

  /** Takes a concurrency slot; the release frees it once and lets the head of the queue try again. */
  #run(): () => void {
    this.#running += 1;
    const started = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running -= 1;
      this.#averageCallMs += 0.2 * (Date.now() - started - this.#averageCallMs);
      if (this.#queue.size > 0) queueMicrotask(() => this.#pump());
      else this.#closeIfDrained();
    };
  }

  #pump(): void {
    this.#syncTimers();
    if (this.#head || this.#closed) return;
    const next = this.#queue.values().next();
    if (next.done) return;
    // Concurrency is counted here: a slot must be free before the head goes on to the reservoirs.
    const maxConcurrent = this.#limits.maxConcurrent;
    if (maxConcurrent !== undefined && this.#running >= maxConcurrent) return;
    const now = Date.now();
    if (now < this.#pausedUntil) {
      this.#resumeTimer ??= setTimeout(() => {
        this.#resumeTimer = undefined;
        this.#pump();
      }, this.#pausedUntil - now);
      return;
    }
    const waiter = next.value;
    this.#queue.delete(waiter);
    this.#head = waiter;
    this.#dispatch(waiter).catch((error: unknown) => {
      if (this.#head === waiter) this.#head = undefined;
      waiter.fail(error);
      this.#pump();
    });
  }

  /**
   * Passes the waiter through the token reservoir, then the request reservoir, each first set from
   * the counters (the fast path admits without Bottleneck, so its reservoirs lag behind them).
   */
  async #dispatch(waiter: Waiter): Promise<void> {
    const { rpm, tpm } = this.#limits;
    if (this.#tokens && tpm !== undefined) {
      await this.#tokens.updateSettings({ reservoir: Math.max(0, tpm - this.#tokensUsed) });
    }
    if (this.#requests && rpm !== undefined) {
      await this.#requests.updateSettings({ reservoir: Math.max(0, rpm - this.#requestsUsed) });
    }
    const throughRequests = (): Promise<void> => {
      const admitted = () => this.#admitted(waiter);
      return this.#requests ? this.#requests.schedule(admitted) : admitted();
    };
    if (!this.#tokens) return throughRequests();
    return this.#tokens.schedule({ weight: waiter.weight }, () => {
      this.#tokensUsed += waiter.weight;
      return throughRequests();
    });
  }

  /** Runs once every reservoir admitted the waiter; holds the Bottleneck slots until released. */
  async #admitted(waiter: Waiter): Promise<void> {
    if (this.#limits.rpm !== undefined) this.#requestsUsed += 1;
    waiter.window = this.#window;
    this.#head = undefined;
    // Deferred: without Bottleneck stages admission is synchronous, and a long queue would recurse.
    queueMicrotask(() => this.#pump());
    // A 429 that arrived while this waiter was waiting for capacity applies to it too.
    this.#pausing += 1;
    while (!waiter.cancelled && !this.#closed && Date.now() < this.#pausedUntil) {
      await waitFor(this.#pausedUntil - Date.now(), waiter.signal, this.#stopped.signal);
    }
    this.#pausing -= 1;
    if (this.#closed && !waiter.cancelled) waiter.fail(this.#closedBy);
    this.#closeIfDrained();
    if (waiter.cancelled) {
      this.#giveBack(waiter);
      return;
    }
    // Bottleneck's job ends here; the slot is this limiter's to count until the caller releases it.
    waiter.admit(this.#run());
  }

  /** Returns what an abandoned waiter took, unless the window has been refilled since. */
  #giveBack(waiter: Waiter): void {
    if (waiter.window !== this.#window) return;
    if (this.#tokens && waiter.weight > 0) {
      this.#tokensUsed -= waiter.weight;
      void this.#tokens.incrementReservoir(waiter.weight);
    }
    if (this.#requests && this.#limits.rpm !== undefined) {
      this.#requestsUsed -= 1;
      void this.#requests.incrementReservoir(1);
    }
  }

  #refill(): void {
    this.#window += 1;
    this.#windowStartedAt = Date.now();
    this.#requestsUsed = 0;
    this.#tokensUsed = 0;
    if (this.#limits.rpm !== undefined) void this.#requests?.updateSettings({ reservoir: this.#limits.rpm });
    if (this.#limits.tpm !== undefined) void this.#tokens?.updateSettings({ reservoir: this.#limits.tpm });
  }

  #waitingTokens(): number {
    let tokens = this.#head && !this.#head.cancelled ? this.#head.weight : 0;
    for (const waiter of this.#queue) tokens += waiter.weight;
    return tokens;
  }

  /** Timers keep the process alive only while someone waits; a retired limiter closes once nobody does. */
  #syncTimers(): void {
    if (this.waiting > 0) {
      this.#refillTimer?.ref();
      return;
    }
    this.#refillTimer?.unref();
    clearTimeout(this.#resumeTimer);
    this.#resumeTimer = undefined;
    this.#closeIfDrained();
  }

  #closeIfDrained(): void {
    if (this.#retired && this.waiting === 0 && this.#pausing === 0) this.close();
  }
}
