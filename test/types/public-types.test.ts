import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type * as switchyard from "../../index.js";
import type {
  AnthropicProviderConfig,
  AnthropicProviderOptions,
  Builtins,
  CallLogLine,
  CallLogOptions,
  ChatProviderOptions,
  ChatResult,
  CreateRouterOptions,
  DifficultyScorer,
  EngineHandle,
  FailureCondition,
  Filter,
  InvalidOutputError,
  InvalidOutputReason,
  JsonValue,
  LanguageModel,
  LoadedPolicy,
  LoadPolicyOptions,
  LocalProviderConfig,
  Logger,
  LogLevel,
  OpenAICompatibleProviderConfig,
  OpenAIProviderConfig,
  OutputViolation,
  PolicyCheckReport,
  PolicyFile,
  PromptCountRequest,
  ProviderCallError,
  ProviderConfig,
  ProviderContext,
  ProviderFactory,
  ProviderSetupError,
  ReplicateProviderConfig,
  ReplicateProviderOptions,
  Router,
  Strategy,
  StrategyBuildOptions,
  UsageReport,
  UsageTotals,
} from "../../index.js";

describe("the public types", () => {
  it("take a user message's content as text or as text and image parts", () => {
    expectTypeOf<switchyard.UserMessage["content"]>().toEqualTypeOf<string | switchyard.UserContentPart[]>();
    expectTypeOf<switchyard.ImagePart["image"]>().toEqualTypeOf<string | switchyard.InlineImage>();
    expectTypeOf<switchyard.InlineImage["mediaType"]>().toEqualTypeOf<
      "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    >();
    expectTypeOf<switchyard.SystemMessage["content"]>().toEqualTypeOf<string>();
    expectTypeOf<switchyard.Capabilities["vision"]>().toEqualTypeOf<boolean>();
  });

  it("name what loadPolicy and checkPolicy take and return", () => {
    expectTypeOf<typeof switchyard.loadPolicy>().parameters.toEqualTypeOf<
      [string | PolicyFile, LoadPolicyOptions?]
    >();
    expectTypeOf<typeof switchyard.loadPolicy>().returns.toEqualTypeOf<Promise<LoadedPolicy>>();
    expectTypeOf<typeof switchyard.checkPolicy>().returns.toEqualTypeOf<Promise<PolicyCheckReport>>();
    expectTypeOf<LoadPolicyOptions["providers"]>().toEqualTypeOf<readonly ProviderFactory[] | undefined>();
  });

  it("name what createRouter takes and returns, and the built-ins it starts from", () => {
    expectTypeOf<typeof switchyard.createRouter>().parameters.toEqualTypeOf<[CreateRouterOptions]>();
    expectTypeOf<typeof switchyard.createRouter>().returns.toEqualTypeOf<Promise<Router>>();
    expectTypeOf<typeof switchyard.builtins>().toEqualTypeOf<Builtins>();
    expectTypeOf<CreateRouterOptions["filters"]>().toEqualTypeOf<Filter[] | undefined>();
    expectTypeOf<CreateRouterOptions["strategies"]>().toEqualTypeOf<Strategy[] | undefined>();
    expectTypeOf<CreateRouterOptions["difficultyScorer"]>().toEqualTypeOf<DifficultyScorer | undefined>();
    expectTypeOf<Builtins["policies"]["strategies"][string]>().parameters.toEqualTypeOf<
      [StrategyBuildOptions]
    >();
  });

  it("type a factory's create by its config schema", () => {
    type Corp = { type: "corp"; url: string };
    expectTypeOf<ProviderFactory<Corp>["configSchema"]>().toEqualTypeOf<z.ZodType<Corp, unknown>>();
    expectTypeOf<ProviderFactory<Corp>["create"]>().parameters.toEqualTypeOf<
      [string, Corp, ProviderContext]
    >();
    expectTypeOf<ProviderSetupError["provider"]>().toBeString();
  });

  it("let a model of the user's count its own prompt, optionally", () => {
    expectTypeOf<LanguageModel["countPromptTokens"]>().toEqualTypeOf<
      ((request: PromptCountRequest) => Promise<number | undefined>) | undefined
    >();
    expectTypeOf<PromptCountRequest["signal"]>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<NonNullable<EngineHandle["countChatPrompt"]>>().returns.toEqualTypeOf<Promise<number>>();
  });

  it("give each built-in provider's entry and options a type of its own", () => {
    expectTypeOf<OpenAIProviderConfig["type"]>().toEqualTypeOf<"openai">();
    expectTypeOf<AnthropicProviderConfig["type"]>().toEqualTypeOf<"anthropic">();
    expectTypeOf<ReplicateProviderConfig["apiToken"]>().toBeString();
    expectTypeOf<OpenAICompatibleProviderConfig["baseURL"]>().toBeString();
    expectTypeOf<LocalProviderConfig["model"]>().toBeString();
    for (const config of [] as OpenAIProviderConfig[]) expectTypeOf(config).toExtend<ProviderConfig>();
    expectTypeOf<ChatProviderOptions>().toBeObject();
    expectTypeOf<AnthropicProviderOptions>().toBeObject();
    expectTypeOf<ReplicateProviderOptions>().toBeObject();
  });

  it("type the validated JSON answer and the error of an answer that fails the request", () => {
    expectTypeOf<ChatResult["object"]>().toEqualTypeOf<JsonValue | undefined>();
    expectTypeOf<InvalidOutputError>().toExtend<ProviderCallError>();
    expectTypeOf<InvalidOutputError["reason"]>().toEqualTypeOf<InvalidOutputReason>();
    expectTypeOf<InvalidOutputError["violations"]>().toEqualTypeOf<OutputViolation[]>();
    expectTypeOf<"invalid_output">().toExtend<FailureCondition>();
  });

  it("type reasoning as its own stream part, result field and usage count", () => {
    expectTypeOf<{ type: "reasoning-delta"; text: string }>().toExtend<switchyard.StreamPart>();
    expectTypeOf<switchyard.ReasoningDeltaPart>().toExtend<switchyard.ProviderStreamPart>();
    expectTypeOf<ChatResult["reasoning"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ChatResult["usage"]["reasoningTokens"]>().toEqualTypeOf<number | undefined>();
  });

  it("type the logger, the usage report and the call log", () => {
    expectTypeOf<CreateRouterOptions["logger"]>().toEqualTypeOf<Logger | undefined>();
    expectTypeOf<CreateRouterOptions["logLevel"]>().toEqualTypeOf<LogLevel | undefined>();
    // console has the pino shape.
    expectTypeOf(console).toExtend<Logger>();
    expectTypeOf<Router["usage"]>().returns.toEqualTypeOf<Promise<UsageReport>>();
    expectTypeOf<UsageReport["tags"]>().toEqualTypeOf<Record<string, UsageTotals>>();
    expectTypeOf<CreateRouterOptions["callLog"]>().toEqualTypeOf<CallLogOptions | undefined>();
    expectTypeOf<z.infer<typeof switchyard.callLogLineSchema>>().toEqualTypeOf<CallLogLine>();
    expectTypeOf<CallLogLine["v"]>().toEqualTypeOf<1>();
  });
});
