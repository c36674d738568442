import { parseAnswer, serializeAnswer, unstorableReason } from "../cache/cached-answer.js";
import { type KeyedTarget, responseCacheKey } from "../cache/response-cache-key.js";
import {
  type CacheStatus,
  type ChatRequest,
  type ChatResult,
  DeadlineExceededError,
  type Route,
  type RouteCache,
} from "../core/index.js";
import { effectiveLimits } from "./effective-limits.js";
import { traceOf } from "./event-sink.js";
import type { RoutingContext } from "./routing-context.js";
import { aborted, type CachedCall, emptyTrace, serveHit } from "./serve-cached-answer.js";

/** What `explain` says the route's cache would do for a request. */
export interface CachePreview {
  status: CacheStatus;
  /** Why not "hit": what keeps the request out of the cache, or that nothing is stored for it. */
  reason?: string;
  /** On "hit": when the answer was stored (ms since epoch) and which target produced it. */
  cachedAt?: number;
  target?: string;
}

/**
 * Runs a call through its route's response cache, when the route has one: a stored answer is
 * served (and streamed) again without calling any target, at no cost; otherwise `run` sends it and
 * a complete answer is stored. Identical calls made while one is in flight wait for it instead of
 * sending their own (single flight, per process); if it gives nothing to store, each sends its own.
 */
export async function cachedCall(
  call: CachedCall,
  run: (request: ChatRequest) => Promise<ChatResult>,
): Promise<ChatResult> {
  const { context, route, request } = call;
  const settings = route.cache;
  const cache = context.responseCache;
  if (!settings || !cache) return run(request);
  if (bypassReason(request, settings)) return marked(run(request), "bypass");
  const key = await responseCacheKey(keyInput(context, route, request), request.signal).catch(
    (error: unknown) => {
      // Stopped while hashing: the caller's abort (or `close`), typed as any other call's.
      if (request.signal?.aborted) throw aborted(call, request.signal.reason, "");
      throw error;
    },
  );
  const leading = cache.inFlight(key);
  if (leading) {
    const began = performance.now();
    const shared = await waitFor(call, leading);
    const answer = shared === undefined ? undefined : parseAnswer(shared);
    if (answer) return serveHit(call, answer.answer, answer);
    const leftMs = effectiveLimits(context, request, route).timeoutMs - (performance.now() - began);
    return marked(run({ ...request, timeoutMs: Math.max(1, Math.floor(leftMs)) }), "miss");
  }
  const settle = cache.lead(key);
  let stored: string | undefined;
  try {
    // A store that cannot be read is a miss, never a failed call.
    const found = await cache.get(route, key).catch(() => undefined);
    const entry = found === undefined ? undefined : parseAnswer(found);
    if (entry) {
      stored = found;
      return await serveHit(call, entry.answer, entry);
    }
    const result = await marked(run(request), "miss");
    if (unstorableReason(result) === undefined) {
      const serialized = await serializeAnswer(context.secrets.scrub(result), Date.now());
      // A store that fails to keep the answer costs a later hit, never this call its answer.
      if (await cache.set(route, key, serialized).catch(() => false)) stored = serialized;
    }
    return result;
  } finally {
    settle(stored);
  }
}

/** What the route's cache would do for the request, looked up without changing anything. */
export async function previewCache(
  context: RoutingContext,
  request: ChatRequest,
  route: Route,
): Promise<CachePreview | undefined> {
  const settings = route.cache;
  const cache = context.responseCache;
  if (!settings || !cache) return undefined;
  const bypass = bypassReason(request, settings);
  if (bypass) return { status: "bypass", reason: bypass };
  const key = await responseCacheKey(keyInput(context, route, request), request.signal);
  const found = await cache.get(route, key);
  const entry = found === undefined ? undefined : parseAnswer(found);
  if (entry) return { status: "hit", cachedAt: entry.storedAt, target: entry.target };
  const reason = cache.inFlight(key)
    ? "an identical call is in flight: this one would wait for its answer"
    : "no answer is stored for this request";
  return { status: "miss", reason };
}

/**
 * Why the request is not cached, or undefined when it is. Only temperature 0 is deterministic
 * enough to repeat; unset means the provider's default (usually 1), so it is not cached either,
 * unless the route allows any temperature.
 */
function bypassReason(request: ChatRequest, settings: RouteCache): string | undefined {
  if (settings.allowNonZeroTemperature || request.temperature === 0) return undefined;
  return request.temperature === undefined
    ? "temperature is unset (the provider's default, usually 1) and the route caches only temperature 0"
    : `temperature is ${request.temperature} and the route caches only temperature 0`;
}

/** The route, and every target of it and of its fallback routes (a replica as its policy target). */
function keyInput(context: RoutingContext, route: Route, request: ChatRequest) {
  const targets: KeyedTarget[] = [];
  const seenTargets = new Set<string>();
  const seenRoutes = new Set<string>();
  for (let current: Route | undefined = route; current && !seenRoutes.has(current.name); ) {
    seenRoutes.add(current.name);
    for (const id of current.targets) {
      const target = context.targets.get(id);
      const keyed = target?.group ?? id;
      if (seenTargets.has(keyed)) continue;
      seenTargets.add(keyed);
      targets.push({ id: keyed, provider: target?.provider ?? "", model: target?.model ?? "" });
    }
    current = current.fallback ? context.routes.get(current.fallback) : undefined;
  }
  return { route: route.name, targets, request };
}

/** The result, or the error, with what the cache did in its trace. */
async function marked(work: Promise<ChatResult>, status: CacheStatus): Promise<ChatResult> {
  try {
    const result = await work;
    result.route.cache = status;
    return result;
  } catch (error) {
    const trace = traceOf(error);
    if (trace) trace.cache = status;
    throw error;
  }
}

/** Waits for the call in flight, under this call's own signal and deadline. */
function waitFor(call: CachedCall, leading: Promise<string | undefined>): Promise<string | undefined> {
  const { signal } = call.request;
  const { timeoutMs } = effectiveLimits(call.context, call.request, call.route);
  return new Promise((resolve, reject) => {
    const stop = (error: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    };
    const onAbort = () => stop(aborted(call, signal?.reason, ""));
    const timer = setTimeout(
      () => stop(new DeadlineExceededError(timeoutMs, emptyTrace(call, "miss"))),
      timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    void leading.then((value) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    });
  });
}
