/**
 * Calls this router has placed on each target and not finished. A call counts from the moment it
 * is ranked (so a burst of calls planned in the same tick spreads over replicas instead of all
 * reading "idle") until its attempt on that target ends.
 */
export class Occupancy {
  readonly #counts = new Map<string, number>();

  /** Counts one call on `target`; the returned function, called once or more, uncounts it. */
  acquire(target: string): () => void {
    this.#counts.set(target, (this.#counts.get(target) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#counts.get(target) ?? 1) - 1;
      if (left > 0) this.#counts.set(target, left);
      else this.#counts.delete(target);
    };
  }

  count(target: string): number {
    return this.#counts.get(target) ?? 0;
  }
}
