import type { JsonValue } from "../core/index.js";

/**
 * An object as the AI SDK's provider metadata must be: JSON values only (the route trace's optional
 * fields that are `undefined` are left out, as `JSON.stringify` leaves them).
 */
export function plainJson(value: object): Record<string, JsonValue> {
  return JSON.parse(JSON.stringify(value)) as Record<string, JsonValue>;
}
