import { describe, expect, it } from "vitest";
import { makeInput, makeTarget, stats } from "../test/policy-input.js";
import { createFastestStrategy } from "./fastest-strategy.js";

const ids = (input: ReturnType<typeof makeInput>, strategy = createFastestStrategy()) =>
  strategy.rank?.(input).map((candidate) => candidate.target.id);

describe("fastest strategy", () => {
  it("ranks by predicted total latency: first token, queue wait and output at the measured speed", () => {
    const targets = ["burst", "snappy", "queued"].map((id) => makeTarget(id));
    const input = makeInput(targets, {
      estimate: { maxOutputTokens: 1000 },
      snapshot: {
        latency: new Map([
          // 200 + 1000 / 20 s = 50 200 ms
          ["burst", stats({ ttftP95Ms: 200, outputTokensPerSec: 20 })],
          // 900 + 1000 / 200 s = 5 900 ms
          ["snappy", stats({ ttftP95Ms: 900, outputTokensPerSec: 200 })],
          // 300 + 3 000 queue + 1000 / 200 s = 8 300 ms
          ["queued", stats({ ttftP95Ms: 300, outputTokensPerSec: 200 })],
        ]),
        queueWaitMs: new Map([["queued", 3000]]),
      },
    });
    expect(ids(input)).toEqual(["snappy", "queued", "burst"]);
  });

  it("ranks a target without statistics by the prior", () => {
    const targets = ["measured", "unknown"].map((id) => makeTarget(id));
    const input = makeInput(targets, {
      estimate: { maxOutputTokens: 100 },
      snapshot: { latency: new Map([["measured", stats({ ttftP95Ms: 2000, outputTokensPerSec: 50 })]]) },
    });
    // unknown: 1000 + 100 / 50 s = 3 000 ms; measured: 2000 + 2000 = 4 000 ms.
    expect(ids(input)).toEqual(["unknown", "measured"]);
    const pessimistic = createFastestStrategy({ latencyPrior: { ttftMs: 5000 } });
    expect(ids(input, pessimistic)).toEqual(["measured", "unknown"]);
  });

  it("keeps route order between equally fast targets", () => {
    const targets = ["c", "a", "b"].map((id) => makeTarget(id));
    expect(ids(makeInput(targets))).toEqual(["c", "a", "b"]);
  });
});
