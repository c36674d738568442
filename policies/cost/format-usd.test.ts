import { describe, expect, it } from "vitest";
import { formatUsd } from "./format-usd.js";

describe("formatUsd", () => {
  it("shows as many decimals as a small cost needs, up to micro-dollars", () => {
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatUsd(0.000002)).toBe("$0.000002");
    expect(formatUsd(5)).toBe("$5");
  });
});
