import type { Candidate, Route } from "../core/index.js";
import type { CallState } from "./call-state.js";
import type { PartSink } from "./part-sink.js";
import type { RoutingContext } from "./routing-context.js";

/** One attempt on one target, as the attempt loop and its failure decision see it. */
export interface TargetAttempt {
  context: RoutingContext;
  state: CallState;
  route: Route;
  candidate: Candidate;
  streaming: boolean;
  sink: PartSink;
  signal: AbortSignal;
  attemptNumber: number;
  /** This attempt is the call's hedged request. */
  hedge?: boolean;
  /** Called at the first part; throws when this attempt lost a hedge race. */
  onFirstPart?: () => void;
  /** Whether a later candidate can take the call now: a rate-limited target is then not retried. */
  canFailOver: () => boolean;
}
