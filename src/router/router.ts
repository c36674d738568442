import { randomUUID } from "node:crypto";
import {
  AbortedError,
  type ChatRequest,
  type ChatResult,
  type EmbedRequest,
  type EmbedResult,
  InvalidOptionsError,
  type Provider,
  RouterClosedError,
  type RouteSelection,
  SwitchyardError,
} from "../core/index.js";
import { type CachePreview, cachedCall, previewCache } from "./cached-call.js";
import type { CallObserver } from "./call-observer.js";
import { PartChannel } from "./chat-stream.js";
import { executeCall } from "./execute-call.js";
import { embeddingView, executeEmbed } from "./execute-embed.js";
import { type LinkedSignal, linkSignals } from "./link-signals.js";
import type { PartSink } from "./part-sink.js";
import { planRoute, type RoutePlan } from "./plan-route.js";
import { type RouterStatus, routerStatus } from "./router-status.js";
import type { RoutingContext } from "./routing-context.js";
import { type ChatStream, chatStream } from "./stream-outputs.js";
import { type UsageReport, usageReport } from "./usage-report.js";
import { validateEmbed } from "./validate-embed.js";
import { validateCall } from "./validate-request.js";

/** Swaps the routing context on reload; in-flight calls keep the context they started with. */
export interface RouterBackend {
  context(): RoutingContext;
  reload(): Promise<void>;
  providers(): Iterable<Provider>;
  /**
   * Stops reloads at once, then, once `drained` resolves (every call has ended), closes every
   * provider, limiter and the state store.
   */
  close(drained: Promise<void>): Promise<void>;
}

export interface CloseOptions {
  /**
   * How long calls in flight may go on finishing before they are stopped with `RouterClosedError`,
   * ms; `Infinity` waits for every one of them. New calls are refused either way.
   * @default 0 (calls in flight are stopped at once)
   */
  graceMs?: number;
}

/** setTimeout's largest delay; a longer grace is this long. */
const maxTimerMs = 2 ** 31 - 1;

/** Routes every call through the policy. Create it with `createRouter`. */
export class Router {
  readonly #host: RouterBackend;
  /** Calls in flight: the signal each one runs under (aborted by `close`) and its end. */
  readonly #calls = new Map<LinkedSignal, Promise<unknown>>();
  /** The reason calls in flight are aborted with; an `AbortedError` caused by it becomes a `RouterClosedError`. */
  readonly #closedReason = new RouterClosedError();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @internal Routers are built by `createRouter`. */
  constructor(host: RouterBackend) {
    this.#host = host;
  }

  /** Sends one request and resolves with the answer and its route trace. */
  async chat(request: ChatRequest): Promise<ChatResult> {
    this.#assertOpen();
    return this.#start(request, false, async () => {});
  }

