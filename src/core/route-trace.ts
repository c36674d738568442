import type { ErrorKind } from "./errors/error-kind.js";
import type { BudgetBreach } from "./policy.js";
import type { RouteSelection } from "./route-selection.js";

export type AttemptOutcome = "success" | "error" | "aborted" | "interrupted";

export interface AttemptRecord {
  target: string;
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  errorKind?: ErrorKind;
  /** One line, secrets redacted. */
  errorMessage?: string;
  status?: number;
  ms: number;
  costUsd: number;
  /** The provider may have charged for it (a timeout or interruption after the request was accepted). */
  possiblyBilled: boolean;
  requestId?: string;
}

export interface RejectedCandidate {
  target: string;
  /** The policy that rejected it. */
  policy: string;
  reason: string;
  /** The budget that rejected it, when one did. */
  budget?: BudgetBreach;
}

/** Every result explains its choice. */
export interface RouteTrace {
  route: string;
  /** How the route was chosen; present when the policy has `select` rules. */
  selection?: RouteSelection;
  /** The target that produced the answer, when one did. */
  target?: string;
  provider?: string;
  model?: string;
  /** Candidates in the order they were ranked. */
  ranked: string[];
  attempts: AttemptRecord[];
  rejected: RejectedCandidate[];
}
