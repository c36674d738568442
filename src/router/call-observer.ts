import type {
  AttemptRecord,
  ChatRequest,
  ChatResult,
  FinishReason,
  Route,
  RouteSelection,
  Target,
  Usage,
} from "../core/index.js";

/**
 * What watches calls from the inside: the `onEvent` hook, OpenTelemetry, the logger and the call
 * log each implement it, and the router fans every call out to all of them. `begin` runs
 * synchronously inside `chat()` / `stream()`, before anything is awaited, so an observer can
 * capture the caller's context (OpenTelemetry's active span is the parent of the call's span).
 *
 * Observers never fail a call: the fan-out swallows what they throw.
 */
export interface TelemetrySink {
  begin(call: CallBegin): CallObserver;
}

export interface CallBegin {
  callId: string;
  streaming: boolean;
  /** When `chat()` / `stream()` was called, ms since epoch. */
  startedAt: number;
}

/** The request is valid and its route chosen: the call starts routing. */
export interface CallStart {
  request: ChatRequest;
  route: Route;
  selection?: RouteSelection;
}

/** An attempt left the admission gate and goes to the target. */
export interface AttemptStart {
  route: Route;
  target: Target;
  /** 1 for the first attempt on this target within the call, 2 for its first retry, … */
  attemptNumber: number;
  /** This attempt is the hedged request (sent because the primary had no first token in time). */
  hedge: boolean;
  request: ChatRequest;
}

export interface AttemptEnd {
  record: AttemptRecord;
  /** Tokens the provider reported (or the router counted), when the attempt answered. */
  usage?: Usage;
  finishReason?: FinishReason;
  /** The answer's text and tool calls, when the attempt answered (only recorded when content capture is on). */
  text?: string;
  /** The answer's reasoning, when the attempt answered with some (recorded like `text`). */
  reasoning?: string;
}

/** Something that happened inside a call, between its start and its end. */
export type CallEvent =
  | { type: "retry"; route: string; target: string; attempt: number; delayMs: number }
  | { type: "hedge"; route: string; target: string; hedge: string; delayMs: number }
  | { type: "fallback"; route: string; from: string; to: string; reason: string }
  | {
      type: "paused";
      route: string;
      target: string;
      until: number;
      reason: "retry-after" | "rate-limit";
      action: "skipped" | "waited";
    };

export type CallEnd =
  | { outcome: "success"; result: ChatResult; durationMs: number }
  | {
      /** "aborted": the caller (or `close`) stopped it; "error": every other failure. */
      outcome: "error" | "aborted";
      error: unknown;
      durationMs: number;
    };

export interface CallObserver {
  started(start: CallStart): void;
  attempt(start: AttemptStart): AttemptObserver;
  event(event: CallEvent): void;
  /** Once per call, whatever happened (validation failures included, with no `started` before). */
  ended(end: CallEnd): void;
}

export interface AttemptObserver {
  /** The attempt's first part arrived, `ms` after it was sent. */
  firstToken(ms: number): void;
  ended(end: AttemptEnd): void;
  /** Runs the provider call inside the attempt's context (an HTTP client span becomes its child). */
  run<T>(work: () => T): T;
}

/** Observers that watch nothing: what a sink returns for a call it does not report. */
export const noAttempt: AttemptObserver = {
  firstToken() {},
  ended() {},
  run: (work) => work(),
};

export const noCall: CallObserver = {
  started() {},
  attempt: () => noAttempt,
  event() {},
  ended() {},
};

/** One sink made of several; what one of them throws is dropped, the others still see the call. */
export function fanOut(sinks: readonly TelemetrySink[]): TelemetrySink {
  if (sinks.length === 0) return { begin: () => noCall };
  if (sinks.length === 1 && sinks[0]) return guarded(sinks[0]);
  const guardedSinks = sinks.map(guarded);
  return {
    begin(call) {
      const calls = guardedSinks.map((sink) => sink.begin(call));
      return {
        started: (start) => {
          for (const observer of calls) observer.started(start);
        },
        attempt: (start) => {
          const attempts = calls.map((observer) => observer.attempt(start));
          return {
            firstToken: (ms) => {
              for (const observer of attempts) observer.firstToken(ms);
            },
            ended: (end) => {
              for (const observer of attempts) observer.ended(end);
            },
            // Nested, so every sink's context is active around the provider call.
            run: (work) =>
              attempts.reduceRight<() => ReturnType<typeof work>>(
                (inner, observer) => () => observer.run(inner),
                work,
              )(),
          };
        },
        event: (event) => {
          for (const observer of calls) observer.event(event);
        },
        ended: (end) => {
          for (const observer of calls) observer.ended(end);
        },
      };
    },
  };
}

/** A sink whose every hook is kept from throwing into the call. */
function guarded(sink: TelemetrySink): TelemetrySink {
  return {
    begin(call) {
      const observer = quietly(() => sink.begin(call)) ?? noCall;
      return {
        started: (start) => quietly(() => observer.started(start)),
        attempt: (start) => {
          const attempt = quietly(() => observer.attempt(start)) ?? noAttempt;
          return {
            firstToken: (ms) => quietly(() => attempt.firstToken(ms)),
            ended: (end) => quietly(() => attempt.ended(end)),
            run: (work) => {
              // The work runs exactly once: inside the sink's context, or bare if the sink failed first.
              let ran = false;
              const wrapped = () => {
                ran = true;
                return work();
              };
              try {
                return attempt.run(wrapped);
              } catch (error) {
                if (ran) throw error;
                return work();
              }
            },
          };
        },
        event: (event) => quietly(() => observer.event(event)),
        ended: (end) => quietly(() => observer.ended(end)),
      };
    },
  };
}

function quietly<T>(hook: () => T): T | undefined {
  try {
    return hook();
  } catch {
    // A failing telemetry hook must not fail the call it reports on.
    return undefined;
  }
}
