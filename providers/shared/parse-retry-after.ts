import type { HeaderReader } from "./header-reader.js";

/**
 * The server's retry hint in milliseconds: `retry-after-ms` (OpenAI, Anthropic), else
 * `retry-after` as delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or
 * unparseable; a date in the past reads as 0. Whether to sleep that long is the router's call.
 */
export function parseRetryAfter(
  headers: HeaderReader | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = parseNonNegative(headers.get("retry-after-ms"));
  if (milliseconds !== undefined) return Math.round(milliseconds);
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = parseNonNegative(value);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  // Every HTTP-date form names a weekday or month; Date.parse would read "-3" as a year.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseNonNegative(value: string | null | undefined): number | undefined {
  if (!value || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number.parseFloat(value);
}
