import { describe, expect, it } from "vitest";
import { sseComment, sseData, sseDone } from "./sse-frames.js";
import { splitBytes, sseResponse } from "./sse-response.js";

async function readChunks(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

describe("sseResponse", () => {
  it("delivers one network chunk per frame by default", async () => {
    const frames = [sseData({ a: 1 }), sseComment(), sseDone];
    const chunks = await readChunks(sseResponse(frames));
    expect(chunks.map((chunk) => new TextDecoder().decode(chunk))).toEqual(frames);
  });

  it("splits the body at byte boundaries that cut through a multi-byte character", async () => {
    const frames = [sseData({ text: "wörld 👋" }), sseDone];
    const chunks = await readChunks(sseResponse(frames, { chunkSize: 3 }));
    expect(chunks.every((chunk) => chunk.length <= 3)).toBe(true);
    expect(
      chunks.some((chunk) => new TextDecoder("utf-8", { fatal: false }).decode(chunk).includes("\uFFFD")),
    ).toBe(true);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(frames.join(""));
  });

  it("keeps a hanging stream open until the signal aborts, then errors it", async () => {
    const controller = new AbortController();
    const reader = (
      sseResponse([sseData({ a: 1 })], { hang: true, signal: controller.signal })
        .body as ReadableStream<Uint8Array>
    ).getReader();
    await reader.read();
    const pending = reader.read();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("refuses a chunk size that is not a positive integer", () => {
    expect(() => splitBytes(new Uint8Array(4), 0)).toThrowError(RangeError);
  });
});
