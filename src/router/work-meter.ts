import { setImmediate } from "node:timers/promises";
import type { FieldPath } from "./field-path.js";

/** A validation pass that yields (nothing) whenever its WorkMeter says a slice of work is spent. */
export type Checks<T = void> = Generator<void, T, void>;

/**
 * Work per slice, in characters scanned: 400,000 two-byte characters take about 2 ms on this
 * project's slow cores (measured), so a 10 MB request gives the event loop back every few ms.
 */
const sliceUnits = 400_000;

/** A string too long to scan in one go, left for `scanLongTexts` with where it sits. */
export interface LongText {
  text: string;
  parent: FieldPath;
  key: string | number;
  /** It must hold a character that is not whitespace. */
  visible: boolean;
}

/**
 * Counts validation work so that long checks can pause for the event loop between slices, and
 * collects the long strings whose scan is spread over several slices.
 */
export class WorkMeter {
  #used = 0;
  readonly longTexts: LongText[] = [];

  /** Counts work done where no pause is possible (a plain function). */
  add(units: number): void {
    this.#used += units;
  }

  /** Counts work; true once the slice is used up: the caller yields, and a new slice begins. */
  spend(units: number): boolean {
    this.#used += units;
    if (this.#used < sliceUnits) return false;
    this.#used = 0;
    return true;
  }
}

/** Runs checks to the end, pausing for the event loop (a macrotask) each time they yield. */
export async function runInSlices<T>(checks: Checks<T>): Promise<T> {
  for (let step = checks.next(); ; step = checks.next()) {
    if (step.done) return step.value;
    // node:timers/promises, not the global: a test's fake clock must not stall validation.
    await setImmediate();
  }
}
