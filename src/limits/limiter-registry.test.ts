import { afterEach, describe, expect, it } from "vitest";
import { LimiterRegistry } from "./limiter-registry.js";

let registry: LimiterRegistry | undefined;

afterEach(() => {
  registry?.close();
});

describe("LimiterRegistry", () => {
  it("builds one limiter per target from its limits", () => {
    registry = new LimiterRegistry([
      { id: "a", limits: { rpm: 1 } },
      { id: "b", limits: {} },
    ]);
    expect(registry.get("a")?.target).toBe("a");
    expect(registry.get("b")?.target).toBe("b");
    expect(registry.get("c")).toBeUndefined();
  });

  it("keeps the limiter of a target whose limits did not change on reload", () => {
    registry = new LimiterRegistry([
      { id: "a", limits: { rpm: 1 } },
      { id: "b", limits: { rpm: 1 } },
      { id: "c", limits: {} },
    ]);
    const a = registry.get("a");
    const b = registry.get("b");
    registry.update([
      { id: "a", limits: { rpm: 1 } },
      { id: "b", limits: { rpm: 2 } },
    ]);
    expect(registry.get("a")).toBe(a);
    expect(registry.get("b")).not.toBe(b);
    expect(registry.get("c")).toBeUndefined();
  });

  it("rejects the waiters of a removed target", async () => {
    registry = new LimiterRegistry([{ id: "a", limits: { maxConcurrent: 1 } }]);
    const limiter = registry.get("a");
    await limiter?.acquire();
    const waiting = limiter?.acquire();
    registry.update([]);
    await expect(waiting).rejects.toThrow("a: the rate limiter was closed while the call waited");
  });
});
