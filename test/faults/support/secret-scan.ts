import { inspect } from "node:util";

/**
 * Every string reachable from a value, the ways it can leave a process: own properties
 * (enumerable or not, so `message`, `stack` and `cause` included), nested errors, Maps, Headers,
 * arrays — plus its JSON, its `String()` and its `util.inspect` rendering.
 */
export function emittedStrings(value: unknown): string[] {
  const strings: string[] = [];
  walk(value, strings, new Set());
  strings.push(String(value), inspect(value, { showHidden: true, depth: 20, getters: false }));
  try {
    strings.push(JSON.stringify(value) ?? "");
  } catch (error) {
    strings.push(String(error));
  }
  return strings;
}

function walk(value: unknown, strings: string[], seen: Set<object>): void {
  if (typeof value === "string") {
    strings.push(value);
    return;
  }
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Map || value instanceof Headers) {
    for (const [key, entry] of value.entries()) {
      walk(key, strings, seen);
      walk(entry, strings, seen);
    }
    return;
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && "value" in descriptor) walk(descriptor.value, strings, seen);
  }
}

/** The secrets (or any of their long substrings) found in what a value emits. */
export function leakedSecrets(value: unknown, secrets: readonly string[]): string[] {
  const emitted = emittedStrings(value).join("\n");
  return secrets.filter((secret) => emitted.includes(secret) || emitted.includes(secret.slice(-12)));
}
