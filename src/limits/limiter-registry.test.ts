import { afterEach, describe, expect, it } from "vitest";
import { RouterClosedError } from "../core/index.js";
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

  it("still admits the waiters of a removed or changed target under the old limits, then closes that limiter", async () => {
    registry = new LimiterRegistry([
      { id: "a", limits: { maxConcurrent: 1 } },
      { id: "b", limits: { maxConcurrent: 1 } },
    ]);
    const a = registry.get("a");
    const b = registry.get("b");
    const releaseA = await a?.acquire();
    const releaseB = await b?.acquire();
    const waitingA = a?.acquire();
    const waitingB = b?.acquire();
    registry.update([{ id: "b", limits: { maxConcurrent: 2 } }]);
    expect(registry.get("a")).toBeUndefined();
    expect(registry.get("b")).not.toBe(b);
    releaseA?.();
    releaseB?.();
    await expect(waitingA).resolves.toBeTypeOf("function");
    await expect(waitingB).resolves.toBeTypeOf("function");
    await new Promise((resolve) => setImmediate(resolve));
    expect(a?.closed).toBe(true);
    expect(b?.closed).toBe(true);
  });

  it("rejects the waiters of replaced limiters too when closed", async () => {
    registry = new LimiterRegistry([{ id: "a", limits: { maxConcurrent: 1 } }]);
    const limiter = registry.get("a");
    await limiter?.acquire();
    const waiting = limiter?.acquire();
    registry.update([]);
    const reason = new RouterClosedError();
    registry.close(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});
