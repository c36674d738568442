export { minimumSecretLength, secretForms, secretTailLength } from "../../src/core/secret-forms.js";
export { type SecretMatcher, StreamRedactor } from "../../src/core/stream-redactor.js";
export { bodyExcerpt, bodyExcerptLimit } from "./body-excerpt.js";
export { classifyFailureBody, classifyStatusFailure, type FailureBody } from "./classify-failure-body.js";
export { classifyStatus, type StatusClassification } from "./classify-status.js";
export {
  classifyTransportFailure,
  describeCause,
  type TransportClassification,
  type TransportContext,
  type TransportHint,
} from "./classify-transport-failure.js";
export { createProviderCallError, type ProviderCallFailure } from "./create-provider-call-error.js";
export type { HeaderReader } from "./header-reader.js";
export { isAbortError } from "./is-abort-error.js";
export { type LinkedSignal, linkSignal } from "./link-signal.js";
export { parseRetryAfter } from "./parse-retry-after.js";
export { readShouldRetry } from "./read-should-retry.js";
export { redactedCause } from "./redacted-cause.js";
export { ResponseRedactor } from "./response-redactor.js";
export { divertConsoleWarnings, type SdkLogger, sdkLogger } from "./sdk-logger.js";
