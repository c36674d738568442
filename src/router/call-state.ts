import type {
  AttemptRecord,
  BudgetExceededError,
  CallLimits,
  ChatRequest,
  FinishReason,
  InvalidRequestError,
  PausedTarget,
  Route,
  RouteTrace,
  SwitchyardError,
  Target,
  Usage,
} from "../core/index.js";
import type { AttemptObserver, CallObserver } from "./call-observer.js";
import type { RoutingContext } from "./routing-context.js";

/** What one call has done so far: its trace, spend and errors, shared by every attempt. */
export class CallState {
  readonly trace: RouteTrace;
  readonly errors: SwitchyardError[] = [];
  readonly warnings: string[] = [];
  spentUsd = 0;
  /** Estimated cost of attempts in flight, so concurrent attempts (a hedge) share one budget. */
  reservedUsd = 0;
  /** The latest attempt a budget kept from being sent: the call's error if nothing answers. */
  budgetRefusal: BudgetExceededError | undefined;
  /** The prompt fit no target of a route that had a fallback route: the error if no route fits it. */
  promptTooLong: InvalidRequestError | undefined;
  /** The call has sent its one hedged request. */
  hedged = false;
  /** Text delivered by interrupted attempts that a later target continues. */
  continuation = "";
  /** Reasoning those attempts delivered: the caller read it, so the result's reasoning starts with it. */
  continuationReasoning = "";
  continuationUsage: Usage = { inputTokens: 0, outputTokens: 0 };
  readonly startedAt = performance.now();
  /** 429 pauses this call knows of (its plans' snapshots and its own 429s), until when (ms since epoch). */
  readonly pausedUntil = new Map<string, number>();
  /** The count this call holds on the target ranked first for it, until an attempt there takes it. */
  #hold: { target: string; release: () => void } | undefined;

  constructor(
    readonly context: RoutingContext,
    readonly request: ChatRequest,
    route: Route,
    /** The limits of the route the call is on now (`effectiveLimits`); the deadline never changes. */
    public limits: CallLimits,
    /** What watches this call (events, spans, logs); `trace.callId` is its id. */
    readonly observer: CallObserver,
    callId: string,
  ) {
    this.trace = { callId, route: route.name, ranked: [], attempts: [], rejected: [] };
  }

  /** Counts this call on `target` (ranked first) at once, so calls planned together spread out. */
  hold(target: string): void {
    this.releaseHold();
    this.#hold = { target, release: this.context.occupancy.acquire(target) };
  }

  /** Counts this call on `target` for an attempt (taking over the hold); call the result when it ends. */
  occupy(target: string): () => void {
    const hold = this.#hold;
    if (hold?.target === target) {
      this.#hold = undefined;
      return hold.release;
    }
    return this.context.occupancy.acquire(target);
  }

  /** Notes in the trace that `paused` was skipped or waited on, and until when. */
  notePaused(paused: PausedTarget): void {
    this.trace.paused ??= [];
    const known = this.trace.paused.find(
      (entry) => entry.target === paused.target && entry.action === paused.action,
    );
    if (known) known.until = Math.max(known.until, paused.until);
    else this.trace.paused.push(paused);
    this.observer.event({ type: "paused", route: this.trace.route, ...paused });
  }

  releaseHold(): void {
    this.#hold?.release();
    this.#hold = undefined;
  }

  get remainingMs(): number {
    return this.limits.timeoutMs - (performance.now() - this.startedAt);
  }

  /** Records an attempt in the trace, the state store and the spend ledger. */
  async record(
    route: Route,
    target: Target,
    entry: Omit<AttemptRecord, "target" | "provider" | "model">,
    observed: {
      ttftMs?: number;
      outputTokens: number;
      attemptNumber: number;
      /** The attempt's observer, when it was sent; else one is made for the record. */
      watch?: AttemptObserver;
      usage?: Usage;
      finishReason?: FinishReason;
      text?: string;
      reasoning?: string;
      hedge?: boolean;
    },
  ): Promise<void> {
    const record: AttemptRecord = {
      target: target.id,
      provider: target.provider,
      model: target.model,
      ...entry,
    };
    if (record.errorMessage) record.errorMessage = this.context.redact(record.errorMessage);
    // An id read from a response header (`x-request-id: req-<key>`) is the server's echo.
    if (record.requestId) record.requestId = this.context.redact(record.requestId);
    this.trace.attempts.push(record);
    this.spentUsd += record.costUsd;
    const watch =
      observed.watch ??
      this.observer.attempt({
        route,
        target,
        attemptNumber: observed.attemptNumber,
        hedge: observed.hedge ?? false,
        request: this.request,
      });
    watch.ended({
      record,
      ...(observed.usage ? { usage: observed.usage } : {}),
      ...(observed.finishReason ? { finishReason: observed.finishReason } : {}),
      ...(observed.text !== undefined ? { text: observed.text } : {}),
      ...(observed.reasoning ? { reasoning: observed.reasoning } : {}),
    });
    const counts = record.outcome !== "aborted" && record.errorKind !== "aborted";
    // Tokens go to the ledger beside the cost (a free local target's too), for `router.usage()`.
    const { usage } = observed;
    const spentTokens =
      usage && (usage.inputTokens > 0 || usage.outputTokens > 0)
        ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }
        : undefined;
    await Promise.all([
      counts
        ? this.context.store.recordAttempt({
            target: target.id,
            ok: record.outcome === "success",
            ...(record.errorKind ? { errorKind: record.errorKind } : {}),
            ...(observed.ttftMs !== undefined ? { ttftMs: observed.ttftMs } : {}),
            totalMs: record.ms,
            outputTokens: observed.outputTokens,
            at: Date.now(),
          })
        : undefined,
      record.costUsd > 0 || spentTokens
        ? this.context.store.addSpend(
            this.context.spendKeys(route, this.request, target),
            record.costUsd,
            ...(spentTokens ? [spentTokens] : []),
          )
        : undefined,
    ]);
  }
}
