/** Secrets shorter than this are not matched: they would match ordinary text. */
export const minimumSecretLength = 6;

/**
 * The forms a server may echo a secret in: as sent, URL-encoded, and base64 (a `user:secret`
 * basic-auth header decodes to it). Empty for a secret too short to match safely.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < minimumSecretLength) return [];
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")])];
}

/**
 * How many characters at the end of `text` are the start, not the whole, of one of `needles`:
 * what a stream must hold back until the next chunk shows whether a secret follows. The longest
 * such end is the shortest tail that is safe to hold (nothing before it can begin a secret).
 * Costs O(text length × needles) at most, bounded by the longest needle.
 */
export function secretTailLength(text: string, needles: readonly string[]): number {
  let held = 0;
  for (const needle of needles) {
    const start = Math.max(0, text.length - needle.length + 1);
    // The first position that starts a prefix of the needle gives the longest prefix.
    for (let index = start; index < text.length - held; index++) {
      if (text.charCodeAt(index) !== needle.charCodeAt(0)) continue;
      if (needle.startsWith(text.slice(index))) {
        held = text.length - index;
        break;
      }
    }
  }
  return held;
}
