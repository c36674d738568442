export interface LinkedSignal {
  signal: AbortSignal;
  abort(reason: unknown): void;
  /**
   * Adds a parent after the link was made (aborting at once if it already has), so one link can
   * serve a call whose caller's signal is known only once the request is validated.
   */
  follow(parent: AbortSignal | undefined): void;
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
  const follow = (parent: AbortSignal | undefined) => {
    if (!parent || controller.signal.aborted) return;
    if (parent.aborted) {
      controller.abort(parent.reason);
      dispose();
      return;
    }
    const onAbort = () => {
      controller.abort(parent.reason);
      dispose();
    };
    parent.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => parent.removeEventListener("abort", onAbort));
  };
  for (const parent of parents) follow(parent);
  return {
    signal: controller.signal,
    abort: (reason) => {
      controller.abort(reason);
      dispose();
    },
    follow,
    dispose,
  };
}
