/** The most events (times in ms) that any span shorter than `spanMs` holds. */
export function busiestSpan(times: readonly number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= spanMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
