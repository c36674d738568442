import { randomUUID } from "node:crypto";
import { type RateLimits, RouterClosedError } from "../../../core/index.js";
import { admissionRefusal } from "../../../limits/admission-refusal.js";
import { estimateWaitMs } from "../../../limits/estimate-wait-ms.js";
import type { TargetGate } from "../../../limits/limiter-pool.js";
import { LimiterWaitError } from "../../../limits/limiter-wait-error.js";
import { rateWindowMs } from "../../../limits/rate-window.js";
import { type AcquireOptions, TargetLimiter } from "../../../limits/target-limiter.js";
import { validateRateLimits } from "../../../limits/validate-rate-limits.js";
import type { RedisKeys } from "../redis-keys.js";
import type { RedisLink } from "../redis-link.js";
import { type ResolvedRedisLimiterOptions, slotsPerWindow } from "./redis-limiter-options.js";
import type { WakeChannel } from "./wake-channel.js";
import {
  acquireScript,
  chargeScript,
  giveBackScript,
  pauseScript,
  releaseLeaseScript,
  renewScript,
} from "./window-scripts.js";

/** Assumed length of a call before any has finished, for the concurrency part of the wait estimate. */
const assumedCallMs = 1000;
/** Admissions remembered to settle their token reservation in the slot they were charged to. */
const rememberedAdmissions = 1000;

export interface RedisLimiterShared {
  link: RedisLink;
  keys: RedisKeys;
  options: ResolvedRedisLimiterOptions;
  /** The process's Pub/Sub listener for freed slots; opened on first use. */
  wake(): WakeChannel;
}

interface Waiter {
  readonly weight: number;
  readonly signal: AbortSignal | undefined;
  /** Refused rather than queued when Redis says the window is full (see AcquireOptions.noWait). */
  readonly noWait: boolean;
  cancelled: boolean;
  admit(release: () => void): void;
  fail(reason: unknown): void;
}

type Attempt =
  | { type: "admitted"; slot: number; lease: string }
  | { type: "wait"; ms: number }
  | { type: "unavailable" };

/** What the last script said about the shared window, for the wait estimate. */
interface SharedLoad {
  at: number;
  requests: number;
  tokens: number;
  running: number;
  pausedUntil: number;
  /** When the last refused caller could have been admitted, ms since epoch; 0 if admitted. */
  freeAt: number;
}

/**
 * Admission for one target shared by every replica: rpm, tpm and concurrency are counted in Redis
 * by one atomic script per attempt (`acquireScript`), so N replicas together stay within the
 * target's limits. Callers queue in this process (bounded by `maxQueue`, aborts leave at once);
 * the head of the queue asks Redis, sleeps as long as the script says capacity needs to free
 * up (or until a slot is announced free), and asks again. Replicas' queues are not ordered with
 * each other: whoever asks first after capacity frees gets it.
 *
 * While Redis is unavailable a fail-open limiter admits through a local `TargetLimiter` with the
 * same limits (each replica then enforces the whole limit alone); a fail-closed one rejects with
 * `StateUnavailableError`.
 */
export class RedisTargetLimiter implements TargetGate {
  readonly target: string;
  readonly #limits: RateLimits;
  readonly #maxQueue: number;
  readonly #shared: RedisLimiterShared;
  readonly #windowKey: string;
  readonly #runningKey: string;
  readonly #queue = new Set<Waiter>();
  readonly #leases = new Set<string>();
  readonly #admissions: { weight: number; slot: number }[] = [];
  readonly #unlisten: (() => void) | undefined;
  #driving = false;
  #nudge: (() => void) | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #fallback: TargetLimiter | undefined;
  #load: SharedLoad | undefined;
  #averageCallMs = assumedCallMs;
  #closed = false;
  /** Why it closed: every waiter, and every caller after, is rejected with it. */
  #closedBy: unknown;
  #retired = false;

  constructor(target: string, limits: RateLimits, shared: RedisLimiterShared) {
    this.target = target;
    this.#limits = validateRateLimits(target, limits);
    this.#maxQueue = limits.maxQueue ?? 100;
    this.#shared = shared;
    this.#windowKey = shared.keys.window(target);
    this.#runningKey = shared.keys.running(target);
    if (limits.maxConcurrent !== undefined) {
      this.#unlisten = shared.wake().listen(target, () => this.#nudge?.());
    }
  }

  /** Closed, or retired and drained: it will admit nobody again. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Callers of this process waiting for admission. */
  get waiting(): number {
    return this.#queue.size;
  }

