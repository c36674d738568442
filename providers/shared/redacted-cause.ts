/**
 * A copy of an error chain that is safe to keep as `cause`: same names, messages redacted, no
 * other fields. SDK errors carry the provider's error body (which may echo a credential) in their
 * message and fields, so the original object is never kept.
 */
export function redactedCause(error: unknown, redact: (text: string) => string, depth = 0): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const nested =
    depth < 4 && source.cause !== undefined ? redactedCause(source.cause, redact, depth + 1) : undefined;
  const copy = new Error(redact(source.message), nested ? { cause: nested } : undefined);
  copy.name = redact(source.name === "Error" ? (source.constructor?.name ?? "Error") : String(source.name));
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
