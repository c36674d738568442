import type { TelemetrySink } from "../router/call-observer.js";
import { traceOf } from "../router/event-sink.js";
import type { RouterEvent } from "../router/routing-context.js";
import type { RouterLogger } from "./router-logger.js";

/**
 * The router's own log lines about calls: `debug` for each call's start, every attempt, retry,
 * hedge and successful end; `info` for a target skipped or waited on after a 429; `warn` for a
 * fallback to another route, a call that failed, and a target the health policy took out of
 * rotation (once, until it answers again). Every line has the call's id. Nothing is built unless
 * its level is enabled.
 */
export function logSink(log: RouterLogger): TelemetrySink {
  /** Targets reported out of rotation and not seen answering since: one warning per outage. */
  const unhealthy = new Set<string>();
  return {
    begin({ callId, streaming }) {
      let route: string | undefined;
      return {
        started(start) {
          route = start.route.name;
          if (!log.enabled("debug")) return;
          log.write(
            "debug",
            {
              callId,
              route,
              streaming,
              ...(start.request.tags?.length ? { tags: [...start.request.tags] } : {}),
            },
            "call started",
          );
        },
        attempt(start) {
          return {
            firstToken() {},
            ended({ record, usage }) {
              if (record.outcome === "success") unhealthy.delete(record.target);
              if (!log.enabled("debug")) return;
              log.write(
                "debug",
                {
                  callId,
                  route: start.route.name,
                  target: record.target,
                  provider: record.provider,
                  model: record.model,
                  attempt: start.attemptNumber,
                  ...(start.hedge ? { hedge: true } : {}),
                  outcome: record.outcome,
                  ...(record.errorKind ? { errorKind: record.errorKind } : {}),
                  ...(record.status !== undefined ? { status: record.status } : {}),
                  ...(record.errorMessage ? { error: record.errorMessage } : {}),
                  ms: record.ms,
                  costUsd: record.costUsd,
                  ...(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } : {}),
                },
                `attempt on ${record.target}: ${record.outcome}`,
              );
            },
            run: (work) => work(),
          };
        },
        event(event) {
          switch (event.type) {
            case "retry":
              log.write("debug", { callId, ...event }, `retrying ${event.target} in ${event.delayMs} ms`);
              return;
            case "hedge":
              log.write("debug", { callId, ...event }, `hedged ${event.target} with ${event.hedge}`);
              return;
            case "fallback":
              log.write(
                "warn",
                { callId, ...event },
                `falling back from route ${event.from} to ${event.to}: ${event.reason}`,
              );
              return;
            case "paused":
              log.write(
                "info",
                { callId, ...event },
                `${event.target} is paused (${event.reason}): ${event.action === "skipped" ? "skipped" : "waiting"}`,
              );
              return;
          }
        },
        ended(end) {
          const trace = end.outcome === "success" ? end.result.route : traceOf(end.error);
          for (const rejected of trace?.rejected ?? []) {
            if (rejected.policy !== "health" || unhealthy.has(rejected.target)) continue;
            unhealthy.add(rejected.target);
            log.write(
              "warn",
              { callId, route: trace?.route, target: rejected.target, reason: rejected.reason },
              `${rejected.target} is out of rotation: ${rejected.reason}`,
            );
          }
          const fields = {
            callId,
            ...((trace?.route ?? route) ? { route: trace?.route ?? route } : {}),
            ...(trace?.target ? { target: trace.target } : {}),
            outcome: end.outcome,
            streaming,
            latencyMs: Math.round(end.durationMs),
            attempts: trace?.attempts.length ?? 0,
          };
          if (end.outcome === "success") {
            log.write("debug", { ...fields, costUsd: end.result.costUsd }, "call ended");
            return;
          }
          const error = end.error;
          const errorFields = {
            ...fields,
            errorType: error instanceof Error ? error.name : typeof error,
            error: error instanceof Error ? error.message : String(error),
          };
          if (end.outcome === "aborted") log.write("debug", errorFields, "call aborted");
          else log.write("warn", errorFields, `call failed: ${errorFields.error}`);
        },
      };
    },
  };
}

/** Router-level events: a policy reload (`info`, or `error` when it failed) and the shared state. */
export function logRouterEvent(log: RouterLogger, event: RouterEvent): void {
  if (event.type === "policy-reload") {
    if (event.ok) log.write("info", { event: event.type }, "policy reloaded");
    else
      log.write(
        "error",
        { event: event.type, error: event.message },
        `policy reload failed: ${event.message}`,
      );
    return;
  }
  if (event.type === "state") {
    log.write(
      event.status === "unavailable" ? "warn" : "info",
      { event: event.type, status: event.status },
      `state store ${event.status}: ${event.message}`,
    );
  }
}
