import { KEY_PREFIX_PATTERN } from "../../config/state-schema.js";
import type {
  AttemptObservation,
  DailyLimit,
  HealthState,
  LatencyStats,
  SpendHoldResult,
  SpendToday,
  SpendTokens,
  StateSnapshot,
  StateStore,
} from "../../core/index.js";
import { attemptEffect } from "../attempt-effect.js";
import { checkCacheEntry, checkCacheKey } from "../check-cache-entry.js";
import { InMemoryStateStore, validateTokens } from "../in-memory-state-store.js";
import {
  type ResolvedStateStoreOptions,
  resolveStateStoreOptions,
  thresholdsOf,
} from "../in-memory-state-store-options.js";
import { recordHealthScript } from "./health-script.js";
import { recordLatencyScript } from "./latency-script.js";
import { RedisLimiterRegistry } from "./limits/redis-limiter-registry.js";
import { pauseTargetScript } from "./pause-script.js";
import { RedisKeys } from "./redis-keys.js";
import { RedisLink } from "./redis-link.js";
import { RedisSpendLedger } from "./redis-spend-ledger.js";
import type { RedisStateStoreOptions } from "./redis-state-store-options.js";
import { sharedHealthState } from "./shared-health.js";
import { latencyBucket, sharedLatencyStats } from "./shared-latency.js";

/**
 * Routing state shared by every replica through Redis: breakers and ejections, latency figures
 * and the daily spend ledger, each updated by one atomic Lua script, read back by every
 * snapshot in one pipelined round trip. `createLimiters` gives the matching shared rate limiters.
 *
 * Every observation is also kept in a local in-memory store: while Redis is down a fail-open
 * store routes on it (and on the last spend totals Redis gave plus this replica's spend since),
 * a fail-closed one refuses snapshots with `StateUnavailableError`. Either way nothing recorded
 * is refused, and spend recorded meanwhile is written once Redis is back.
 */
export class RedisStateStore implements StateStore {
  readonly #link: RedisLink;
  readonly #keys: RedisKeys;
  readonly #options: ResolvedStateStoreOptions;
  readonly #stateTtlMs: number;
  readonly #limiterOptions: RedisStateStoreOptions["limiter"];
  readonly #local: InMemoryStateStore;
  readonly #ledger: RedisSpendLedger;
  readonly #registries = new Set<RedisLimiterRegistry>();

  private constructor(link: RedisLink, options: RedisStateStoreOptions, resolved: ResolvedStateStoreOptions) {
    this.#link = link;
    this.#keys = new RedisKeys(options.keyPrefix ?? "switchyard");
    this.#options = resolved;
    this.#stateTtlMs = options.stateTtlMs ?? 3_600_000;
    this.#limiterOptions = options.limiter;
    this.#local = new InMemoryStateStore(resolved);
    this.#ledger = new RedisSpendLedger(link, this.#keys, resolved.now);
  }

  /**
   * Connects to Redis; rejects with `StateUnavailableError` when it cannot be reached (start-up
   * never fails open), and with a RangeError naming a bad option.
   */
  static async connect(options: RedisStateStoreOptions): Promise<RedisStateStore> {
    const resolved = resolveOptions(options);
    const link = await RedisLink.open(options);
    return new RedisStateStore(link, options, resolved);
  }

  /** Whether Redis answers right now (false during an outage). */
  get available(): boolean {
    return this.#link.available;
  }

