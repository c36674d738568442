/**
 * The SSE parser `replicate` 1.4.0 vendors (eventsource-parser 1.1.2) and uses for its own
 * `stream()`: a TransformStream from decoded text to events. Multi-line `data` fields arrive
 * joined with "\n"; comments and `retry` lines produce no event.
 */
declare module "replicate/vendor/eventsource-parser/stream.js" {
  export interface ParsedEvent {
    type: "event";
    event?: string;
    id?: string;
    data: string;
  }
  const parser: { EventSourceParserStream: new () => TransformStream<string, ParsedEvent> };
  export default parser;
}
