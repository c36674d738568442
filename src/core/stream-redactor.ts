/** What a stream redactor needs: whole-string redaction and the tail that could begin a secret. */
export interface SecretMatcher {
  /** Every secret in `text` replaced. */
  redact(text: string): string;
  /** How many characters at the end of `text` could be the start of a secret (see secretTailLength). */
  tailLength(text: string): number;
}

/**
 * Redacts a text that arrives in chunks, so that a secret split across chunks is caught too. Each
 * `push` returns what is safe to deliver now and holds back only the shortest tail that could still
 * begin a secret (never more than the longest secret); `flush` returns that tail once the text has
 * ended. Linear in the text: each push looks at the chunk and the held tail only. Joined, what it
 * returns is the whole text redacted.
 */
export class StreamRedactor {
  readonly #matcher: SecretMatcher;
  #held = "";

  constructor(matcher: SecretMatcher) {
    this.#matcher = matcher;
  }

  push(chunk: string): string {
    const text = this.#matcher.redact(this.#held + chunk);
    const keep = this.#matcher.tailLength(text);
    this.#held = keep === 0 ? "" : text.slice(text.length - keep);
    return keep === 0 ? text : text.slice(0, text.length - keep);
  }

  /** The held tail (it did not turn into a secret); the redactor is empty afterwards. */
  flush(): string {
    const rest = this.#held;
    this.#held = "";
    return rest;
  }
}
