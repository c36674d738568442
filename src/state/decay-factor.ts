/**
 * Weight left to an observation `elapsedMs` old when weights halve every `halfLifeMs`.
 * Observations from the future (clock skew between callers) keep their full weight.
 */
export function decayFactor(elapsedMs: number, halfLifeMs: number): number {
  return elapsedMs <= 0 ? 1 : 2 ** (-elapsedMs / halfLifeMs);
}
