import { describe, expect, it } from "vitest";
import { type CallObserver, fanOut, type TelemetrySink } from "./call-observer.js";

const throwing: TelemetrySink = {
  begin: () => {
    throw new Error("sink broke");
  },
};

function recording(log: string[]): TelemetrySink {
  return {
    begin: ({ callId }): CallObserver => ({
      started: () => log.push(`${callId} started`),
      attempt: () => ({
        firstToken: () => log.push("first token"),
        ended: () => log.push("attempt ended"),
        run: (work) => {
          log.push("inside");
          return work();
        },
      }),
      event: (event) => log.push(event.type),
      ended: (end) => log.push(`ended ${end.outcome}`),
    }),
  };
}

describe("fanOut", () => {
  it("keeps a sink that throws from reaching the call, and the other sinks still see everything", () => {
    const log: string[] = [];
    const sink = fanOut([throwing, recording(log)]);
    const call = sink.begin({ callId: "c1", streaming: false, startedAt: 0 });
    call.event({ type: "retry", route: "r", target: "t", attempt: 2, delayMs: 0 });
    const attempt = call.attempt({} as never);
    expect(attempt.run(() => 42)).toBe(42);
    attempt.firstToken(5);
    attempt.ended({} as never);
    call.ended({ outcome: "error", error: new Error("x"), durationMs: 1 });
    expect(log).toEqual(["retry", "inside", "first token", "attempt ended", "ended error"]);
  });

  it("runs the provider call exactly once even when a sink's run hook throws before it", () => {
    let runs = 0;
    const failingRun: TelemetrySink = {
      begin: () => ({
        started() {},
        event() {},
        ended() {},
        attempt: () => ({
          firstToken() {},
          ended() {},
          run: () => {
            throw new Error("context manager broke");
          },
        }),
      }),
    };
    const attempt = fanOut([failingRun])
      .begin({ callId: "c", streaming: false, startedAt: 0 })
      .attempt({} as never);
    expect(attempt.run(() => ++runs)).toBe(1);
    expect(runs).toBe(1);
  });

  it("lets the provider's own error through a sink's run hook", () => {
    const attempt = fanOut([recording([])])
      .begin({ callId: "c", streaming: false, startedAt: 0 })
      .attempt({} as never);
    expect(() =>
      attempt.run(() => {
        throw new Error("upstream failed");
      }),
    ).toThrow("upstream failed");
  });
});
