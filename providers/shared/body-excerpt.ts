/** Longest body excerpt kept on an error. */
export const bodyExcerptLimit = 500;

/**
 * A response body for an error's `body` field: serialized when it is not a string, secrets
 * redacted BEFORE truncating (a cut through a key would leave a prefix the redactor no longer
 * recognizes), then cut to `limit` characters.
 */
export function bodyExcerpt(
  body: unknown,
  redact: (text: string) => string,
  limit: number = bodyExcerptLimit,
): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  let text: string;
  if (typeof body === "string") {
    text = body;
  } else {
    try {
      text = JSON.stringify(body) ?? String(body);
    } catch {
      text = String(body);
    }
  }
  const redacted = redact(text);
  return redacted.length > limit ? `${redacted.slice(0, limit - 1)}…` : redacted;
}
