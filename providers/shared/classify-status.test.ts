import { describe, expect, it } from "vitest";
import { classifyStatus } from "./classify-status.js";
import { readShouldRetry } from "./read-should-retry.js";

describe("classifyStatus", () => {
  it.each([
    [400, "bad_request", false],
    [401, "auth", false],
    [402, "quota", false],
    [403, "auth", false],
    [404, "not_found", false],
    [408, "timeout", true],
    [409, "server", true],
    [422, "bad_request", false],
    [429, "rate_limit", true],
    [500, "server", true],
    [503, "server", true],
    [529, "overloaded", true],
  ] as const)("classifies %i as %s (retryable: %s)", (status, kind, retryable) => {
    expect(classifyStatus(status)).toEqual({ kind, retryable });
  });
});

describe("readShouldRetry", () => {
  it("honours x-should-retry true and false and ignores anything else", () => {
    expect(readShouldRetry(new Headers({ "x-should-retry": "true" }))).toBe(true);
    expect(readShouldRetry(new Headers({ "x-should-retry": "FALSE" }))).toBe(false);
    expect(readShouldRetry(new Headers({ "x-should-retry": "maybe" }))).toBeUndefined();
    expect(readShouldRetry(undefined)).toBeUndefined();
  });
});
