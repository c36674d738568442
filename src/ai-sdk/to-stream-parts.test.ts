import { describe, expect, it } from "vitest";
import { StreamPartMapper } from "./to-stream-parts.js";

describe("StreamPartMapper", () => {
  it("closes a reasoning block when another part comes and opens the next one for reasoning after it", () => {
    const mapper = new StreamPartMapper([]);
    const parts = [
      ...mapper.map({ type: "reasoning-delta", text: "Look it up." }),
      ...mapper.map({ type: "tool-call-delta", index: 0, id: "call_1", name: "f", argumentsDelta: "{}" }),
      ...mapper.map({ type: "reasoning-delta", text: "Then " }),
      ...mapper.map({ type: "reasoning-delta", text: "answer." }),
      ...mapper.map({ type: "text-delta", text: "Done." }),
    ];
    expect(parts).toEqual([
      { type: "reasoning-start", id: "reasoning-0" },
      { type: "reasoning-delta", id: "reasoning-0", delta: "Look it up." },
      { type: "reasoning-end", id: "reasoning-0" },
      { type: "tool-input-start", id: "call_1", toolName: "f" },
      { type: "tool-input-delta", id: "call_1", delta: "{}" },
      { type: "reasoning-start", id: "reasoning-1" },
      { type: "reasoning-delta", id: "reasoning-1", delta: "Then " },
      { type: "reasoning-delta", id: "reasoning-1", delta: "answer." },
      { type: "reasoning-end", id: "reasoning-1" },
      { type: "text-start", id: "text-0" },
      { type: "text-delta", id: "text-0", delta: "Done." },
    ]);
  });
});
