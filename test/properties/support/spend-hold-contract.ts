import fc from "fast-check";
import { expect } from "vitest";
import type { DailyLimit, StateStore } from "../../../index.js";

const keys = ["route:default", "tag:batch", "target:a", "provider:p"] as const;

/** One attempt: the keys it is charged to, its estimate, and what it really costs (at most that). */
const attemptArbitrary = fc.record({
  keys: fc.subarray([...keys], { minLength: 1 }),
  estimatedUsd: fc.integer({ min: 1, max: 1000 }).map((millis) => millis / 1e5),
  share: fc.double({ min: 0, max: 1, noNaN: true }),
  /** Turns of the event loop between the hold and the spend (interleaving with other attempts). */
  pause: fc.nat(5),
});

export const spendHoldScenario = fc.record({
  limits: fc.tuple(...keys.map(() => fc.integer({ min: 0, max: 200 }).map((cents) => cents / 1000))),
  attempts: fc.array(attemptArbitrary, { minLength: 100, maxLength: 250 }),
});
export type SpendHoldScenario = typeof spendHoldScenario extends fc.Arbitrary<infer Value> ? Value : never;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The money contract every StateStore keeps: attempts that hold their estimate before spending
 * at most that much, all at once (spread over `stores`, replicas sharing one state), never take a
 * key past its daily limit; a refusal names a limit that the hold would really have broken; when
 * every estimate fits together nothing is refused; and once every hold is released, snapshots
 * show what was spent. `precision` is how exactly the store keeps dollars (Redis keeps integer
 * nano-dollars, each cost rounded to the nearest): a key may end that much per attempt past it.
 */
export async function checkSpendHolds(
  scenario: SpendHoldScenario,
  stores: readonly StateStore[],
  precisionUsd = 0,
): Promise<void> {
  const limitOf = new Map(keys.map((key, index) => [key as string, scenario.limits[index] ?? 0]));
  const spent = new Map<string, number>();
  const outcomes = await Promise.all(
    scenario.attempts.map(async (attempt, index) => {
      const store = stores[index % stores.length] as StateStore;
      const limits: DailyLimit[] = attempt.keys.map((key) => ({ key, limitUsd: limitOf.get(key) ?? 0 }));
      const held = await store.holdSpend(limits, attempt.estimatedUsd, 60_000);
      if (!held.ok) return held;
      for (let turns = 0; turns < attempt.pause; turns++) await turn();
      const costUsd = attempt.estimatedUsd * attempt.share;
      for (const key of attempt.keys) spent.set(key, (spent.get(key) ?? 0) + costUsd);
      await store.addSpend(attempt.keys, costUsd);
      await held.release();
      return held;
    }),
  );
  const slackUsd = 1e-12 + precisionUsd * scenario.attempts.length;
  for (const [key, usd] of spent) expect(usd, key).toBeLessThanOrEqual((limitOf.get(key) ?? 0) + slackUsd);
  outcomes.forEach((outcome, index) => {
    if (outcome.ok) return;
    const attempt = scenario.attempts[index];
    expect(attempt?.keys).toContain(outcome.key);
    expect(outcome.limitUsd).toBe(limitOf.get(outcome.key));
    expect(outcome.spentUsd + (attempt?.estimatedUsd ?? 0)).toBeGreaterThan(outcome.limitUsd - slackUsd);
  });
  const fitsTogether = keys.every(
    (key) =>
      scenario.attempts
        .filter((attempt) => attempt.keys.includes(key))
        .reduce((sum, attempt) => sum + attempt.estimatedUsd, 0) <=
      (limitOf.get(key) ?? 0) - slackUsd,
  );
  if (fitsTogether) expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
  const snapshot = await (stores[0] as StateStore).snapshot([], [...keys]);
  for (const key of keys) {
    expect(Math.abs((snapshot.spendUsd.get(key) ?? 0) - (spent.get(key) ?? 0)), key).toBeLessThanOrEqual(
      slackUsd,
    );
  }
}
