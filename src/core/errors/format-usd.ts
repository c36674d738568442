/**
 * Dollars with as many decimals as the amount needs to show two significant digits, at least
 * up to micro-dollars: "$0.0123", "$0.000002", "$0.000000001", "$5". Never "$0" for a non-zero
 * amount, and never exponent notation.
 */
export function formatUsd(usd: number): string {
  if (usd === 0 || !Number.isFinite(usd)) return `$${usd}`;
  const magnitude = Math.floor(Math.log10(Math.abs(usd)));
  const decimals = Math.min(20, Math.max(6, 1 - magnitude));
  const text = usd.toFixed(decimals).replace(/0+$/, "").replace(/\.$/, "");
  return `$${text}`;
}
