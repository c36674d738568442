import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import type { ProviderStreamPart } from "../../src/core/index.js";
import { toFinishReason, toUsage } from "./map-ai-sdk-result.js";

/** The parts of an AI SDK stream this reads; v4 spells them as v3 does. */
type Part = LanguageModelV3StreamPart;

/** A stream part the model yielded as `{ type: "error" }`: thrown by the reader, classified by the caller. */
export class StreamErrorPart extends Error {
  constructor(readonly error: unknown) {
    super("the model's stream reported an error");
  }
}

/** The stream ended without `finish`, or with one that carries no finish reason of the provider's. */
export class MissingFinishError extends Error {
  constructor() {
    super("the stream ended without its finish part");
  }
}

/**
 * An AI SDK model's stream parts as the router's: text and reasoning deltas, tool input deltas
 * under one index per tool call (`tool-input-*` where the package streams them, else the whole
 * `tool-call`), then `finish`. Sources and metadata parts are left out, and so are
 * `reasoning-start`/`reasoning-end` (the router's reasoning is one text). `onPart` sees every part first (the
 * first one tells the caller the answer started).
 */
export async function* fromAiSdkStream(
  stream: ReadableStream<Part>,
  onPart: () => void,
): AsyncGenerator<ProviderStreamPart> {
  const indexes = new Map<string, number>();
  const indexOf = (id: string) => {
    let index = indexes.get(id);
    if (index === undefined) {
      index = indexes.size;
      indexes.set(id, index);
    }
    return index;
  };
  let requestId: string | undefined;
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value: part } = await reader.read();
      if (done) throw new MissingFinishError();
      onPart();
      switch (part.type) {
        case "text-delta":
          if (part.delta) yield { type: "text-delta", text: part.delta };
          break;
        case "reasoning-delta":
          if (part.delta) yield { type: "reasoning-delta", text: part.delta };
          break;
        case "tool-input-start":
          yield {
            type: "tool-call-delta",
            index: indexOf(part.id),
            id: part.id,
            name: part.toolName,
            argumentsDelta: "",
          };
          break;
        case "tool-input-delta":
          yield { type: "tool-call-delta", index: indexOf(part.id), argumentsDelta: part.delta };
          break;
        case "tool-call":
          if (part.providerExecuted) break;
          yield {
            type: "tool-call",
            index: indexOf(part.toolCallId),
            id: part.toolCallId,
            name: part.toolName,
            arguments: part.input,
          };
          break;
        case "response-metadata":
          requestId = part.id ?? requestId;
          break;
        case "error":
          throw new StreamErrorPart(part.error);
        case "finish": {
          // AI SDK providers end every stream with `finish`, also one the upstream cut off: then
          // they saw no finish reason of the provider's (`raw` undefined) and report `other` (v3)
          // or `interrupted` (v4).
          const unified: string = part.finishReason.unified;
          if (part.finishReason.raw === undefined && (unified === "other" || unified === "interrupted")) {
            throw new MissingFinishError();
          }
          const usage = toUsage(part.usage);
          yield {
            type: "finish",
            finishReason: toFinishReason(part.finishReason),
            ...(usage ? { usage } : {}),
            ...(requestId ? { requestId } : {}),
          };
          return;
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