  /**
   * Streams one request: text and tool-call parts as they arrive, then `finish` or `error`. An
   * invalid request ends the stream with its `error` part (and rejects `result`), like any failure.
   */
  stream(request: ChatRequest): ChatStream {
    this.#assertOpen();
    const reader = new AbortController();
    let channel: PartChannel | undefined;
    const result = this.#start(request, true, (part) => (channel ? channel.push(part) : Promise.resolve()), [
      reader.signal,
    ]);
    result.catch(() => {});
    channel = new PartChannel(result, () => reader.abort(new Error("the stream's reader stopped reading")));
    const read = channel;
    return chatStream(
      () => read.read(),
      result,
      (reason?: unknown) => reader.abort(reason ?? new Error("cancelled")),
    );
  }

  /**
   * Embeds one text or several, routed like a chat: the route's targets whose provider has an
   * embeddings API, the same privacy, budgets, rate limits, health, retries and fallback routes.
   * Resolves with one vector per input, in order, with usage, cost and the route trace.
   */
  async embed(request: EmbedRequest): Promise<EmbedResult> {
    this.#assertOpen();
    const context = embeddingView(this.#host.context());
    return this.#track(
      context,
      false,
      [],
      ({ callId, observer, link }) =>
        untilClosed(validateEmbed(context, request), link.signal, this.#closedReason).then((valid) => {
          const call = linkSignals([valid.request.signal, link.signal]);
          const routed = { ...valid, request: { ...valid.request, signal: call.signal } };
          observer.started({ request: routed.request, route: valid.route });
          return executeEmbed(context, routed, { callId, observer })
            .then((value) => ({ ...value, route: context.secrets.scrub(value.route) }))
            .finally(() => call.dispose());
        }),
      embedAsResult,
    );
  }

  /**
   * A dry run: the candidates, every rejection with its policy and reason, and the ranking. The
   * request is validated exactly as `chat()` validates it, so what explain accepts chat accepts.
   * On a route with a response cache, `cache` says whether the call would be served from it.
   */
  async explain(
    request: ChatRequest,
    options: { streaming?: boolean } = {},
  ): Promise<RoutePlan & { route: string; selection?: RouteSelection; cache?: CachePreview }> {
    this.#assertOpen();
    const context = this.#host.context();
    const { request: valid, route, selection } = await validateCall(context, request);
    const plan = await planRoute(context, valid, route, options.streaming ?? false, { signal: valid.signal });
    const cache = await previewCache(context, valid, route);
    return { ...plan, route: route.name, ...(selection ? { selection } : {}), ...(cache ? { cache } : {}) };
  }

  /**
   * Re-reads the policy file; a bad edit keeps the last good policy and rejects with its error.
   * Reloads run one at a time (the watcher's too); asked for while one runs, it coalesces with
   * any other request into one reload after it. Emits `policy-reload`.
   */
  reload(): Promise<void> {
    if (this.#closed) return Promise.reject(new RouterClosedError());
    return this.#host.reload();
  }

  /** Live load of each provider that reports it (the local engine). */
  metrics(): Record<string, ReturnType<NonNullable<Provider["metrics"]>>> {
    const entries: Record<string, ReturnType<NonNullable<Provider["metrics"]>>> = {};
    for (const provider of this.#host.providers()) entries[provider.id] = provider.metrics?.();
    return entries;
  }

  /**
   * The policy in force as it stands now: its routes, and each target's health (breaker, failures,
   * ejection), latency, limiter (limits, expected wait, 429 pause), calls in flight and engine load.
   * Read from the state store (shared over replicas on Redis) and this process's counters.
   * Rejects with `RouterClosedError` once closed, and with `StateUnavailableError` while Redis is down.
   */
  async status(): Promise<RouterStatus> {
    this.#assertOpen();
    return routerStatus(this.#host.context());
  }

  /**
   * Today's spend and tokens by route, tag, target and provider, from the router's state store
   * (in memory, or Redis summed over every replica); today is the UTC day the daily budgets count.
   * Rejects with `RouterClosedError` once closed, with `StateUnavailableError` while Redis is down,
   * and with `InvalidOptionsError` when a custom store has no `spendToday()`.
   */
  async usage(): Promise<UsageReport> {
    this.#assertOpen();
    const { store } = this.#host.context();
    if (typeof store.spendToday !== "function") {
      throw new InvalidOptionsError(
        "router.usage",
        "state",
        "the state store does not implement spendToday(), so it cannot report usage",
      );
    }
    return usageReport(await store.spendToday());
  }

  /**
   * Refuses new calls, stops the calls in flight with `RouterClosedError` (after `graceMs`, if
   * given), then frees engines, connections and timers. Resolves once no call is left and nothing
   * will be sent upstream again. Calling it again (even with other options) returns the same
   * promise. Rejects with `InvalidOptionsError` for a `graceMs` that is not a number ≥ 0, and then
   * leaves the router open.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closing) return this.#closing;
    let graceMs: number;
    try {
      graceMs = validateGraceMs(options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#closed = true;
    this.#closing = this.#host.close(this.#drain(graceMs));
    return this.#closing;
  }

  async #drain(graceMs: number): Promise<void> {
    if (graceMs > 0 && this.#calls.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        if (graceMs !== Number.POSITIVE_INFINITY) timer = setTimeout(resolve, Math.min(graceMs, maxTimerMs));
      });
      await Promise.race([Promise.allSettled(this.#calls.values()), graceOver]);
      clearTimeout(timer);
    }
    const remaining = [...this.#calls];
    for (const [link] of remaining) link.abort(this.#closedReason);
    await Promise.allSettled(remaining.map(([, done]) => done));
  }

  /**
   * Validates and runs one call under a signal `close` can abort, and keeps it in `#calls` until it
   * ends (validation included: a call being validated is a call in flight).
   */
  #start(
    request: ChatRequest,
    streaming: boolean,
    sink: PartSink,
    signals: readonly AbortSignal[] = [],
  ): Promise<ChatResult> {
    const context = this.#host.context();
    return this.#track(
      context,
      streaming,
      signals,
      ({ callId, observer, link }) =>
        untilClosed(validateCall(context, request), link.signal, this.#closedReason).then(
          ({ request: valid, route, selection }) => {
            // The call runs under the link `close` aborts, now also following the caller's signal:
            // one AbortSignal for the whole call, whose deadline `executeCall` sets on it too.
            link.follow(valid.signal);
            const routed = { ...valid, route: route.name, signal: link.signal };
            observer.started({ request: routed, route, ...(selection ? { selection } : {}) });
            const calling = { callId, observer, link, ...(selection ? { selection } : {}) };
            return cachedCall(
              {
                context,
                request: routed,
                route,
                streaming,
                sink,
                callId,
                ...(selection ? { selection } : {}),
              },
              (sent) => executeCall(context, sent, streaming, sink, calling),
            ).then((value) => context.secrets.scrub(value));
          },
        ),
      (result) => result,
    );
  }

  /**
   * Runs one call under a signal `close` can abort and keeps it in `#calls` until it ends
   * (validation included). Gives it its id and observer (begun synchronously, before anything is
   * awaited, so an observer may capture the caller's context), and is the boundary of its errors:
   * whatever an adapter or a server put in them, no secret leaves in an error (message, fields,
   * cause chain, attempts) — `work` scrubs its result the same way — and every error carries the
   * call's id.
   */
  #track<T>(
    context: RoutingContext,
    streaming: boolean,
    signals: readonly AbortSignal[],
    work: (call: { callId: string; observer: CallObserver; link: LinkedSignal }) => Promise<T>,
    asResult: (value: T) => ChatResult,
  ): Promise<T> {
    const link = linkSignals(signals);
    const callId = randomUUID();
    const began = performance.now();
    const observer = context.telemetry.begin({ callId, streaming, startedAt: Date.now() });
    const result = work({ callId, observer, link })
      .then((value) => {
        observer.ended({
          outcome: "success",
          result: asResult(value),
          durationMs: performance.now() - began,
        });
        return value;
      })
      .catch((error: unknown) => {
        const scrubbed = context.secrets.scrub(this.#stoppedByClose(error) ?? error);
        if (SwitchyardError.isInstance(scrubbed)) scrubbed.callId = callId;
        const aborted = AbortedError.isInstance(scrubbed) || RouterClosedError.isInstance(scrubbed);
        observer.ended({
          outcome: aborted ? "aborted" : "error",
          error: scrubbed,
          durationMs: performance.now() - began,
        });
        throw scrubbed;
      })
      .finally(() => {
        link.dispose();
        this.#calls.delete(link);
      });
    this.#calls.set(link, result);
    return result;
  }

  /** The call ended because `close` aborted it (not its caller): what it had done, as a `RouterClosedError`. */
  #stoppedByClose(error: unknown): RouterClosedError | undefined {
    if (error === this.#closedReason) return new RouterClosedError();
    if (!AbortedError.isInstance(error) || error.cause !== this.#closedReason) return undefined;
    return new RouterClosedError({ partialText: error.partialText, usage: error.usage, trace: error.trace });
  }

  #assertOpen(): void {
    if (this.#closed) throw new RouterClosedError();
  }
}

/**
 * `work`, or a rejection with `closedReason` as soon as `signal` aborts with it (the work is left to
 * finish). Any other abort waits for the work: the call then starts under an aborted signal and ends
 * as a typed `AbortedError`.
 */
function untilClosed<T>(work: Promise<T>, signal: AbortSignal, closedReason: unknown): Promise<T> {
  if (signal.reason === closedReason) return Promise.reject(closedReason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (signal.reason === closedReason) reject(closedReason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function validateGraceMs(options: unknown): number {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidOptionsError("router.close", "options", "expected an object such as { graceMs: 5000 }");
  }
  const { graceMs = 0 } = options as CloseOptions;
  if (typeof graceMs !== "number" || Number.isNaN(graceMs) || graceMs < 0) {
    throw new InvalidOptionsError(
      "router.close",
      "graceMs",
      `expected a number of milliseconds ≥ 0 (or Infinity), got ${typeof graceMs === "number" ? graceMs : typeof graceMs}`,
    );
  }
  return graceMs;
}

/** An embeddings result as the telemetry sinks read a call's outcome (no text; usage and cost). */
function embedAsResult(result: EmbedResult): ChatResult {
  return {
    text: "",
    message: { role: "assistant", content: "" },
    finishReason: "stop",
    usage: { inputTokens: result.usage.inputTokens, outputTokens: 0 },
    costUsd: result.costUsd,
    route: result.route,
    warnings: [],
  };
}
