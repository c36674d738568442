/** A one-line progress bar on a terminal; silent elsewhere so logs stay clean. */
export function progressBar(write: (text: string) => void, label: string): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    if (percent === last) return;
    last = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${String(percent).padStart(3)}%`);
    if (percent === 100) write("\n");
  };
}
