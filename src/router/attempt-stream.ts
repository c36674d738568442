import {
  type CallOptions,
  type GenerateResult,
  InvalidRequestError,
  type LanguageModel,
  ProviderCallError,
  type ProviderStreamPart,
  QueueFullError,
  SwitchyardError,
} from "../core/index.js";
import { linkSignals } from "./link-signals.js";
import { TimeoutReason } from "./timeout-reason.js";

export interface AttemptSettings {
  model: LanguageModel;
  options: Omit<CallOptions, "signal">;
  /** Aborts when the caller aborts or the call's deadline passes. */
  callSignal: AbortSignal;
  streaming: boolean;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  redact: (text: string) => string;
  /** Receives the adapter's warnings once the call is accepted. */
  onWarnings: (warnings: string[]) => void;
  /** Runs the adapter's call inside the attempt's telemetry context. */
  within: <T>(work: () => T) => T;
}

/**
 * Runs one attempt and yields the adapter's parts. Owns the per-try timers: until the first
 * part (the whole response for a non-streaming call) and then between parts. Waiting for the
 * next part races the attempt's signal, so a hung upstream cannot outlive a timeout even when
 * an adapter's stream ignores aborts. Failures are thrown as ProviderCallError, except when the
 * call itself was aborted: then the call signal's reason is thrown.
 */
export async function* attemptStream(settings: AttemptSettings): AsyncGenerator<ProviderStreamPart> {
  const { model } = settings;
  const link = linkSignals([settings.callSignal]);
  let timer: NodeJS.Timeout | undefined;
  let queued: (() => boolean) | undefined;
  const arm = (phase: "first-token" | "idle", ms: number) => {
    clearTimeout(timer);
    // Asked before the abort, which starts taking the request out of the provider's queue.
    timer = setTimeout(() => link.abort(new TimeoutReason(phase, ms, queued?.() === true)), ms);
  };
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(link.signal.reason);
    if (link.signal.aborted) fail();
    else link.signal.addEventListener("abort", fail, { once: true });
  });
  aborted.catch(() => {});
  let iterator: AsyncIterator<ProviderStreamPart> | undefined;
  let finished = false;
  arm("first-token", settings.firstTokenTimeoutMs);
  try {
    const options: CallOptions = {
      ...settings.options,
      signal: link.signal,
      watchQueue: (probe) => {
        queued = probe;
      },
    };
    const started = settings.streaming
      ? settings
          .within(() => model.doStream(options))
          .then((result) => {
            settings.onWarnings(result.warnings);
            return result.stream;
          })
      : settings
          .within(() => model.doGenerate(options))
          .then((result) => {
            settings.onWarnings(result.warnings);
            return partsOf(result);
          });
    started.catch(() => {});
    const source = await Promise.race([started, aborted]);
    iterator = source[Symbol.asyncIterator]();
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) break;
      clearTimeout(timer);
      if (next.value.type === "finish") finished = true;
      yield next.value;
      if (!finished) arm("idle", settings.idleTimeoutMs);
    }
    if (!finished) {
      throw new ProviderCallError({
        kind: "truncated",
        message: `${model.provider}:${model.model} stream ended without its terminal event`,
        provider: model.provider,
        model: model.model,
        retryable: true,
        possiblyBilled: true,
      });
    }
  } catch (error) {
    throw classifyAttemptError(error, link.signal, settings);
  } finally {
    clearTimeout(timer);
    if (!link.signal.aborted && !finished) link.abort(new TimeoutReason("cancelled", 0));
    link.dispose();
    if (iterator?.return) void Promise.resolve(iterator.return()).catch(() => {});
  }
}

function classifyAttemptError(error: unknown, signal: AbortSignal, settings: AttemptSettings): unknown {
  const { model } = settings;
  if (settings.callSignal.aborted) return settings.callSignal.reason;
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof TimeoutReason && reason.queued) {
    // Never given a slot: the target is busy, and its breaker must not read that as a failure.
    return new QueueFullError(`${model.provider}:${model.model}`, 0, { waitedMs: reason.ms });
  }
  if (reason instanceof TimeoutReason) {
    return new ProviderCallError({
      kind: "timeout",
      message:
        reason.phase === "first-token"
          ? `${model.provider}:${model.model} sent no ${settings.streaming ? "token" : "response"} within ${reason.ms} ms`
          : `${model.provider}:${model.model} stream stalled: no token for ${reason.ms} ms`,
      provider: model.provider,
      model: model.model,
      retryable: true,
      possiblyBilled: true,
      cause: error,
    });
  }
  if (ProviderCallError.isInstance(error)) return error;
  // A full queue moves on to the next target, and a request the adapter refuses is the caller's
  // to fix; any other Switchyard error (a local engine that cannot start) is this target failing.
  if (QueueFullError.isInstance(error) || InvalidRequestError.isInstance(error)) return error;
  if (SwitchyardError.isInstance(error)) {
    return new ProviderCallError({
      kind: "server",
      message: settings.redact(`${model.provider}:${model.model} is unavailable: ${error.message}`),
      provider: model.provider,
      model: model.model,
      retryable: false,
      possiblyBilled: false,
      cause: redactedCopy(error, settings.redact),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderCallError({
    kind: "invalid_response",
    message: settings.redact(`${model.provider}:${model.model} failed unexpectedly: ${message}`),
    provider: model.provider,
    model: model.model,
    retryable: false,
    possiblyBilled: true,
    cause: error instanceof Error ? redactedCopy(error, settings.redact) : undefined,
  });
}

/** The error's name and redacted message only: its other fields may hold a server's echo. */
function redactedCopy(error: Error, redact: (text: string) => string): Error {
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

async function* partsOf(result: GenerateResult): AsyncGenerator<ProviderStreamPart> {
  if (result.reasoning) yield { type: "reasoning-delta", text: result.reasoning };
  if (result.text) yield { type: "text-delta", text: result.text };
  for (const [index, call] of result.toolCalls.entries()) {
    yield { type: "tool-call", index, id: call.id, name: call.name, arguments: call.arguments };
  }
  if (result.logprobs?.length) yield { type: "logprobs", logprobs: result.logprobs };
  yield {
    type: "finish",
    finishReason: result.finishReason,
    usage: result.usage,
    ...(result.requestId ? { requestId: result.requestId } : {}),
  };
}