  acquire(options: AcquireOptions = {}): Promise<() => void> {
    const { signal } = options;
    const weight = options.weight ?? 0;
    // With noWait, the last word from Redis decides (see expectedWaitMs): callers queued here are
    // no sign, since this replica asks Redis for one at a time whether or not the window has room.
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
    const noWait = options.noWait ?? false;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        waiter.fail(signal?.reason);
        this.#queue.delete(waiter);
        this.#nudge?.();
      };
      const waiter: Waiter = {
        // A reservation above tpm could never be admitted; it waits for an empty window instead.
        weight: Math.ceil(this.#limits.tpm === undefined ? weight : Math.min(weight, this.#limits.tpm)),
        signal,
        noWait,
        cancelled: false,
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
      this.#drive();
    });
  }

  /** After a 429: no replica admits a call to this target before `retryAfterMs` has passed. */
  penalize(retryAfterMs: number): void {
    if (!(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
      throw new RangeError(`${this.target}: retryAfterMs must be a finite number ≥ 0, got ${retryAfterMs}`);
    }
    const { link, options } = this.#shared;
    const until = Date.now() + retryAfterMs;
    if (this.#load) this.#load.pausedUntil = Math.max(this.#load.pausedUntil, until);
    this.#fallback?.penalize(retryAfterMs);
    void link.run(
      (client) => pauseScript.run(client, [this.#windowKey], [Math.ceil(retryAfterMs), options.windowMs]),
      () => this.#localFallback().penalize(retryAfterMs),
    );
  }

  /** Settles a reservation in the slot it was charged to (see `chargeScript`). */
  correct(reservedTokens: number, actualTokens: number): void {
    const delta = Math.round(actualTokens - reservedTokens);
    if (!Number.isFinite(delta)) {
      throw new RangeError(
        `${this.target}: token correction must be finite, got ${actualTokens} − ${reservedTokens}`,
      );
    }
    const { tpm } = this.#limits;
    if (tpm === undefined || delta === 0) return;
    const charged = Math.ceil(Math.min(reservedTokens, tpm));
    const index = this.#admissions.findIndex((admission) => admission.weight === charged);
    const slot = index === -1 ? -1 : (this.#admissions.splice(index, 1)[0]?.slot ?? -1);
    const { link, options } = this.#shared;
    void link.run(
      (client) =>
        chargeScript.run(
          client,
          [this.#windowKey],
          [slot, delta, options.windowMs, options.windowMs / slotsPerWindow],
        ),
      () => this.#fallback?.correct(reservedTokens, actualTokens),
    );
  }

  expectedWaitMs(tokens = 0): number {
    const now = Date.now();
    const load = this.#load;
    const fresh = load !== undefined && now - load.at < this.#shared.options.windowMs;
    let waitingTokens = 0;
    for (const waiter of this.#queue) waitingTokens += waiter.weight;
    const estimate = estimateWaitMs(
      {
        now,
        pausedUntil: load?.pausedUntil ?? 0,
        waiting: this.waiting,
        waitingTokens,
        running: fresh ? load.running : 0,
        // The window slides; a refusal said when room frees up, which plays the part of the refill.
        windowStartedAt: fresh && load.freeAt > 0 ? load.freeAt - rateWindowMs : now,
        requestsUsed: fresh ? load.requests : 0,
        tokensUsed: fresh ? load.tokens : 0,
        averageCallMs: this.#averageCallMs,
      },
      this.#limits,
      tokens,
    );
    return Math.max(estimate, this.#fallback?.expectedWaitMs(tokens) ?? 0);
  }

  /** Rejects every waiter with `reason` (idempotent: the first reason stands) and stops renewing leases. */
  close(reason: unknown = new RouterClosedError()): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closedBy = reason;
    this.#unlisten?.();
    clearInterval(this.#renewTimer);
    for (const waiter of this.#queue) waiter.fail(reason);
    this.#queue.clear();
    this.#nudge?.();
    this.#fallback?.close(reason);
  }

  /**
   * For a reloaded policy that dropped or changed this target's limits: the callers already
   * waiting are still admitted under these limits, then it stops listening. Nobody is rejected,
   * and the leases of admitted calls are renewed until they are released.
   */
  retire(): void {
    this.#retired = true;
    this.#closeIfDrained();
  }

  #closeIfDrained(): void {
    if (!this.#retired || this.#closed || this.#driving || this.#queue.size > 0) return;
    this.#closed = true;
    this.#closedBy = new RouterClosedError();
    this.#unlisten?.();
    // Callers it handed to the local fallback while Redis was away are still admitted there.
    this.#fallback?.retire();
  }

  /** One loop per limiter serves the queue head by head, so a replica asks Redis once at a time. */
  #drive(): void {
    if (this.#driving) return;
    this.#driving = true;
    this.#serve()
      .catch((error: unknown) => {
        for (const waiter of this.#queue) waiter.fail(error);
        this.#queue.clear();
      })
      .finally(() => {
        this.#driving = false;
        if (this.#queue.size > 0 && !this.#closed) this.#drive();
        else this.#closeIfDrained();
      });
  }

  async #serve(): Promise<void> {
    while (!this.#closed) {
      const waiter = this.#queue.values().next().value;
      if (!waiter) return;
      const attempt = await this.#attempt(waiter);
      if (attempt.type === "admitted") {
        if (waiter.cancelled || this.#closed) this.#giveBack(waiter, attempt);
        else this.#admit(waiter, attempt);
        this.#queue.delete(waiter);
      } else if (attempt.type === "unavailable") {
        this.#queue.delete(waiter);
        this.#admitLocally(waiter);
      } else if (waiter.noWait) {
        // Redis says the shared window is full (other replicas filled it): not worth a wait here.
        this.#queue.delete(waiter);
        if (!waiter.cancelled) waiter.fail(new LimiterWaitError(this.target, attempt.ms));
      } else if (!waiter.cancelled) {
        await this.#sleep(Math.min(attempt.ms, this.#shared.options.pollMs));
      }
    }
  }

  #attempt(waiter: Waiter): Promise<Attempt> {
    const { link, options } = this.#shared;
    const { rpm, tpm, maxConcurrent } = this.#limits;
    const lease = maxConcurrent === undefined ? "" : randomUUID();
    const unavailable = (): Attempt => ({ type: "unavailable" });
    return link.run(async (client) => {
      const reply = (await acquireScript.run(
        client,
        [this.#windowKey, this.#runningKey],
        [
          rpm ?? 0,
          tpm ?? 0,
          maxConcurrent ?? 0,
          options.windowMs,
          options.windowMs / slotsPerWindow,
          waiter.weight,
          lease,
          options.leaseMs,
        ],
      )) as number[];
      const [admitted = 0, value = 0, requests = 0, tokens = 0, running = 0, pausedUntil = 0] = reply;
      const now = Date.now();
      const freeAt = admitted === 1 || value < 0 ? 0 : now + value;
      this.#load = { at: now, requests, tokens, running, pausedUntil, freeAt };
      if (admitted === 1) return { type: "admitted", slot: value, lease };
      return { type: "wait", ms: value < 0 ? options.pollMs : value };
    }, unavailable);
  }

  #admit(waiter: Waiter, attempt: { slot: number; lease: string }): void {
    const { link, keys } = this.#shared;
    if (this.#limits.tpm !== undefined) {
      this.#admissions.push({ weight: waiter.weight, slot: attempt.slot });
      if (this.#admissions.length > rememberedAdmissions) this.#admissions.shift();
    }
    if (attempt.lease !== "") this.#holdLease(attempt.lease);
    const started = Date.now();
    let released = false;
    waiter.admit(() => {
      if (released) return;
      released = true;
      this.#averageCallMs += 0.2 * (Date.now() - started - this.#averageCallMs);
      if (attempt.lease === "") return;
      this.#leases.delete(attempt.lease);
      void link.run(
        (client) =>
          releaseLeaseScript.run(client, [this.#runningKey], [attempt.lease, keys.wake, this.target]),
        // The lease expires on its own after leaseMs.
        () => undefined,
      );
    });
  }

  /** The caller gave up while Redis admitted it: return the request, tokens and lease. */
  #giveBack(waiter: Waiter, attempt: { slot: number; lease: string }): void {
    void this.#shared.link.run(
      (client) =>
        giveBackScript.run(
          client,
          [this.#windowKey, this.#runningKey],
          [attempt.slot, this.#limits.rpm === undefined ? 0 : 1, waiter.weight, attempt.lease],
        ),
      () => undefined,
    );
  }

  #admitLocally(waiter: Waiter): void {
    const { link } = this.#shared;
    if (link.mode === "fail-closed") {
      waiter.fail(link.unavailableError());
      return;
    }
    this.#localFallback()
      .acquire({ weight: waiter.weight, ...(waiter.signal ? { signal: waiter.signal } : {}) })
      .then(
        (release) => waiter.admit(release),
        (error: unknown) => waiter.fail(error),
      );
  }

  #localFallback(): TargetLimiter {
    this.#fallback ??= new TargetLimiter(this.target, this.#limits);
    return this.#fallback;
  }

  #holdLease(lease: string): void {
    this.#leases.add(lease);
    if (this.#renewTimer) return;
    const { link, options } = this.#shared;
    this.#renewTimer = setInterval(() => {
      if (this.#leases.size === 0) {
        clearInterval(this.#renewTimer);
        this.#renewTimer = undefined;
        return;
      }
      void link.run(
        (client) => renewScript.run(client, [this.#runningKey], [options.leaseMs, ...this.#leases]),
        () => undefined,
      );
    }, options.leaseMs / 3);
    this.#renewTimer.unref();
  }

  /** Sleeps `ms`, or less when a slot is announced free, a waiter leaves or the limiter closes. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#nudge === done) this.#nudge = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#nudge = done;
    });
  }
}