  async snapshot(targets: readonly string[], spendKeys: readonly string[]): Promise<StateSnapshot> {
    const now = this.#options.now();
    const day = new Date(now).toISOString().slice(0, 10);
    const queueWaitMs = new Map(targets.map((target) => [target, 0] as const));
    return this.#link.run(
      async (client) => {
        const pipeline = client.pipeline();
        for (const target of targets) {
          pipeline.get(this.#keys.health(target));
          pipeline.get(this.#keys.latency(target));
          pipeline.get(this.#keys.pause(target));
        }
        for (const key of this.#ledger.readKeys(day, spendKeys)) pipeline.hmget(key, "total", "held");
        const replies = (await pipeline.exec()) ?? [];
        const values = replies.map(([error, value]) => {
          if (error) throw error;
          return value;
        });
        const health = new Map<string, HealthState>();
        const latency = new Map<string, LatencyStats>();
        const pausedUntil = new Map<string, number>();
        targets.forEach((target, index) => {
          const { breaker } = thresholdsOf(this.#options, target);
          const state = sharedHealthState(asText(values[3 * index]), now, breaker);
          if (state) health.set(target, state);
          const until = Number(asText(values[3 * index + 2]) ?? 0);
          if (until > now) pausedUntil.set(target, until);
          const stats = sharedLatencyStats(
            asText(values[3 * index + 1]),
            now,
            this.#options.latencyPrior,
            this.#options.latencyHalfLifeMs,
          );
          if (stats) latency.set(target, stats);
        });
        const spent = values.slice(3 * targets.length) as unknown[][];
        const spendUsd = this.#ledger.fromReplies(day, spendKeys, spent);
        return { now, latency, health, spendUsd, queueWaitMs, pausedUntil };
      },
      async () => {
        if (this.#link.mode === "fail-closed") throw this.#link.unavailableError();
        const local = await this.#local.snapshot(targets, []);
        return { ...local, spendUsd: this.#ledger.fallbackRead(day, spendKeys), queueWaitMs };
      },
    );
  }

  async recordAttempt(observation: AttemptObservation): Promise<void> {
    // Validates the observation, and keeps this replica's view for when Redis is down.
    await this.#local.recordAttempt(observation).catch((error: unknown) => {
      throw renamed(error);
    });
    const effect = attemptEffect(observation);
    if (effect === "ignored") return;
    const { latencyHalfLifeMs } = this.#options;
    const { breaker, ejection } = thresholdsOf(this.#options, observation.target);
    await this.#link.run(
      async (client) => {
        const writes: Promise<unknown>[] = [
          recordHealthScript.run(
            client,
            [this.#keys.health(observation.target)],
            [
              observation.at,
              effect === "failure" ? 1 : 0,
              effect === "failure" && observation.errorKind === "quota" ? 1 : 0,
              breaker.failureRatio,
              breaker.minCalls,
              breaker.windowMs,
              breaker.openMs,
              ejection.consecutiveFailures,
              ejection.baseMs,
              ejection.maxMs,
              this.#stateTtlMs,
            ],
          ),
        ];
        if (observation.ok && observation.ttftMs !== undefined) {
          const speed = outputTokensPerSec(
            observation.outputTokens,
            observation.totalMs - observation.ttftMs,
          );
          writes.push(
            recordLatencyScript.run(
              client,
              [this.#keys.latency(observation.target)],
              [
                observation.at,
                observation.ttftMs,
                latencyBucket(observation.ttftMs),
                speed ?? -1,
                latencyHalfLifeMs,
                this.#stateTtlMs,
              ],
            ),
          );
        }
        await Promise.all(writes);
      },
      // Health and latency are soft state: this replica's own view covers the outage.
      () => undefined,
    );
  }

  async addSpend(keys: readonly string[], usd: number, tokens?: SpendTokens): Promise<void> {
    if (!(Number.isFinite(usd) && usd >= 0)) {
      throw new RangeError(`RedisStateStore.addSpend: usd must be a finite number ≥ 0, got ${usd}`);
    }
    validateTokens("RedisStateStore.addSpend", tokens);
    await this.#ledger.add(keys, usd, tokens);
  }

  /**
   * Today's real spend and tokens of every key, summed over every replica (UTC day; holds in
   * flight not included). Rejects with `StateUnavailableError` while Redis is down, in either
   * mode: a report of one replica's share would look like the whole.
   */
  spendToday(): Promise<SpendToday> {
    return this.#link.run(
      (client) => this.#ledger.today(client),
      () => {
        throw this.#link.unavailableError();
      },
    );
  }

  holdSpend(limits: readonly DailyLimit[], usd: number, ttlMs: number): Promise<SpendHoldResult> {
    if (!(Number.isFinite(usd) && usd >= 0)) {
      return Promise.reject(
        new RangeError(`RedisStateStore.holdSpend: usd must be a finite number ≥ 0, got ${usd}`),
      );
    }
    return this.#ledger.hold(limits, usd, Math.max(1, ttlMs));
  }

  /** Shares a 429 pause with every replica; while Redis is down, this replica keeps it alone. */
  async pauseTarget(target: string, untilMs: number): Promise<void> {
    await this.#local.pauseTarget(target, untilMs).catch((error: unknown) => {
      throw renamed(error);
    });
    const ttlMs = Math.ceil(untilMs - this.#options.now());
    if (ttlMs <= 0) return;
    await this.#link.run(
      async (client) => {
        await pauseTargetScript.run(client, [this.#keys.pause(target)], [Math.ceil(untilMs), ttlMs]);
      },
      () => undefined,
    );
  }

  /**
   * A response-cache entry shared by every replica. While Redis is down (fail-open or
   * fail-closed alike) there is none: a cache outage is a miss, never a failed call.
   */
  async getCached(key: string): Promise<string | undefined> {
    checkCacheKey("RedisStateStore.getCached", key);
    return this.#link.run(
      async (client) => (await client.get(this.#keys.cached(key))) ?? undefined,
      () => undefined,
    );
  }

  /** Stores a response-cache entry with Redis's own expiry (PX); while Redis is down, nothing is stored. */
  async setCached(key: string, value: string, ttlMs: number): Promise<void> {
    checkCacheEntry("RedisStateStore.setCached", key, value, ttlMs);
    await this.#link.run(
      async (client) => {
        await client.set(this.#keys.cached(key), value, "PX", ttlMs);
      },
      () => undefined,
    );
  }

  /**
   * Rate limiters that share rpm, tpm, concurrency and 429 pauses with every replica.
   * @internal The router's; not part of the public API.
   */
  createLimiters(): RedisLimiterRegistry {
    const registry = new RedisLimiterRegistry(this.#link, this.#keys, this.#limiterOptions);
    this.#registries.add(registry);
    return registry;
  }

  async close(): Promise<void> {
    for (const registry of this.#registries) registry.close();
    this.#registries.clear();
    await this.#link.close();
  }
}

function resolveOptions(options: RedisStateStoreOptions): ResolvedStateStoreOptions {
  const prefix = options.keyPrefix ?? "switchyard";
  if (!KEY_PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(
      `RedisStateStore: keyPrefix must be 1–64 letters, digits or _.:{}-, got ${JSON.stringify(prefix)}`,
    );
  }
  let resolved: ResolvedStateStoreOptions;
  try {
    resolved = resolveStateStoreOptions(options);
  } catch (error) {
    throw renamed(error);
  }
  const ttl = options.stateTtlMs ?? 3_600_000;
  const longest = Math.max(
    ...[undefined, ...Object.keys(resolved.targets)].map((target) => {
      const { breaker, ejection } = target === undefined ? resolved : thresholdsOf(resolved, target);
      return Math.max(breaker.windowMs, breaker.openMs, ejection.maxMs);
    }),
  );
  if (!(Number.isFinite(ttl) && ttl >= longest)) {
    throw new RangeError(
      `RedisStateStore: stateTtlMs must be at least the breaker window, open time and longest ejection (${longest} ms), got ${ttl}`,
    );
  }
  return resolved;
}

/** The shared validation (of the in-memory store) names that store; name this one instead. */
function renamed(error: unknown): unknown {
  if (!(error instanceof RangeError || error instanceof TypeError)) return error;
  const Kind = error instanceof RangeError ? RangeError : TypeError;
  return new Kind(error.message.replace("InMemoryStateStore", "RedisStateStore"));
}

function asText(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Speed after the first token, as the in-memory store computes it. */
function outputTokensPerSec(outputTokens: number, decodeMs: number): number | undefined {
  if (outputTokens < 2 || decodeMs <= 0) return undefined;
  return ((outputTokens - 1) * 1000) / decodeMs;
}
