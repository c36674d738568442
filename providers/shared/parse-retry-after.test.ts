import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./parse-retry-after.js";

const headers = (values: Record<string, string>) => new Headers(values);
const now = Date.parse("2025-03-10T12:00:00Z");

describe("parseRetryAfter", () => {
  it("prefers retry-after-ms over retry-after", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250.4", "retry-after": "9" }), now)).toBe(250);
  });

  it("reads retry-after as seconds", () => {
    expect(parseRetryAfter(headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ "retry-after": "0.5" }), now)).toBe(500);
  });

  it("reads retry-after as an HTTP date relative to now, and a past date as 0", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 10 Mar 2025 12:00:30 GMT" }), now)).toBe(30_000);
    expect(parseRetryAfter(headers({ "retry-after": "Mon, 10 Mar 2025 11:00:00 GMT" }), now)).toBe(0);
  });

  it("ignores absent, negative and unparseable values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "-3" }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after-ms": "NaN", "retry-after": "1" }), now)).toBe(1000);
  });
});
