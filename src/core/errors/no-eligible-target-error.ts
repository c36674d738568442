import type { RejectedCandidate } from "../route-trace.js";
import { errorMarker, SwitchyardError } from "./switchyard-error.js";

const marker = errorMarker("NoEligibleTargetError");

/** No target of the route can serve the request; `rejected` says why for each one. */
export class NoEligibleTargetError extends SwitchyardError {
  readonly [marker] = true;
  readonly route: string;
  readonly rejected: RejectedCandidate[];

  constructor(route: string, rejected: RejectedCandidate[]) {
    const reasons = rejected.map((entry) => `${entry.target}: ${entry.reason}`).join("; ");
    super(
      `No target of route "${route}" can serve this request (${reasons || "the route lists no targets"})`,
    );
    this.name = "NoEligibleTargetError";
    this.route = route;
    this.rejected = rejected;
  }

  static override isInstance(error: unknown): error is NoEligibleTargetError {
    return typeof error === "object" && error !== null && marker in error;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), route: this.route, rejected: this.rejected };
  }
}
