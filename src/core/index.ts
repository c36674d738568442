export type { CallOptions } from "./call-options.js";
export type { Capabilities } from "./capabilities.js";
export type {
  EmbedCallOptions,
  EmbedCallResult,
  EmbeddingModel,
  EmbedRequest,
  EmbedResult,
} from "./embedding.js";
export { maxEmbedInputs } from "./embedding.js";
export { AbortedError } from "./errors/aborted-error.js";
export { AllTargetsFailedError } from "./errors/all-targets-failed-error.js";
export { BudgetExceededError } from "./errors/budget-exceeded-error.js";
export { DeadlineExceededError } from "./errors/deadline-exceeded-error.js";
export type { ErrorKind } from "./errors/error-kind.js";
export { InvalidOptionsError } from "./errors/invalid-options-error.js";
export {
  InvalidOutputError,
  type InvalidOutputErrorOptions,
  type InvalidOutputReason,
  type OutputViolation,
} from "./errors/invalid-output-error.js";
export { InvalidRequestError } from "./errors/invalid-request-error.js";
export { NoEligibleTargetError } from "./errors/no-eligible-target-error.js";
export { formatPolicyIssue, PolicyFileError, type PolicyIssue } from "./errors/policy-file-error.js";
export { ProviderCallError, type ProviderCallErrorOptions } from "./errors/provider-call-error.js";
export { ProviderSetupError } from "./errors/provider-setup-error.js";
export { QueueFullError } from "./errors/queue-full-error.js";
export { RouterClosedError } from "./errors/router-closed-error.js";
export { StreamInterruptedError } from "./errors/stream-interrupted-error.js";
export { SwitchyardError } from "./errors/switchyard-error.js";
export type { FailureCondition } from "./failure-condition.js";
export type { FinishReason } from "./finish-reason.js";
export type { JsonSchema, JsonValue } from "./json-schema.js";
export type {
  CatalogProviderRef,
  GenerateResult,
  LanguageModel,
  LoadMetrics,
  PromptCountRequest,
  Provider,
  ProviderConfigWarning,
  ProviderContext,
  ProviderFactory,
  StreamResult,
} from "./language-model.js";
export type { Logger, LogLevel } from "./logger.js";
export type { TokenLogprob, TopLogprob } from "./logprobs.js";
export { hasImages, imageParts, messageText, textOnly } from "./message-text.js";
export type {
  AssistantMessage,
  ImageMediaType,
  ImagePart,
  InlineImage,
  Message,
  SystemMessage,
  TextPart,
  ToolCall,
  ToolMessage,
  UserContentPart,
  UserMessage,
} from "./messages.js";
export { imageMediaTypes } from "./messages.js";
export type {
  BudgetBreach,
  CallLimits,
  Candidate,
  DifficultyScorer,
  Filter,
  PolicyInput,
  Rejection,
  RequestEstimate,
  RoutingPolicy,
  Strategy,
} from "./policy.js";
export type { ProviderConfig } from "./provider-config.js";
export type {
  ChatRequest,
  LatencySlo,
  PrivacyClass,
  ResponseFormat,
  TargetOverrides,
  ToolChoice,
  ToolDefinition,
} from "./request.js";
export type { ChatResult } from "./result.js";
export type {
  BuiltinStrategyName,
  HedgeConfig,
  Route,
  RouteBudget,
  RouteCache,
  StrategyName,
} from "./route.js";
export type { MetadataMatcher, RouteRule, RouteRuleWhen, RouteSelection } from "./route-selection.js";
export type {
  AttemptOutcome,
  AttemptRecord,
  CacheStatus,
  FallbackRecord,
  PausedTarget,
  RejectedCandidate,
  RouteTrace,
} from "./route-trace.js";
export type {
  AttemptObservation,
  BreakerState,
  DailyLimit,
  HealthState,
  LatencyStats,
  SpendHoldResult,
  SpendToday,
  SpendTokens,
  SpendTotals,
  StateSnapshot,
  StateStore,
  TargetLoad,
} from "./state.js";
export { occupancy } from "./state.js";
export type * from "./stream-part.js";
export type { Price, RateLimits, Target } from "./target.js";
export type { Usage } from "./usage.js";
