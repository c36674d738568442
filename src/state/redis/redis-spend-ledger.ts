import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { DailyLimit, SpendHoldResult, SpendToday, SpendTokens, SpendTotals } from "../../core/index.js";
import type { RedisKeys } from "./redis-keys.js";
import type { RedisLink } from "./redis-link.js";
import { contributeScript, holdScript, releaseScript } from "./spend-scripts.js";

const nanosPerUsd = 1e9;
const dayMs = 86_400_000;

/** This replica's share of one spend key on one day, nano-dollars. */
interface Share {
  /** Everything this replica spent on the key that day. */
  contributed: number;
  /** The tokens of that spend. */
  inputTokens: number;
  outputTokens: number;
  /** How much of it Redis has confirmed. */
  synced: number;
  /** The last total + held read from Redis, and `synced` at that moment (for fail-open reads). */
  lastRead?: { used: number; synced: number };
}

interface Hold {
  id: string;
  day: string;
  keys: string[];
  amount: number;
  expiresAt: number;
  /** Placed while Redis was down: only this replica knows of it until Redis returns. */
  offline: boolean;
}

function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Spend keys expire the day after their day ends: memory holds at most two days of keys. */
function expireAt(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) + 2 * dayMs;
}

/**
 * The daily spend ledger shared by every replica. Each replica writes its own running share of
 * each key (`contributeScript`), so writes are idempotent: a write retried after a lost reply,
 * or replayed after Redis restarted empty, neither loses nor double-counts a cost. Holds reserve
 * an attempt's estimated cost against the limits atomically before it is sent.
 *
 * While Redis is down, costs keep being recorded here and are written when it returns; reads
 * (fail-open) use the last total Redis gave plus what this replica spent since.
 */
export class RedisSpendLedger {
  readonly #link: RedisLink;
  readonly #keys: RedisKeys;
  readonly #now: () => number;
  /** This replica's id: its fields in every spend hash are `c:<id>`, `i:<id>` and `o:<id>`. */
  readonly #replica = randomUUID();
  readonly #shares = new Map<string, Map<string, Share>>();
  readonly #holds = new Map<string, Hold>();
  /** Holds given back while Redis was down, to give back there once it returns. */
  readonly #releases = new Map<string, Hold>();

