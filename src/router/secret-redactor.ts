/** Secrets shorter than this are not redacted: they would match ordinary text. */
const minimumSecretLength = 6;

/**
 * Knows every configured secret and removes it from any string, including the common encodings
 * a server might echo it in (URL-encoded, base64 of `user:secret` basic auth).
 */
export class SecretRedactor {
  readonly #needles = new Set<string>();

  register(secret: string): void {
    if (secret.length < minimumSecretLength) return;
    this.#needles.add(secret);
    this.#needles.add(encodeURIComponent(secret));
    this.#needles.add(Buffer.from(secret).toString("base64"));
  }

  redact(text: string): string {
    let result = text;
    for (const needle of this.#needles) {
      if (result.includes(needle)) result = result.split(needle).join("[REDACTED]");
    }
    return result;
  }

  /** Deep-redacts strings inside plain data (traces, events) without touching the input. */
  redactValue<T>(value: T): T {
    if (this.#needles.size === 0) return value;
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }
}
