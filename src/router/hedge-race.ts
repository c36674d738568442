import type { Candidate, ProviderStreamPart, Route, StateSnapshot } from "../core/index.js";
import type { CallState } from "./call-state.js";
import { HedgeCancelled } from "./hedge-cancelled.js";
import { type LinkedSignal, linkSignals } from "./link-signals.js";
import type { PartSink } from "./part-sink.js";
import type { RoutingContext } from "./routing-context.js";
import type { CandidateOutcome } from "./try-candidate.js";

/** Delay before the hedge while the primary has no latency statistics. @default 1000 */
const defaultHedgeDelayMs = 1000;
/** Largest estimated cost a hedge may add to a call. @default 0.01 */
const defaultMaxExtraCostUsd = 0.01;

export interface HedgePlan {
  candidate: Candidate;
  delayMs: number;
}

/**
 * The hedge for a primary candidate when the route enables hedging and the call has not hedged
 * yet: the next candidate still to try, sent after the primary's p95 time to first token (the
 * route's `delayMs` while there are no statistics).
 */
export function planHedge(
  route: Route,
  state: CallState,
  primary: Candidate,
  later: readonly Candidate[],
  snapshot: StateSnapshot,
): HedgePlan | undefined {
  if (!route.hedge?.enabled || state.hedged) return undefined;
  const candidate = later[0];
  if (!candidate) return undefined;
  const stats = snapshot.latency.get(primary.target.id);
  const delayMs = stats && stats.samples > 0 ? stats.ttftP95Ms : (route.hedge.delayMs ?? defaultHedgeDelayMs);
  return { candidate, delayMs: Math.max(0, Math.round(delayMs)) };
}

/** One side of the race: a candidate (with its retries) under its own cancellable signal. */
export interface HedgeLane {
  signal: AbortSignal;
  sink: PartSink;
  onFirstPart: () => void;
}

export interface HedgeRace {
  context: RoutingContext;
  state: CallState;
  route: Route;
  primary: Candidate;
  hedge: HedgePlan;
  /** The call's signal. */
  signal: AbortSignal;
  sink: PartSink;
  run(candidate: Candidate, lane: HedgeLane): Promise<CandidateOutcome>;
}

type LaneResult = { type: "outcome"; outcome: CandidateOutcome } | { type: "error"; error: unknown };

interface Lane extends HedgeLane {
  candidate: Candidate;
  link: LinkedSignal;
}

/**
 * Runs the primary candidate and, if it has produced no first token when the hedge is due, one
 * hedge on the next candidate. The first lane to produce a part wins; the other is cancelled (its
 * upstream request aborted, its attempt recorded by the usual path). Resolves once both lanes
 * have settled, so the trace is complete; `hedged` tells whether the hedge candidate was used.
 */
export async function raceWithHedge(
  race: HedgeRace,
): Promise<{ outcome: CandidateOutcome; hedged: boolean }> {
  const lanes: Lane[] = [];
  let winner: Lane | undefined;
  let timer: NodeJS.Timeout | undefined;
  const open = (candidate: Candidate): Lane => {
    const link = linkSignals([race.signal]);
    const lane: Lane = {
      candidate,
      link,
      signal: link.signal,
      onFirstPart: () => {
        if (winner === lane) return;
        if (winner) throw new HedgeCancelled(winner.candidate.target.id);
        winner = lane;
        clearTimeout(timer);
        for (const other of lanes) {
          if (other !== lane) other.link.abort(new HedgeCancelled(candidate.target.id));
        }
      },
      sink: (part: ProviderStreamPart) =>
        winner === lane
          ? race.sink(part)
          : Promise.reject(new HedgeCancelled(winner?.candidate.target.id ?? "")),
    };
    lanes.push(lane);
    return lane;
  };
  const settle = (lane: Lane): Promise<LaneResult> =>
    race
      .run(lane.candidate, lane)
      .then(
        (outcome): LaneResult => ({ type: "outcome", outcome }),
        (error: unknown): LaneResult => ({ type: "error", error }),
      )
      .finally(() => lane.link.dispose());

  const primary = settle(open(race.primary));
  const due = new Promise<"due">((resolve) => {
    timer = setTimeout(() => resolve("due"), race.hedge.delayMs);
  });
  const first = await Promise.race([primary, due]);
  clearTimeout(timer);
  if (first !== "due" || winner || !affordable(race)) {
    return { outcome: conclude([await primary]), hedged: false };
  }
  race.state.hedged = true;
  race.state.observer.event({
    type: "hedge",
    route: race.route.name,
    target: race.primary.target.id,
    hedge: race.hedge.candidate.target.id,
    delayMs: race.hedge.delayMs,
  });
  const hedge = settle(open(race.hedge.candidate));
  return { outcome: conclude(await Promise.all([primary, hedge])), hedged: true };
}

/** A success wins; otherwise the first error that would have ended the call; otherwise move on. */
function conclude(results: LaneResult[]): CandidateOutcome {
  let contextLength = false;
  for (const result of results) {
    if (result.type === "outcome" && result.outcome.type === "success") return result.outcome;
    if (result.type === "outcome" && result.outcome.type === "next" && result.outcome.contextLength) {
      contextLength = true;
    }
  }
  const ending = results.find(
    (result) => result.type === "error" && !(result.error instanceof HedgeCancelled),
  );
  if (ending?.type === "error") throw ending.error;
  return { type: "next", contextLength };
}

/**
 * The hedge's estimated cost fits under the route's hedge cap and what the call's budget has
 * left. Only a first check: the hedge's attempts reserve their estimates like any other.
 */
function affordable(race: HedgeRace): boolean {
  const { state, route } = race;
  const extraUsd = race.hedge.candidate.estimatedCostUsd;
  if (extraUsd > (route.hedge?.maxExtraCostUsd ?? defaultMaxExtraCostUsd)) return false;
  const limit = state.limits.maxCostUsd;
  return limit === undefined || state.spentUsd + state.reservedUsd + extraUsd <= limit;
}
