export { type CollectedStream, collectStream, streamedText } from "./collect-stream.js";
export { type ConformanceFixture, conformanceFixture } from "./conformance-fixture.js";
export type {
  Arrange,
  ArrangeStream,
  ConformanceSpec,
  ExpectedError,
  ExtraErrorScenario,
  StreamArrangeOptions,
} from "./conformance-spec.js";
export { runConformanceSuite } from "./run-conformance-suite.js";