  constructor(link: RedisLink, keys: RedisKeys, now: () => number) {
    this.#link = link;
    this.#keys = keys;
    this.#now = now;
    link.onRestore(() => this.#restore());
  }

  async add(keys: readonly string[], usd: number, tokens?: SpendTokens): Promise<void> {
    const amount = Math.round(usd * nanosPerUsd);
    const inputTokens = tokens?.inputTokens ?? 0;
    const outputTokens = tokens?.outputTokens ?? 0;
    if (amount <= 0 && inputTokens === 0 && outputTokens === 0) return;
    const day = utcDay(this.#now());
    this.#forgetBefore(day);
    for (const key of new Set(keys)) {
      const share = this.#share(day, key);
      share.contributed += Math.max(0, amount);
      share.inputTokens += inputTokens;
      share.outputTokens += outputTokens;
    }
    await this.#link.run(
      (client) => this.#write(client, day, [...new Set(keys)]),
      () => undefined,
    );
  }

  /** Redis keys to read (HMGET total held) for a snapshot of `spendKeys` today. */
  readKeys(day: string, spendKeys: readonly string[]): string[] {
    return spendKeys.map((key) => this.#keys.spend(day, key));
  }

  /** Spent plus held today per key, from the replies to `readKeys`, in dollars. */
  fromReplies(
    day: string,
    spendKeys: readonly string[],
    replies: readonly (readonly unknown[])[],
  ): Map<string, number> {
    const spent = new Map<string, number>();
    spendKeys.forEach((key, index) => {
      const [total, held] = replies[index] ?? [];
      const used = Number(total ?? 0) + Number(held ?? 0);
      const share = this.#share(day, key);
      share.lastRead = { used, synced: share.synced };
      spent.set(key, used / nanosPerUsd);
    });
    return spent;
  }

  /** Every key written today with its totals, read in two round trips (the day's index, then the keys). */
  async today(client: Redis): Promise<SpendToday> {
    const day = utcDay(this.#now());
    const names = (await client.smembers(this.#keys.spendIndex(day))).sort();
    const keys = new Map<string, SpendTotals>();
    if (names.length === 0) return { day, keys };
    const pipeline = client.pipeline();
    for (const name of names) pipeline.hmget(this.#keys.spend(day, name), "total", "input", "output");
    const replies = (await pipeline.exec()) ?? [];
    names.forEach((name, index) => {
      const [error, value] = replies[index] ?? [];
      if (error) throw error;
      const [total, input, output] = (value as (string | null)[] | undefined) ?? [];
      keys.set(name, {
        costUsd: Number(total ?? 0) / nanosPerUsd,
        inputTokens: Number(input ?? 0),
        outputTokens: Number(output ?? 0),
      });
    });
    return { day, keys };
  }

  /** What this replica believes is spent and held today while Redis cannot say, in dollars. */
  fallbackRead(day: string, spendKeys: readonly string[]): Map<string, number> {
    return new Map(spendKeys.map((key) => [key, this.#believedUsed(day, key) / nanosPerUsd] as const));
  }

  async hold(limits: readonly DailyLimit[], usd: number, ttlMs: number): Promise<SpendHoldResult> {
    // Rounded up: a hold may cover a little more than the estimate, never less.
    const amount = Math.ceil(usd * nanosPerUsd);
    if (amount <= 0 || limits.length === 0) return { ok: true, release: async () => undefined };
    const now = this.#now();
    const hold: Hold = {
      id: randomUUID(),
      day: utcDay(now),
      keys: limits.map((limit) => limit.key),
      amount,
      expiresAt: now + ttlMs,
      offline: false,
    };
    const limitNanos = limits.map((limit) => Math.round(limit.limitUsd * nanosPerUsd));
    return this.#link.run(
      async (client) => {
        const reply = (await holdScript.run(client, this.#holdKeys(hold), [
          hold.id,
          amount,
          Math.ceil(ttlMs),
          expireAt(hold.day),
          0,
          ...limitNanos,
        ])) as [number, number?, string?];
        if (reply[0] !== 1) {
          const refused = limits[(reply[1] ?? 1) - 1] ?? limits[0];
          return refusal(refused, Number(reply[2] ?? 0));
        }
        this.#holds.set(hold.id, hold);
        return { ok: true, release: () => this.#release(hold) };
      },
      () => this.#holdLocally(hold, limits, limitNanos),
    );
  }

  #holdLocally(hold: Hold, limits: readonly DailyLimit[], limitNanos: readonly number[]): SpendHoldResult {
    if (this.#link.mode === "fail-closed") throw this.#link.unavailableError();
    for (const [index, limit] of limits.entries()) {
      const used = this.#believedUsed(hold.day, limit.key) + this.#offlineHeld(hold.day, limit.key);
      if (used + hold.amount > (limitNanos[index] ?? 0)) return refusal(limit, used);
    }
    hold.offline = true;
    this.#holds.set(hold.id, hold);
    return { ok: true, release: () => this.#release(hold) };
  }

  async #release(hold: Hold): Promise<void> {
    if (!this.#holds.delete(hold.id)) return;
    await this.#link.run(
      (client) => releaseScript.run(client, this.#holdKeys(hold), [hold.id]),
      () => {
        this.#releases.set(hold.id, hold);
      },
    );
  }

  /** After an outage: give back, re-place holds in flight (idempotent), re-write every share. */
  async #restore(): Promise<void> {
    const client = this.#link.client;
    for (const hold of this.#releases.values()) {
      await releaseScript.run(client, this.#holdKeys(hold), [hold.id]);
      this.#releases.delete(hold.id);
    }
    const now = this.#now();
    for (const hold of this.#holds.values()) {
      if (hold.expiresAt <= now) {
        this.#holds.delete(hold.id);
        continue;
      }
      await holdScript.run(client, this.#holdKeys(hold), [
        hold.id,
        hold.amount,
        Math.ceil(hold.expiresAt - now),
        expireAt(hold.day),
        1,
        ...hold.keys.map(() => -1),
      ]);
      hold.offline = false;
    }
    // Every share, not only unconfirmed ones: Redis may have come back empty.
    for (const [day, shares] of this.#shares) {
      const spent = [...shares]
        .filter(([, share]) => share.contributed > 0 || share.inputTokens > 0 || share.outputTokens > 0)
        .map(([key]) => key);
      if (spent.length > 0) await this.#write(client, day, spent);
    }
  }

  async #write(client: Redis, day: string, keys: readonly string[]): Promise<void> {
    const values = keys.map((key) => this.#share(day, key).contributed);
    await contributeScript.run(
      client,
      [this.#keys.spendIndex(day), ...keys.map((key) => this.#keys.spend(day, key))],
      [
        this.#replica,
        expireAt(day),
        ...keys.flatMap((key) => {
          const share = this.#share(day, key);
          return [key, share.contributed, share.inputTokens, share.outputTokens];
        }),
      ],
    );
    keys.forEach((key, index) => {
      const share = this.#share(day, key);
      share.synced = Math.max(share.synced, values[index] ?? 0);
    });
  }

  #believedUsed(day: string, key: string): number {
    const share = this.#shares.get(day)?.get(key);
    if (!share) return 0;
    return (share.lastRead?.used ?? 0) + share.contributed - (share.lastRead?.synced ?? 0);
  }

  #offlineHeld(day: string, key: string): number {
    let held = 0;
    for (const hold of this.#holds.values()) {
      if (hold.offline && hold.day === day && hold.keys.includes(key)) held += hold.amount;
    }
    return held;
  }

  #holdKeys(hold: Hold): string[] {
    return [
      ...hold.keys.map((key) => this.#keys.spend(hold.day, key)),
      ...hold.keys.map((key) => this.#keys.holds(hold.day, key)),
    ];
  }

  #share(day: string, key: string): Share {
    let shares = this.#shares.get(day);
    if (!shares) {
      shares = new Map();
      this.#shares.set(day, shares);
    }
    let share = shares.get(key);
    if (!share) {
      share = { contributed: 0, inputTokens: 0, outputTokens: 0, synced: 0 };
      shares.set(key, share);
    }
    return share;
  }

  /** Keeps today and yesterday (a restore after midnight still re-writes yesterday's shares). */
  #forgetBefore(day: string): void {
    const yesterday = utcDay(Date.parse(`${day}T00:00:00Z`) - dayMs);
    for (const known of this.#shares.keys()) {
      if (known < yesterday) this.#shares.delete(known);
    }
  }
}

function refusal(limit: DailyLimit | undefined, usedNanos: number): SpendHoldResult {
  return {
    ok: false,
    key: limit?.key ?? "",
    limitUsd: limit?.limitUsd ?? 0,
    spentUsd: usedNanos / nanosPerUsd,
  };
}
