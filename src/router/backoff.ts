/** Exponential backoff with equal jitter: base × 2^(retry−1), capped, then between half and all of it. */
export function backoffMs(
  retry: number,
  random: () => number,
  options: { baseMs: number; maxMs: number } = { baseMs: 500, maxMs: 8000 },
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
