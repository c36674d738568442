import type { JSONObject } from "@ai-sdk/provider";

/**
 * An object as the AI SDK's provider metadata must be: JSON values only (the route trace's optional
 * fields that are `undefined` are left out, as `JSON.stringify` leaves them).
 */
export function plainJson(value: object): JSONObject {
  return JSON.parse(JSON.stringify(value)) as JSONObject;
}
