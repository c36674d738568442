import type { Candidate, Filter, HealthState } from "../../src/core/index.js";

function ejectedAt(health: HealthState | undefined, now: number): boolean {
  return health?.ejectedUntil !== undefined && now < health.ejectedUntil;
}

/**
 * Removes targets whose circuit breaker is open and targets ejected as outliers. Half-open
 * targets stay: their calls are the probes that close the breaker again.
 *
 * Never ejects the last healthy target (Envoy's max_ejection_percent): when every target the
 * breakers allow is ejected, the one whose ejection ends first stays, because ejection is a guess
 * from a few failures while an open breaker is a measured failure rate. When every breaker is
 * open, none is eligible unless the policy's `health.whenAllOpen` is `probe`: then the target whose
 * breaker opened first is tried anyway. `health.halfOpenProbes` caps the calls this process has in
 * flight to a half-open target; the others skip it until a probe's result moves the breaker.
 */
export const healthPolicy: Filter = {
  kind: "filter",
  name: "health",
  filter({ candidates, snapshot, route }) {
    const { now } = snapshot;
    const healthOf = (candidate: Candidate) => snapshot.health.get(candidate.target.id);
    const allowed = candidates.filter((candidate) => healthOf(candidate)?.breaker !== "open");
    const ejected = allowed.filter((candidate) => ejectedAt(healthOf(candidate), now));
    const spared =
      ejected.length > 0 && ejected.length === allowed.length
        ? ejected.reduce((best, candidate) =>
            (healthOf(candidate)?.ejectedUntil ?? 0) < (healthOf(best)?.ejectedUntil ?? 0) ? candidate : best,
          )
        : allowed.length === 0 && candidates.length > 0 && route.whenAllOpen === "probe"
          ? // `health.whenAllOpen: probe`: the breaker that opened first is the likeliest to have healed.
            candidates.reduce((best, candidate) =>
              (healthOf(candidate)?.openedAt ?? 0) < (healthOf(best)?.openedAt ?? 0) ? candidate : best,
            )
          : undefined;
    return candidates.flatMap((candidate) => {
      const health = healthOf(candidate);
      if (!health || candidate === spared) return [];
      if (health.breaker === "open") {
        const openFor = Math.max(0, Math.round((now - (health.openedAt ?? now)) / 1000));
        return [{ target: candidate.target.id, reason: `circuit breaker is open (opened ${openFor} s ago)` }];
      }
      const probes = route.halfOpenProbes;
      const inFlight = snapshot.load?.get(candidate.target.id)?.inFlight ?? 0;
      if (health.breaker === "half-open" && probes !== undefined && inFlight >= probes) {
        return [
          {
            target: candidate.target.id,
            reason: `circuit breaker is half-open and its ${probes} probe${probes === 1 ? " is" : "s are"} in flight`,
          },
        ];
      }
      if (ejectedAt(health, now)) {
        const left = Math.ceil(((health.ejectedUntil ?? now) - now) / 1000);
        return [
          {
            target: candidate.target.id,
            reason: `ejected after repeated failures for another ${left} s (ejection ${health.ejections} in a row)`,
          },
        ];
      }
      return [];
    });
  },
};
