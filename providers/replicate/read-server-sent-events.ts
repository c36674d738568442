import parser, { type ParsedEvent } from "replicate/vendor/eventsource-parser/stream.js";

export type { ParsedEvent };

/** The events of an SSE body, parsed by the SDK's own (vendored) parser. */
export function readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): ReadableStreamDefaultReader<ParsedEvent> {
  return body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new parser.EventSourceParserStream())
    .getReader();
}
