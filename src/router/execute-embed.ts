import {
  AbortedError,
  AllTargetsFailedError,
  BudgetExceededError,
  type ChatRequest,
  DeadlineExceededError,
  type EmbedResult,
  NoEligibleTargetError,
  type Route,
  type SwitchyardError,
  type Target,
} from "../core/index.js";
import { LimiterWaitError } from "../limits/index.js";
import { AttemptFailure } from "./attempt-failure.js";
import type { CallObserver } from "./call-observer.js";
import { CallState } from "./call-state.js";
import { decideAfterFailure } from "./decide-after-failure.js";
import { effectiveLimits } from "./effective-limits.js";
import { linkSignals } from "./link-signals.js";
import { planRoute } from "./plan-route.js";
import { ResponseCollector } from "./response-collector.js";
import type { RoutingContext } from "./routing-context.js";
import { sleep } from "./sleep.js";
import type { TargetAttempt } from "./target-attempt.js";
import { tryCandidate } from "./try-candidate.js";

/** An embeddings call as the pipeline runs it: its inputs, and the chat-shaped request the policies read. */
export interface EmbedCall {
  inputs: string[];
  dimensions?: number;
  /** One user message per input, `maxTokens: 1`: what privacy, budgets, limits and health are decided on. */
  request: ChatRequest;
  route: Route;
}

interface Embedded {
  embeddings: number[][];
  inputTokens: number;
}

/** Embedding models take no chat framing and are sent in batches: no context window applies to the whole input. */
const unbounded = Number.MAX_SAFE_INTEGER;

/** The routing context as embeddings see it: embedding targets' context windows lifted (see `unbounded`). */
export function embeddingView(base: RoutingContext): RoutingContext {
  const targets = new Map<string, Target>();
  for (const [id, target] of base.targets) {
    targets.set(
      id,
      base.embeddingModel(id)
        ? { ...target, capabilities: { ...target.capabilities, contextWindow: unbounded } }
        : target,
    );
  }
  return { ...base, targets };
}

/**
 * One `router.embed()` call through the same pipeline as a chat: the route's targets whose provider
 * has an embeddings API (the others are rejected by `capabilities`), then the filters (privacy,
 * budgets, rate limits, health) and the strategy, then each candidate with its retries (p-retry, the
 * same failure decisions and 429 pauses as a chat), then the route's fallback routes, all under one
 * deadline. Inputs beyond a model's `maxInputsPerCall` go in consecutive batches of one attempt.
 */
export async function executeEmbed(
  context: RoutingContext,
  call: EmbedCall,
  telemetry: { callId: string; observer: CallObserver },
): Promise<EmbedResult> {
  const { request } = call;
  const state = new CallState(
    context,
    request,
    call.route,
    effectiveLimits(context, request, call.route),
    telemetry.observer,
    telemetry.callId,
  );
  const { timeoutMs } = state.limits;
  const linked = linkSignals([request.signal]);
  let deadlinePassed = false;
  const deadlineTimer = setTimeout(() => {
    deadlinePassed = true;
    linked.abort(new Error("deadline"));
  }, timeoutMs);
  try {
    const visited = new Set<string>();
    let route: Route | undefined = call.route;
    while (route && !visited.has(route.name)) {
      const current: Route = route;
      if (visited.size > 0) state.limits = effectiveLimits(context, request, current, state.limits);
      visited.add(current.name);
      const embeddable = current.targets.filter((id) => {
        if (context.embeddingModel(id)) return true;
        const target = context.targets.get(id);
        state.trace.rejected.push({
          target: id,
          policy: "capabilities",
          reason: `provider ${target?.provider ?? "?"} (${target?.providerType ?? "unknown type"}) has no embeddings API`,
        });
        return false;
      });
      const candidates =
        embeddable.length === 0
          ? []
          : await planRoute(context, request, { ...current, targets: embeddable }, false, {
              claim: (target) => state.hold(target),
              limits: state.limits,
              signal: linked.signal,
            }).then(
              (plan) => {
                state.trace.rejected.push(...plan.rejected);
                for (const paused of plan.paused) state.notePaused(paused);
                return plan.ranked;
              },
              (error: unknown) => {
                if (!NoEligibleTargetError.isInstance(error)) throw error;
                state.trace.rejected.push(...error.rejected);
                return [];
              },
            );
      state.trace.ranked.push(...candidates.map((candidate) => candidate.target.id));
      for (const [index, candidate] of candidates.entries()) {
        const later = candidates.slice(index + 1);
        const outcome = await tryCandidate<Embedded>({
          context,
          state,
          route: current,
          candidate,
          streaming: false,
          sink: async () => {},
          signal: linked.signal,
          canFailOver: () => later.length > 0 || current.fallback !== undefined,
          runAttempt: (attempt) => embedAttempt(attempt, call),
        });
        if (outcome.type === "success") {
          return {
            embeddings: outcome.result.embeddings,
            usage: { inputTokens: outcome.result.inputTokens },
            costUsd: state.spentUsd,
            route: state.trace,
          };
        }
      }
      const fallback: Route | undefined = current.fallback ? context.routes.get(current.fallback) : undefined;
      if (fallback) {
        const reason = candidates.length === 0 ? "no-eligible-target" : "exhausted";
        state.trace.fallbacks ??= [];
        state.trace.fallbacks.push({ from: current.name, to: fallback.name, reason });
        state.observer.event({
          type: "fallback",
          route: current.name,
          from: current.name,
          to: fallback.name,
          reason: `${reason === "exhausted" ? "route exhausted" : "no target of the route is eligible"}, trying ${fallback.name}`,
        });
      }
      route = fallback;
    }
    throw chainError(state);
  } catch (error) {
    if (request.signal?.aborted) {
      throw new AbortedError({
        reason: request.signal.reason,
        partialText: "",
        usage: { inputTokens: 0, outputTokens: 0 },
        trace: state.trace,
      });
    }
    if (deadlinePassed) throw new DeadlineExceededError(timeoutMs, state.trace, state.errors.at(-1));
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
    linked.dispose();
    state.releaseHold();
  }
}

