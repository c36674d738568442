import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("BudgetExceededError");

/** The next attempt would exceed a budget; it was not sent. */
export class BudgetExceededError extends SwitchyardError {
  readonly [marker] = true;
  /** Which budget: "call", "route:<name>" or "tag:<name>". */
  readonly budget: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
  readonly estimatedUsd: number;

  constructor(options: { budget: string; limitUsd: number; spentUsd: number; estimatedUsd: number }) {
    super(
      `Budget ${options.budget} would be exceeded: spent $${options.spentUsd.toFixed(6)} + next attempt ~$${options.estimatedUsd.toFixed(6)} > limit $${options.limitUsd.toFixed(6)}`,
    );
    this.name = "BudgetExceededError";
    this.budget = options.budget;
    this.limitUsd = options.limitUsd;
    this.spentUsd = options.spentUsd;
    this.estimatedUsd = options.estimatedUsd;
  }

  static override isInstance(error: unknown): error is BudgetExceededError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
