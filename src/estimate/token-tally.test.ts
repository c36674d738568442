import fc from "fast-check";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { englishText, hostileInputs } from "../../bench/hostile-inputs.mjs";
import { InvalidRequestError } from "../core/index.js";
import { countTextTokens } from "./count-text-tokens.js";
import { hostileText } from "./test/hostile-text.js";
import { countCeiling, TokenTally } from "./token-tally.js";

const asPlainText = { disallowedSpecial: new Set<string>() };
const exactCount = (text: string) => countTokens(text, asPlainText);
const tenMegabytes = 10 * 1024 * 1024;

async function tallyText(text: string, pieceChars: number): Promise<number> {
  const tally = await TokenTally.open({ pieceChars });
  await tally.text(text);
  return tally.total;
}

async function tallyJson(value: unknown, pieceChars: number): Promise<number> {
  const tally = await TokenTally.open({ pieceChars });
  await tally.json(value, "tools");
  return tally.total;
}

/** Records the longest gap between ticks of a 1 ms interval while `work` runs. */
async function longestGapWhile<T>(
  work: () => Promise<T>,
): Promise<{ result: T; gapMs: number; ticks: number }> {
  let last = performance.now();
  let gapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
    ticks++;
  }, 1);
  try {
    const result = await work();
    return { result, gapMs: Math.max(gapMs, performance.now() - last), ticks };
  } finally {
    clearInterval(timer);
  }
}

describe("TokenTally", () => {
  it("never counts fewer tokens than the tokenizer does over the whole text, however small the pieces", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, fc.integer({ min: 2, max: 48 }), async (text, pieceChars) => {
        expect(await tallyText(text, pieceChars)).toBeGreaterThanOrEqual(exactCount(text));
      }),
      { numRuns: 300 },
    );
  });

  it("counts ordinary prose, code and CJK with punctuation exactly, whatever the piece size", async () => {
    const ordinary = [
      englishText(20_000),
      "export function add(a: number, b: number): number {\n  return a + b; // it's 2024\n}\n".repeat(100),
      "東京は日本の首都です。人口は約千四百万人で、世界最大の都市圏の一つです。".repeat(100),
    ];
    for (const text of ordinary) {
      for (const pieceChars of [16, 100, 512])
        expect(await tallyText(text, pieceChars)).toBe(exactCount(text));
    }
  });

  it("counts a value's JSON exactly as it counts the text of JSON.stringify", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 2, max: 64 }), async (value, pieceChars) => {
        expect(await tallyJson(value, pieceChars)).toBe(await tallyText(JSON.stringify(value), pieceChars));
      }),
      { numRuns: 300 },
    );
  });

  it("bounds text beyond the exact token limit by its UTF-8 length", async () => {
    const text = englishText(10_000);
    expect(await countTextTokens(text, { exactTokens: 0 })).toBe(Buffer.byteLength(text));
    const partly = await countTextTokens(text, { exactTokens: 500 });
    expect(partly).toBeGreaterThan(exactCount(text));
    expect(partly).toBeLessThan(Buffer.byteLength(text));
  });

  it("bounds text beyond its time budget by its UTF-8 length", async () => {
    const text = hostileInputs["lone surrogates"]?.(10_000) ?? "";
    expect(await countTextTokens(text, { exactMs: 0 })).toBe(Buffer.byteLength(text));
  });

  it("stops serializing a JSON value that doubles at every level once the count passes the ceiling", async () => {
    let node: Record<string, unknown> = { type: "string", description: "a shared leaf" };
    for (let level = 0; level < 60; level++) node = { left: node, right: node };
    const tally = await TokenTally.open();
    await tally.json(node, "tools");
    expect(tally.total).toBe(countCeiling);
  });

  it("names the field when a value cannot be sent as JSON", async () => {
    const circular: Record<string, unknown> = { type: "object" };
    circular.self = circular;
    const tally = await TokenTally.open();
    const error = await tally.json(circular, "responseFormat.schema").catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe("responseFormat.schema");
  });

  it.each(Object.keys(hostileInputs))(
    "counts 10 MB of %s in slices that leave the event loop free",
    // Wall time: a loaded VM can park the process beyond 400 ms; a count that never yields fails every try.
    { timeout: 30_000, retry: 2 },
    async (name) => {
      const text = hostileInputs[name]?.(tenMegabytes) ?? "";
      const { result, gapMs, ticks } = await longestGapWhile(() => countTextTokens(text));
      expect(result).toBeGreaterThan(0);
      expect(ticks).toBeGreaterThan(10);
      // Generous: a count that never yields holds the loop for seconds; slices are ~3 ms.
      expect(gapMs).toBeLessThan(400);
    },
  );

  it("rejects with the signal's reason when it aborts during a count", async () => {
    const text = hostileInputs["random CJK without punctuation"]?.(tenMegabytes) ?? "";
    const reason = new Error("caller gave up");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 20);
    await expect(countTextTokens(text, { signal: controller.signal })).rejects.toBe(reason);
  });

  it("rejects at once when the signal has already aborted", async () => {
    const reason = new Error("already gone");
    await expect(countTextTokens("hello", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});