function chainError(state: CallState): SwitchyardError {
  if (state.budgetRefusal) {
    state.budgetRefusal.trace = state.trace;
    return state.budgetRefusal;
  }
  if (state.trace.attempts.length === 0) {
    const breach = state.trace.rejected.find((rejection) => rejection.budget)?.budget;
    if (breach) return new BudgetExceededError({ ...breach, trace: state.trace });
    return new NoEligibleTargetError(state.trace.route, state.trace.rejected);
  }
  return new AllTargetsFailedError(state.trace, state.errors);
}

/** One attempt: admission, every batch in order, its record; a failure is decided like a chat attempt's. */
async function embedAttempt(attempt: TargetAttempt, call: EmbedCall): Promise<Embedded> {
  const { context, state, route, candidate, signal } = attempt;
  const target = candidate.target;
  const model = context.embeddingModel(target.id);
  if (!model) throw new AttemptFailure({ type: "next" });
  const reserved = context.billablePromptTokens(state.request, target);
  const gate = context.gate(target.id);
  let release: (() => void) | undefined;
  let sent = false;
  let started = performance.now();
  let watch: ReturnType<CallObserver["attempt"]> | undefined;
  const vacate = state.occupy(target.id);
  const embeddings: number[][] = [];
  let reportedTokens = 0;
  let unreported: string[] = [];
  let requestId: string | undefined;
  try {
    const pausedMs = (state.pausedUntil.get(target.id) ?? 0) - Date.now();
    if (pausedMs > 0) await sleep(pausedMs, signal);
    release = gate
      ? await gate.acquire({ weight: reserved, signal, ...(attempt.canFailOver() ? { noWait: true } : {}) })
      : undefined;
    started = performance.now();
    sent = true;
    const sending = state.observer.attempt({
      route,
      target,
      attemptNumber: attempt.attemptNumber,
      hedge: false,
      request: state.request,
    });
    watch = sending;
    const size = Math.max(1, model.maxInputsPerCall);
    for (let offset = 0; offset < call.inputs.length; offset += size) {
      const values = call.inputs.slice(offset, offset + size);
      const answer = await sending.run(() =>
        model.doEmbed({
          values,
          signal,
          ...(call.dimensions !== undefined ? { dimensions: call.dimensions } : {}),
        }),
      );
      embeddings.push(...answer.embeddings);
      if (answer.usage) reportedTokens += answer.usage.inputTokens;
      else unreported = unreported.concat(values);
      requestId = answer.requestId ?? requestId;
    }
  } catch (error) {
    if (error instanceof LimiterWaitError) {
      state.notePaused({
        target: target.id,
        until: Date.now() + error.waitMs,
        reason: "rate-limit",
        action: "skipped",
      });
      throw new AttemptFailure({ type: "next" });
    }
    throw new AttemptFailure(
      await decideAfterFailure(attempt, error, {
        collector: new ResponseCollector(),
        elapsedMs: performance.now() - started,
        ttftMs: undefined,
        sent,
        watch,
      }),
    );
  } finally {
    release?.();
    vacate();
  }
  // Batches the provider reported no usage for are counted as the target bills at most.
  const counted = unreported.length ? await context.countBillableTokens(unreported.join("\n"), target) : 0;
  const inputTokens = reportedTokens + counted;
  gate?.correct(reserved, inputTokens);
  const usage = { inputTokens, outputTokens: 0 };
  await state.record(
    route,
    target,
    {
      outcome: "success",
      ms: Math.round(performance.now() - started),
      costUsd: context.actualCostUsd(target.price, usage),
      possiblyBilled: true,
      ...(requestId ? { requestId } : {}),
    },
    { outputTokens: 0, attemptNumber: attempt.attemptNumber, ...(watch ? { watch } : {}), usage },
  );
  context.retryBudget.onSuccess();
  state.trace.target = target.id;
  state.trace.provider = target.provider;
  state.trace.model = target.model;
  return { embeddings, inputTokens };
}
