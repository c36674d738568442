export interface ProgressBar {
  /** Redraws the bar at `fraction` (0..1); the line ends when it reaches 100%. */
  update(fraction: number): void;
  /** Ends a bar left short of 100% (a load that failed), so the next message starts on its own line. */
  end(): void;
}

/** A one-line progress bar, redrawn in place with `\r`; only ever written to a terminal. */
export function progressBar(write: (text: string) => void, label: string): ProgressBar {
  let last = -1;
  let open = false;
  return {
    update(fraction) {
      const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
      if (percent === last) return;
      last = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      write(
        `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${String(percent).padStart(3)}%`,
      );
      open = percent < 100;
      if (!open) write("\n");
    },
    end() {
      if (open) write("\n");
      open = false;
    },
  };
}
