/** Resolves after `ms`, or early when any signal aborts; leaves no timer or listener behind. */
export function waitFor(ms: number, ...signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const signal of signals) signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const signal of signals) signal?.addEventListener("abort", done, { once: true });
  });
}
