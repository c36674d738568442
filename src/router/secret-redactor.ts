import { SwitchyardError } from "../core/index.js";
import { secretForms, secretTailLength } from "../core/secret-forms.js";

const marker = "[REDACTED]";

/**
 * Knows every configured secret and removes it from any string, including the common encodings
 * a server might echo it in (URL-encoded, base64 of `user:secret` basic auth). It is the router's
 * last line: adapters redact what they take from a response (providers/shared ResponseRedactor),
 * and everything that reaches the caller — errors, results, stream parts, traces, events — passes
 * here too, whatever the adapter did.
 */
export class SecretRedactor {
  /** Longest first, so a form that contains another is replaced whole. */
  #needles: string[] = [];

  register(secret: string): void {
    const added = secretForms(secret).filter((form) => !this.#needles.includes(form));
    if (added.length === 0) return;
    this.#needles = [...new Set([...this.#needles, ...added])].sort((a, b) => b.length - a.length);
  }

  /** False while no secret is known: every redaction is then the identity. */
  get active(): boolean {
    return this.#needles.length > 0;
  }

  redact(text: string): string {
    let result = text;
    for (const needle of this.#needles) {
      if (result.includes(needle)) result = result.split(needle).join(marker);
    }
    return result;
  }

  /** How many characters at the end of `text` are the start, not the whole, of a secret. */
  tailLength(text: string): number {
    return secretTailLength(text, this.#needles);
  }

  /** Deep-redacts strings inside plain data (events) into a copy; the input is not touched. */
  redactValue<T>(value: T): T {
    if (!this.active) return value;
    return this.#copy(value, 0) as T;
  }

  /**
   * Redacts, in place, everything of a value the router built and hands to the caller: a result
   * (text, tool calls, trace) or an error (message, stack, every own property, the cause chain,
   * `errors`, `trace`). Errors it did not build (a caller's abort reason) are left alone unless
   * they hold a secret; then a redacted copy takes their place. Returns the value.
   */
  scrub<T>(value: T): T {
    if (!this.active) return value;
    return this.#scrub(value, new Set(), 0) as T;
  }

  #copy(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.redact(value);
    if (typeof value !== "object" || value === null || depth > 32) return value;
    if (Array.isArray(value)) return value.map((item) => this.#copy(item, depth + 1));
    if (!isPlainObject(value)) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.#copy(item, depth + 1);
    return copy;
  }

  #scrub(value: unknown, seen: Set<object>, depth: number): unknown {
    if (typeof value === "string") return this.redact(value);
    if (typeof value !== "object" || value === null || seen.has(value) || depth > 32) return value;
    if (value instanceof Error && !SwitchyardError.isInstance(value)) {
      return this.#leaks(value, new Set(), 0) ? this.#redactedCopy(value, 0) : value;
    }
    if (!(value instanceof Error) && !Array.isArray(value) && !isPlainObject(value)) return value;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor || !("value" in descriptor)) continue;
      const scrubbed =
        key === "cause"
          ? this.#scrubCause(descriptor.value, seen, depth)
          : this.#scrub(descriptor.value, seen, depth + 1);
      if (scrubbed === descriptor.value) continue;
      try {
        Object.defineProperty(value, key, { ...descriptor, value: scrubbed });
      } catch {
        // A frozen property: nothing the router built is frozen.
      }
    }
    // Newer engines make `stack` an accessor, which the loop above does not see.
    if (value instanceof Error && typeof value.stack === "string") {
      const stack = this.redact(value.stack);
      if (stack !== value.stack) value.stack = stack;
    }
    return value;
  }

  /**
   * A cause the router did not build (a caller's abort reason, an SDK error) is kept as it is
   * unless it holds a secret; then a redacted copy takes its place, and the original is untouched.
   */
  #scrubCause(cause: unknown, seen: Set<object>, depth: number): unknown {
    if (SwitchyardError.isInstance(cause)) return this.#scrub(cause, seen, depth + 1);
    if (!this.#leaks(cause, new Set(), 0)) return cause;
    return cause instanceof Error ? this.#redactedCopy(cause, 0) : this.#copy(cause, 0);
  }

  /** Whether any string reachable through an error's own properties holds a secret. */
  #leaks(value: unknown, seen: Set<object>, depth: number): boolean {
    if (typeof value === "string") return this.redact(value) !== value;
    if (typeof value !== "object" || value === null || seen.has(value) || depth > 32) return false;
    seen.add(value);
    return Reflect.ownKeys(value).some((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      return (
        descriptor !== undefined && "value" in descriptor && this.#leaks(descriptor.value, seen, depth + 1)
      );
    });
  }

  /** Name, message and cause chain, redacted; no other field (it may hold a server's echo). */
  #redactedCopy(error: Error, depth: number): Error {
    const cause =
      error.cause instanceof Error && depth < 4 ? this.#redactedCopy(error.cause, depth + 1) : undefined;
    const copy = new Error(this.redact(error.message), cause ? { cause } : undefined);
    copy.name = this.redact(error.name);
    copy.stack = `${copy.name}: ${copy.message}`;
    return copy;
  }
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
