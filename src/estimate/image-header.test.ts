import { describe, expect, it } from "vitest";
import { gif, jpeg, png, webpExtended, webpLossless, webpLossy } from "../../test/images/image-bytes.js";
import { readImageHeader } from "./image-header.js";

const base64 = (bytes: Buffer) => bytes.toString("base64");

describe("readImageHeader", () => {
  it("reads the format and size of PNG, JPEG, GIF and the three WebP encodings", () => {
    expect(readImageHeader(base64(png(1920, 1080)))).toEqual({
      mediaType: "image/png",
      width: 1920,
      height: 1080,
    });
    expect(readImageHeader(base64(jpeg(640, 480)))).toEqual({
      mediaType: "image/jpeg",
      width: 640,
      height: 480,
    });
    expect(readImageHeader(base64(gif(320, 200)))).toEqual({
      mediaType: "image/gif",
      width: 320,
      height: 200,
    });
    expect(readImageHeader(base64(webpLossy(800, 600)))).toEqual({
      mediaType: "image/webp",
      width: 800,
      height: 600,
    });
    expect(readImageHeader(base64(webpLossless(1000, 3000)))).toEqual({
      mediaType: "image/webp",
      width: 1000,
      height: 3000,
    });
    expect(readImageHeader(base64(webpExtended(5000, 70)))).toEqual({
      mediaType: "image/webp",
      width: 5000,
      height: 70,
    });
  });

  it("finds a JPEG's frame header behind a large EXIF segment", () => {
    expect(readImageHeader(base64(jpeg(4032, 3024, [30_000])))).toEqual({
      mediaType: "image/jpeg",
      width: 4032,
      height: 3024,
    });
  });

  it("skips a JPEG's segments without decoding them, however far in its frame header lies", () => {
    expect(readImageHeader(base64(jpeg(4032, 3024, [65_000, 65_000, 65_000])))).toEqual({
      mediaType: "image/jpeg",
      width: 4032,
      height: 3024,
    });
  });

  it("knows a JPEG's format but not its size when the data ends before its frame header", () => {
    expect(readImageHeader(base64(jpeg(4032, 3024, [60_000]).subarray(0, 30_000)))).toEqual({
      mediaType: "image/jpeg",
    });
  });

  it("decodes only the first bytes of a huge image", () => {
    const huge = base64(png(100, 50)) + "A".repeat(30_000_000);
    readImageHeader(huge); // flattens the test's concatenated string, as JSON.parse would have
    const started = performance.now();
    expect(readImageHeader(huge)).toEqual({ mediaType: "image/png", width: 100, height: 50 });
    expect(performance.now() - started).toBeLessThan(20);
  });

  it("says nothing of bytes that are no supported image", () => {
    expect(readImageHeader(Buffer.from("%PDF-1.7\n").toString("base64"))).toBeUndefined();
    expect(readImageHeader(Buffer.from("<svg xmlns=").toString("base64"))).toBeUndefined();
  });
});
