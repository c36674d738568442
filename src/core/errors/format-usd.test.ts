import { describe, expect, it } from "vitest";
import { formatUsd } from "./format-usd.js";

describe("formatUsd", () => {
  it("shows as many decimals as a small cost needs, up to micro-dollars", () => {
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatUsd(0.000002)).toBe("$0.000002");
    expect(formatUsd(5)).toBe("$5");
    expect(formatUsd(4.98)).toBe("$4.98");
    expect(formatUsd(100)).toBe("$100");
    expect(formatUsd(0)).toBe("$0");
  });

  it("never rounds a non-zero amount below a micro-dollar to $0, nor prints an exponent", () => {
    expect(formatUsd(1e-9)).toBe("$0.000000001");
    expect(formatUsd(1.5e-9)).toBe("$0.0000000015");
    expect(formatUsd(3.3e-7)).toBe("$0.00000033");
    expect(formatUsd(1e-15)).toBe("$0.000000000000001");
  });
});
