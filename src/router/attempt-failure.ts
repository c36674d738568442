import type { SwitchyardError } from "../core/index.js";

/** What the chain does after a failed attempt. */
export type AttemptDecision =
  | { type: "retry"; delayMs: number }
  | { type: "next"; contextLength?: boolean }
  | { type: "stop"; error: SwitchyardError | unknown };

/** Carries a failed attempt's decision through p-retry to the chain. */
export class AttemptFailure extends Error {
  readonly decision: AttemptDecision;

  constructor(decision: AttemptDecision) {
    super(`attempt failed: ${decision.type}`);
    this.name = "AttemptFailure";
    this.decision = decision;
  }

  static decisionOf(error: unknown): AttemptDecision | undefined {
    return error instanceof AttemptFailure ? error.decision : undefined;
  }
}
