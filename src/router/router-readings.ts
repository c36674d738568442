import type { RouterReadings } from "../telemetry/index.js";
import type { RoutingContext } from "./routing-context.js";

/**
 * Breaker states and local-engine load of the policy in force, for the observable gauges: one
 * store snapshot of every target, and each engine once (targets of one engine share it).
 */
export async function routerReadings(context: RoutingContext | undefined): Promise<RouterReadings> {
  if (!context) return { targets: [], engines: [] };
  const targets = [...context.targets.values()];
  const snapshot = await context.store.snapshot(
    targets.map((target) => target.id),
    [],
  );
  const engines = new Map<string, RouterReadings["engines"][number]>();
  for (const target of targets) {
    const replica = target.group === undefined ? undefined : target.id.slice(target.group.length + 1);
    const key = `${target.provider}\u0000${replica ?? ""}`;
    if (engines.has(key)) continue;
    const load = context.load(target.id);
    if (!load) continue;
    engines.set(key, {
      provider: target.provider,
      ...(replica !== undefined ? { replica } : {}),
      busySlots: load.busySlots,
      slots: load.slots,
      queueDepth: load.queueDepth,
    });
  }
  return {
    targets: targets.map((target) => {
      const health = snapshot.health.get(target.id);
      // A target the store has no record of has never failed: its breaker is closed.
      return { target: target.id, provider: target.provider, breaker: health?.breaker ?? "closed" };
    }),
    engines: [...engines.values()],
  };
}
