import { describe } from "vitest";
import { useMswServer } from "../support/msw-server.js";
import { createConformanceHarness } from "./conformance-harness.js";
import type { ConformanceSpec } from "./conformance-spec.js";
import { registerGenerationTests } from "./generation-tests.js";
import { registerHttpErrorTests } from "./http-error-tests.js";
import { registerSecretEchoTests } from "./secret-echo-tests.js";
import { registerStreamFaultTests } from "./stream-fault-tests.js";
import { registerTransportFailureTests } from "./transport-failure-tests.js";

/**
 * The behaviour every adapter shares: mapping of text, streams, tools, JSON output, log-probs and
 * usage; error classification; transport failures; broken streams; no secret in any error, result or part, whatever
 * the upstream echoes. Call it from the adapter's
 * own test file (see README.md).
 */
export function runConformanceSuite(spec: ConformanceSpec): void {
  describe(`conformance: ${spec.name}`, () => {
    const harness = createConformanceHarness(spec, useMswServer());
    registerGenerationTests(harness);
    registerHttpErrorTests(harness);
    registerStreamFaultTests(harness);
    registerTransportFailureTests(harness);
    registerSecretEchoTests(harness);
  });
}
