import { expect, it } from "vitest";
import { ProviderCallError } from "../../src/core/index.js";
import { collectStream, streamedText } from "./collect-stream.js";
import { conformanceFixture as fixture } from "./conformance-fixture.js";
import type { ConformanceHarness } from "./conformance-harness.js";

/** Broken streams: truncation, malformed JSON, keep-alives, in-stream errors, stalls. */
export function registerStreamFaultTests(harness: ConformanceHarness): void {
  const { spec, server, setup, callOptions, required, expectProviderError } = harness;
  const faults = spec.streamFaults;
  if (faults) {
    it("throws truncated when the stream ends without its terminal event", async () => {
      const { model } = setup(faults.truncated({}));
      const { parts, error } = await collectStream(() => model.doStream(callOptions()));
      expect(parts.some((part) => part.type === "text-delta")).toBe(true);
      expect(parts.some((part) => part.type === "finish")).toBe(false);
      expect(expectProviderError(error, { kind: "truncated", retryable: true }).possiblyBilled).toBe(true);
    });

    it("throws invalid_response on malformed JSON mid-stream, never an unhandled rejection", async () => {
      const { model } = setup(faults.malformedJson({}));
      const { parts, error } = await collectStream(() => model.doStream(callOptions()));
      expect(parts.some((part) => part.type === "finish")).toBe(false);
      expect(expectProviderError(error, { kind: "invalid_response", retryable: false }).possiblyBilled).toBe(
        true,
      );
    });

    it("yields nothing for keep-alive comments", async () => {
      const plain = setup(required(spec.scenarios.stream, "stream")({}));
      const expected = await collectStream(() => plain.model.doStream(callOptions()));
      server.resetHandlers();
      const { model } = setup(faults.keepAlive({ chunkSize: 5 }));
      const { parts, error } = await collectStream(() => model.doStream(callOptions()));
      expect(error).toBeUndefined();
      expect(parts.map((part) => part.type)).toEqual(expected.parts.map((part) => part.type));
      expect(streamedText(parts)).toBe(fixture.text);
    });

    if (faults.errorEvent) {
      const errorEvent = faults.errorEvent;
      it("throws a possibly billed provider error when the stream carries an error event", async () => {
        const { model } = setup(errorEvent({}));
        const { parts, error } = await collectStream(() => model.doStream(callOptions()));
        expect(parts.some((part) => part.type === "finish")).toBe(false);
        expect(ProviderCallError.isInstance(error)).toBe(true);
        expect((error as ProviderCallError).possiblyBilled).toBe(true);
      });
    }

    it("ends a stalled stream with kind aborted when the signal aborts mid-stream", async () => {
      const { model } = setup(faults.stall({}));
      const controller = new AbortController();
      const { parts, error } = await collectStream(
        () => model.doStream(callOptions({ signal: controller.signal })),
        (part) => {
          if (part.type === "text-delta") controller.abort();
        },
      );
      expect(parts.some((part) => part.type === "finish")).toBe(false);
      const callError = expectProviderError(error, { kind: "aborted", retryable: false });
      expect(callError.possiblyBilled).toBe(true);
    });
  }
}
