export interface LinkedSignal {
  signal: AbortSignal;
  /** Removes the listener from the caller's signal; call when the request and its body are done. */
  dispose(): void;
}

/**
 * A signal of our own that follows the caller's. SDKs add abort listeners to the signal they are
 * given and never remove them; handing them this one instead keeps the caller's signal free of
 * listeners once a call is over (STYLE.md rule 17).
 */
export function linkSignal(parent: AbortSignal): LinkedSignal {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener("abort", onAbort) };
}
