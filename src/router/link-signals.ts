export interface LinkedSignal {
  signal: AbortSignal;
  abort(reason: unknown): void;
  /** Removes every listener this link added to its parents. */
  dispose(): void;
}

/**
 * An AbortSignal that aborts when any parent aborts. Unlike `AbortSignal.any`, it removes its
 * listeners on `dispose()`, so a long-lived caller signal collects none across calls.
 */
export function linkSignals(parents: ReadonlyArray<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const cleanups: Array<() => void> = [];
  const dispose = () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => {
      controller.abort(parent.reason);
      dispose();
    };
    parent.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => parent.removeEventListener("abort", onAbort));
  }
  if (controller.signal.aborted) dispose();
  return {
    signal: controller.signal,
    abort: (reason) => {
      controller.abort(reason);
      dispose();
    },
    dispose,
  };
}
