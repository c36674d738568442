import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Physical cores (hyper-threads counted once), from /proc/cpuinfo where there is one. */
export function physicalCores(): number {
  try {
    const cores = new Set<string>();
    let physical = "0";
    for (const line of readFileSync("/proc/cpuinfo", "utf8").split("\n")) {
      const [key, value] = line.split(":").map((part) => part.trim());
      if (key === "physical id" && value !== undefined) physical = value;
      if (key === "core id" && value !== undefined) cores.add(`${physical}:${value}`);
    }
    if (cores.size > 0) return cores.size;
  } catch {
    // not Linux: fall through
  }
  return availableParallelism();
}
