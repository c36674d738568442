import type { BudgetBreach } from "../policy.js";
import type { RouteTrace } from "../route-trace.js";
import { formatUsd } from "./format-usd.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("BudgetExceededError");

/**
 * The next attempt would exceed a budget, so it was not sent: the call's cap, or a daily budget
 * found spent by the cost filter or by the hold placed before an attempt.
 */
export class BudgetExceededError extends SwitchyardError {
  readonly [marker] = true;
  /** Which budget: "call", "route:<name>", "tag:<name>", "target:<id>" or "provider:<id>". */
  readonly budget: string;
  readonly limitUsd: number;
  /** Spent before the refused attempt (for a daily budget, with what calls in flight hold). */
  readonly spentUsd: number;
  readonly estimatedUsd: number;
  /** The call's route trace, set when the error ends a call. */
  trace: RouteTrace | undefined;

  constructor(options: BudgetBreach & { trace?: RouteTrace }) {
    super(
      `Budget ${options.budget} would be exceeded: spent ${formatUsd(options.spentUsd)} + next attempt ~${formatUsd(options.estimatedUsd)} > limit ${formatUsd(options.limitUsd)}`,
    );
    this.name = "BudgetExceededError";
    this.budget = options.budget;
    this.limitUsd = options.limitUsd;
    this.spentUsd = options.spentUsd;
    this.estimatedUsd = options.estimatedUsd;
    this.trace = options.trace;
  }

  static override isInstance(error: unknown): error is BudgetExceededError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      budget: this.budget,
      limitUsd: this.limitUsd,
      spentUsd: this.spentUsd,
      estimatedUsd: this.estimatedUsd,
      ...(this.trace ? { route: this.trace } : {}),
    };
  }
}
