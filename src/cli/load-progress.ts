import type { CliIo } from "./cli-io.js";
import { type ProgressBar, progressBar } from "./progress-bar.js";

export interface LoadProgress {
  /** Given to createRouter; absent when stderr is not a terminal, so logs get no bar. */
  onProgress?: (event: { provider: string; fraction: number }) => void;
  /** Ends any bar left open (the load failed part-way). */
  end(): void;
}

/** One progress bar per provider that reports model loading (the local engine), on a terminal only. */
export function loadProgress(io: CliIo): LoadProgress {
  if (!io.interactive) return { end: () => {} };
  const bars = new Map<string, ProgressBar>();
  return {
    onProgress: ({ provider, fraction }) => {
      const bar = bars.get(provider) ?? progressBar(io.stderr, `loading ${provider}`);
      bars.set(provider, bar);
      bar.update(fraction);
    },
    end: () => {
      for (const bar of bars.values()) bar.end();
    },
  };
}
