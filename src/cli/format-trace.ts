import { formatUsd } from "../core/errors/format-usd.js";
import type { ChatResult } from "../core/index.js";

/** A short account of how the answer was routed; the full trace with `verbose`. */
export function formatTrace(result: ChatResult, verbose: boolean): string {
  const { route } = result;
  const attempts = route.attempts
    .map((attempt) => `${attempt.target}:${attempt.errorKind ?? attempt.outcome} ${attempt.ms}ms`)
    .join(" → ");
  const summary = `route ${route.route} → ${route.target} (${route.provider}:${route.model}) · attempts ${attempts} · ${result.usage.inputTokens}+${result.usage.outputTokens} tokens · ${formatUsd(result.costUsd)}`;
  if (!verbose) return summary;
  const rejected = route.rejected.map(
    (entry) => `  rejected ${entry.target} by ${entry.policy}: ${entry.reason}`,
  );
  return [summary, `  ranked ${route.ranked.join(", ")}`, ...rejected].join("\n");
}
