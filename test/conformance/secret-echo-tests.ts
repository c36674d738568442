import { expect, it } from "vitest";
import type { CallOptions, LanguageModel, ProviderCallError } from "../../src/core/index.js";
import { leakedSecrets } from "../faults/support/secret-scan.js";
import { createTestProviderContext } from "../support/test-provider-context.js";
import { collectStream, streamedText } from "./collect-stream.js";
import { conformanceFixture as fixture } from "./conformance-fixture.js";
import type { ConformanceHarness } from "./conformance-harness.js";
import type { Arrange, ArrangeStream } from "./conformance-spec.js";
import { echoedText, echoedToolArguments, echoedToolName, echoingFetch } from "./echoing-upstream.js";

const keys = [fixture.canaryKey];

/**
 * The canary beyond error bodies: an upstream that echoes the key in its request-id headers,
 * every id it returns, its status line, its error messages, the answer's text (split across two
 * deltas) and the tool call. Nothing the adapter returns, yields or throws may hold the key — not
 * in any property, nor in JSON.stringify, String or util.inspect — and apart from the key the
 * answer must be exactly what the upstream sent.
 */
export function registerSecretEchoTests(harness: ConformanceHarness): void {
  const { spec, providerId, server, callOptions } = harness;

  const echoing = (handlers: ReturnType<Arrange>): LanguageModel => {
    server.use(...handlers);
    const context = createTestProviderContext({ fetch: echoingFetch() });
    return spec.factory.create(providerId, spec.config, context).languageModel(spec.model);
  };

  const expectRedactedRequestId = (requestId: string | undefined): void => {
    if (spec.features.requestId) expect(requestId).toContain("[REDACTED]");
    expect(requestId ?? "").not.toContain(fixture.canaryKey);
  };

  it("redacts a key echoed in the answer's text, ids and request-id headers", async () => {
    const result = await echoing(spec.scenarios.text()).doGenerate(callOptions());
    expect(leakedSecrets(result, keys)).toEqual([]);
    expect(result.text).toBe(echoedText);
    expectRedactedRequestId(result.requestId);
  });

  if (spec.features.streaming && spec.scenarios.stream) {
    const stream = spec.scenarios.stream;
    for (const chunkSize of [undefined, 3]) {
      it(`redacts a key split across streamed deltas (${chunkSize ?? "frame"}-byte chunks)`, async () => {
        const model = echoing(stream(chunkSize === undefined ? {} : { chunkSize }));
        const { parts, error } = await collectStream(() => model.doStream(callOptions()));
        expect(error).toBeUndefined();
        expect(leakedSecrets(parts, keys)).toEqual([]);
        expect(streamedText(parts)).toBe(echoedText);
        const finish = parts.at(-1);
        expectRedactedRequestId(finish?.type === "finish" ? finish.requestId : undefined);
      });
    }
  }

  if (spec.features.tools && spec.scenarios.tools) {
    const tools = spec.scenarios.tools;
    const toolOptions = (): CallOptions => callOptions({ tools: [fixture.tool], toolChoice: "auto" });

    it("redacts a key echoed in a tool call's id, name and arguments", async () => {
      const result = await echoing(tools()).doGenerate(toolOptions());
      expect(leakedSecrets(result, keys)).toEqual([]);
      expect(result.toolCalls[0]).toMatchObject({ name: echoedToolName, arguments: echoedToolArguments });
      expect(result.toolCalls[0]?.id).toContain("[REDACTED]");
    });

    if (spec.features.streaming && spec.scenarios.toolsStream) {
      const toolsStream = spec.scenarios.toolsStream;
      it("redacts a key echoed in streamed tool-call deltas", async () => {
        const model = echoing(toolsStream({ chunkSize: 7 }));
        const { parts, error } = await collectStream(() => model.doStream(toolOptions()));
        expect(error).toBeUndefined();
        expect(leakedSecrets(parts, keys)).toEqual([]);
        const deltas = parts.flatMap((part) =>
          part.type === "tool-call-delta" ? [part.argumentsDelta] : [],
        );
        expect(deltas.join("")).toBe(echoedToolArguments);
        expect(parts.find((part) => part.type === "tool-call")).toMatchObject({
          name: echoedToolName,
          arguments: echoedToolArguments,
        });
      });
    }
  }

  const errors = spec.httpErrors;
  if (errors) {
    const scenarios: Array<[string, Arrange | undefined]> = [
      ["400", errors.badRequest],
      ["context-length", errors.contextLength],
      ["401", errors.auth],
      ["429", errors.rateLimit],
      ["quota", errors.quota],
      ["500", errors.server],
      ...(errors.extra ?? []).map((extra): [string, Arrange] => [extra.name, extra.arrange]),
    ];
    for (const [name, arrange] of scenarios) {
      if (!arrange) continue;
      it(`redacts a key echoed in the status line, headers and body of an error (${name})`, async () => {
        const error = (await echoing(arrange())
          .doGenerate(callOptions())
          .then(
            () => undefined,
            (caught: unknown) => caught,
          )) as ProviderCallError | undefined;
        expect(error, "the scenario must fail").toBeDefined();
        // The echo reached the error, or this test would prove nothing.
        expect(`${error?.message} ${error?.body}`).toContain("[REDACTED]");
        expect(leakedSecrets(error, keys)).toEqual([]);
        expectRedactedRequestId(error?.requestId);
      });
    }
    if (spec.features.streaming) {
      it("redacts a key echoed by an error before a stream starts", async () => {
        const { error } = await collectStream(() => echoing(errors.rateLimit()).doStream(callOptions()));
        expect(error).toBeDefined();
        expect(leakedSecrets(error, keys)).toEqual([]);
      });
    }
  }

  const faults = spec.streamFaults;
  if (faults) {
    const broken: Array<[string, ArrangeStream | undefined]> = [
      ["a truncated stream", faults.truncated],
      ["malformed JSON mid-stream", faults.malformedJson],
      ["an in-stream error event", faults.errorEvent],
    ];
    for (const [name, arrange] of broken) {
      if (!arrange) continue;
      it(`redacts a key echoed before ${name}`, async () => {
        const { parts, error } = await collectStream(() => echoing(arrange({})).doStream(callOptions()));
        expect(error).toBeDefined();
        expect(leakedSecrets({ parts, error }, keys)).toEqual([]);
      });
    }
  }
}
