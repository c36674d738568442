/** Dollars with as many decimals as a per-call cost needs ("$0.0123", "$0.000002"), never "$0.00". */
export function formatUsd(usd: number): string {
  return `$${Number(usd.toFixed(6))}`;
}
