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
} from "../core/index.js";
import { attemptEffect } from "./attempt-effect.js";
import { checkCacheEntry, checkCacheKey } from "./check-cache-entry.js";
import { ExpiringLru } from "./expiring-lru.js";
import {
  type InMemoryStateStoreOptions,
  type ResolvedStateStoreOptions,
  resolveStateStoreOptions,
  thresholdsOf,
} from "./in-memory-state-store-options.js";
import { SpendLedger } from "./spend-ledger.js";
import { TargetHealth } from "./target-health.js";
import { TargetLatency } from "./target-latency.js";

/**
 * Routing state of one process: latency statistics, breakers and ejections per target, and the
 * daily spend ledger with the holds of attempts in flight. Memory is fixed per target (no sample
 * arrays) and per spend key, plus one entry per attempt in flight that holds spend.
 * Snapshots are fresh objects, so policies cannot change the store through them.
 */
export class InMemoryStateStore implements StateStore {
  readonly #options: ResolvedStateStoreOptions;
  readonly #latency = new Map<string, TargetLatency>();
  readonly #health = new Map<string, TargetHealth>();
  readonly #ledger = new SpendLedger();
  /** 429 pauses by target, until when (ms since epoch); a lapsed one is dropped when read. */
  readonly #paused = new Map<string, number>();
  /** Response-cache entries (`cache.store: state`), bounded like a route's own memory store. */
  readonly #cached: ExpiringLru;

  constructor(options: InMemoryStateStoreOptions = {}) {
    this.#options = resolveStateStoreOptions(options);
    this.#cached = new ExpiringLru({ ...cachedEntryBounds, now: this.#options.now });
  }

  async getCached(key: string): Promise<string | undefined> {
    checkCacheKey("InMemoryStateStore.getCached", key);
    return this.#cached.get(key);
  }

  async setCached(key: string, value: string, ttlMs: number): Promise<void> {
    checkCacheEntry("InMemoryStateStore.setCached", key, value, ttlMs);
    this.#cached.set(key, value, ttlMs);
  }

  async snapshot(targets: readonly string[], spendKeys: readonly string[]): Promise<StateSnapshot> {
    const now = this.#options.now();
    const latency = new Map<string, LatencyStats>();
    const health = new Map<string, HealthState>();
    const queueWaitMs = new Map<string, number>();
    const pausedUntil = new Map<string, number>();
    for (const target of targets) {
      const until = this.#paused.get(target);
      if (until !== undefined && until > now) pausedUntil.set(target, until);
      else this.#paused.delete(target);
      const stats = this.#latency.get(target);
      if (stats) latency.set(target, stats.stats(now, this.#options.latencyPrior));
      const state = this.#health.get(target);
      if (state) health.set(target, state.state(now));
      queueWaitMs.set(target, this.#options.queueWaitMs(target));
    }
    const spendUsd = new Map(spendKeys.map((key) => [key, this.#ledger.usedUsd(key, now)] as const));
    return { now, latency, health, spendUsd, queueWaitMs, pausedUntil };
  }

  async pauseTarget(target: string, untilMs: number): Promise<void> {
    if (!Number.isFinite(untilMs)) {
      throw new RangeError(`InMemoryStateStore.pauseTarget: untilMs must be finite, got ${untilMs}`);
    }
    this.#paused.set(target, Math.max(untilMs, this.#paused.get(target) ?? 0));
  }

  async recordAttempt(observation: AttemptObservation): Promise<void> {
    validateObservation(observation);
    const effect = attemptEffect(observation);
    if (effect === "ignored") return;
    this.#healthOf(observation.target).record(
      observation.at,
      effect === "failure",
      observation.errorKind === "quota",
    );
    if (observation.ok && observation.ttftMs !== undefined) {
      this.#latencyOf(observation.target).record(
        observation.at,
        observation.ttftMs,
        outputTokensPerSec(observation.outputTokens, observation.totalMs - observation.ttftMs),
      );
    }
  }

  async addSpend(keys: readonly string[], usd: number, tokens?: SpendTokens): Promise<void> {
    if (!(Number.isFinite(usd) && usd >= 0)) {
      throw new RangeError(`InMemoryStateStore.addSpend: usd must be a finite number ≥ 0, got ${usd}`);
    }
    validateTokens("InMemoryStateStore.addSpend", tokens);
    this.#ledger.add(keys, usd, this.#options.now(), tokens);
  }

  /** Today's real spend and tokens of every key (UTC day; holds in flight not included). */
  async spendToday(): Promise<SpendToday> {
    return this.#ledger.today(this.#options.now());
  }

  async holdSpend(limits: readonly DailyLimit[], usd: number, ttlMs: number): Promise<SpendHoldResult> {
    if (!(Number.isFinite(usd) && usd >= 0)) {
      throw new RangeError(`InMemoryStateStore.holdSpend: usd must be a finite number ≥ 0, got ${usd}`);
    }
    return this.#ledger.hold(limits, usd, this.#options.now(), Math.max(1, ttlMs));
  }

  #healthOf(target: string): TargetHealth {
    let health = this.#health.get(target);
    if (!health) {
      const { breaker, ejection } = thresholdsOf(this.#options, target);
      health = new TargetHealth(breaker, ejection);
      this.#health.set(target, health);
    }
    return health;
  }

  #latencyOf(target: string): TargetLatency {
    let latency = this.#latency.get(target);
    if (!latency) {
      latency = new TargetLatency(this.#options.latencyHalfLifeMs);
      this.#latency.set(target, latency);
    }
    return latency;
  }
}

/**
 * Bounds of the response-cache entries one in-memory store keeps for every route that caches
 * through it (the routes' own `maxEntries` / `maxBytes` bound their memory stores).
 * @default 10000 entries, 64 MiB
 */
const cachedEntryBounds = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 };

/** Speed after the first token; a call of one token, or one that ended at its first token, has none. */
function outputTokensPerSec(outputTokens: number, decodeMs: number): number | undefined {
  if (outputTokens < 2 || decodeMs <= 0) return undefined;
  return ((outputTokens - 1) * 1000) / decodeMs;
}

/** Token counts are whole numbers ≥ 0. */
export function validateTokens(where: string, tokens: SpendTokens | undefined): void {
  if (tokens === undefined) return;
  for (const field of ["inputTokens", "outputTokens"] as const) {
    const value = tokens[field];
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new RangeError(`${where}: tokens.${field} must be a whole number ≥ 0, got ${value}`);
    }
  }
}

function validateObservation(observation: AttemptObservation): void {
  const where = `InMemoryStateStore.recordAttempt(${JSON.stringify(observation.target)})`;
  if (typeof observation.target !== "string" || observation.target === "") {
    throw new TypeError(`${where}: target must be a non-empty string`);
  }
  const numbers: [string, number | undefined][] = [
    ["totalMs", observation.totalMs],
    ["outputTokens", observation.outputTokens],
    ["ttftMs", observation.ttftMs],
  ];
  for (const [field, value] of numbers) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`${where}: ${field} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (!Number.isFinite(observation.at)) {
    throw new RangeError(`${where}: at must be a time in ms since epoch, got ${observation.at}`);
  }
}
