import pRetry from "p-retry";
import { BudgetExceededError, type Candidate, type ChatResult, type Route } from "../core/index.js";
import { attemptEstimateUsd, reserveAttempt } from "./attempt-budget.js";
import { type AttemptDecision, AttemptFailure } from "./attempt-failure.js";
import type { CallState } from "./call-state.js";
import type { PartSink } from "./part-sink.js";
import type { RoutingContext } from "./routing-context.js";
import { runTargetAttempt } from "./run-target-attempt.js";
import { sleep } from "./sleep.js";
import type { TargetAttempt } from "./target-attempt.js";

/** What trying one candidate (with its retries) led to, when it did not end the call. */
export type CandidateOutcome<T = ChatResult> =
  | { type: "success"; result: T }
  | { type: "next"; contextLength: boolean };

export interface CandidateRun<T = ChatResult> {
  context: RoutingContext;
  state: CallState;
  route: Route;
  candidate: Candidate;
  streaming: boolean;
  sink: PartSink;
  /** The call's signal, or a hedge lane's signal linked to it. */
  signal: AbortSignal;
  /** Called at each attempt's first part; throws when a hedge already won. */
  onFirstPart?: () => void;
  /** Whether a later candidate can take the call now: a rate-limited target is then not retried. */
  canFailOver: () => boolean;
  /** This candidate is the call's hedge. */
  hedge?: boolean;
  /** One attempt. @default a chat attempt (`runTargetAttempt`) */
  runAttempt?: (attempt: TargetAttempt) => Promise<T>;
}

/**
 * One candidate with its retries (p-retry, the only retry layer). Every attempt first reserves
 * its estimate against every budget it counts towards and gives it back once its real cost is
 * recorded; an attempt a budget cannot cover is not sent, and the chain moves on to the next
 * candidate (a cheaper one, or one outside the spent budget, may fit). Resolves with a result or
 * "next"; throws the error that ends the call (or the signal's reason when it aborted).
 *
 * The first attempt runs outside p-retry, which is set up only once it failed and is to be retried
 * (most calls succeed at once, and p-retry's per-call setup was a measured share of the router's
 * overhead); from the second attempt on, p-retry runs the loop exactly as it would have.
 */
export async function tryCandidate<T = ChatResult>(run: CandidateRun<T>): Promise<CandidateOutcome<T>> {
  const { context, state, route, candidate, signal } = run;
  const target = candidate.target;
  const runAttempt =
    run.runAttempt ?? (runTargetAttempt as unknown as (attempt: TargetAttempt) => Promise<T>);
  // Held outside p-retry: it re-checks the signal after a success, and a recorded answer stands.
  const answered: { result?: T } = {};
  const attempt = async (attemptNumber: number): Promise<T> => {
    const estimatedUsd = await attemptEstimateUsd(context, state, candidate);
    const release = await reserveAttempt(context, state, route, candidate, estimatedUsd).catch(
      (error: unknown) => {
        if (!BudgetExceededError.isInstance(error)) throw error;
        state.budgetRefusal = error;
        throw new AttemptFailure({ type: "next" });
      },
    );
    try {
      answered.result = await runAttempt({ ...run, attemptNumber });
      return answered.result;
    } finally {
      await release();
    }
  };
  /** Whether attempt `attemptNumber`'s failure is retried; waits out its delay first. */
  const retries = async (error: unknown, attemptNumber: number): Promise<boolean> => {
    const decision = AttemptFailure.decisionOf(error);
    if (decision?.type !== "retry") return false;
    state.observer.event({
      type: "retry",
      route: route.name,
      target: target.id,
      attempt: attemptNumber + 1,
      delayMs: decision.delayMs,
    });
    await sleep(decision.delayMs, signal);
    return true;
  };
  const maxAttempts = Math.max(1, target.maxAttempts);
  try {
    signal.throwIfAborted();
    let result: T;
    try {
      result = await attempt(1);
    } catch (error) {
      if (answered.result || maxAttempts === 1 || !(await retries(error, 1))) throw error;
      signal.throwIfAborted();
      // Attempt n of p-retry's loop is attempt n + 1 of the candidate.
      result = await pRetry((attemptNumber) => attempt(attemptNumber + 1), {
        retries: maxAttempts - 2,
        minTimeout: 0,
        maxTimeout: 0,
        signal,
        shouldRetry: ({ error: failure, attemptNumber }) => retries(failure, attemptNumber + 1),
      });
    }
    signal.throwIfAborted();
    return { type: "success", result };
  } catch (error) {
    if (answered.result) return { type: "success", result: answered.result };
    const decision: AttemptDecision | undefined = AttemptFailure.decisionOf(error);
    if (!decision) throw error;
    if (decision.type === "stop") throw decision.error;
    return { type: "next", contextLength: decision.type === "next" && decision.contextLength === true };
  }
}
