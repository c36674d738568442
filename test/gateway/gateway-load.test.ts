import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Started, startGateway } from "./gateway-fixture.js";
import { brokenStreamReply, slowStreamReply, statusReply } from "./openai-upstream.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let started: Started;
beforeAll(async () => {
  started = await startGateway();
});
afterAll(() => started.stop());

const concurrency = 500;

/** One round: `concurrency` streams at once, every fifth answered 500 and every seventh cut mid-way. */
async function round(): Promise<{ done: number; failedEarly: number; failedLate: number }> {
  for (let index = 0; index < concurrency; index++) {
    started.upstream.replies.push(
      index % 5 === 0
        ? statusReply(500, { error: { message: "boom", type: "server_error", param: null, code: null } })
        : index % 7 === 0
          ? brokenStreamReply
          : slowStreamReply(["a ", "b ", "c"], 5),
    );
  }
  const outcomes = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const response = await fetch(`${started.gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "Go" }], stream: true }),
      });
      const text = await response.text();
      if (response.status !== 200) return "failedEarly";
      return text.trimEnd().endsWith("data: [DONE]") ? "done" : "failedLate";
    }),
  );
  const count = (outcome: string) => outcomes.filter((entry) => entry === outcome).length;
  return { done: count("done"), failedEarly: count("failedEarly"), failedLate: count("failedLate") };
}

describe("the gateway under load", () => {
  it("serves 500 concurrent streams with faults upstream, ends every one, and keeps memory flat", {
    timeout: 120_000,
  }, async () => {
    const first = await round();
    expect(first.done + first.failedEarly + first.failedLate).toBe(concurrency);
    expect(first.failedEarly).toBeGreaterThanOrEqual(concurrency / 5 - 1);
    expect(first.done).toBeGreaterThan(concurrency / 2);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let repeat = 0; repeat < 2; repeat++) await round();
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown, `heap grew ${(grown / 2 ** 20).toFixed(1)} MB over 1,000 more streams`).toBeLessThan(
      20 * 2 ** 20,
    );
    const metrics = await (await fetch(`${started.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchyard_gateway_in_flight 0$/m);
  });
});
