import {
  createLocalProvider,
  type GenerateResult,
  type LanguageModel,
  LocalEngineUnavailableError,
  type LocalProviderConfig,
  type ProviderFactory,
  type ProviderStreamPart,
} from "../../../index.js";

const { type, configSchema, capabilities } = createLocalProvider();
const localEntry = { type, configSchema, capabilities };

/** What the double's engine does on its n-th call (the last entry repeats). */
export type LocalStep = "ok" | "crash";

export interface LocalEngineDouble extends ProviderFactory<LocalProviderConfig> {
  /** Calls that reached the engine. */
  readonly calls: number;
}

/**
 * A `type: local` provider standing in for the in-process engine: it answers "local" or fails
 * the way the real provider does when its engine is gone (LocalEngineUnavailableError).
 */
export function localEngineDouble(script: readonly LocalStep[] = ["ok"]): LocalEngineDouble {
  let calls = 0;
  const step = (id: string): void => {
    const next = script[Math.min(calls, script.length - 1)] ?? "ok";
    calls++;
    if (next === "crash") {
      throw new LocalEngineUnavailableError(id, "the engine is not running (it exited with signal SIGSEGV)");
    }
  };
  const usage = { inputTokens: 5, outputTokens: 1 };
  return {
    ...localEntry,
    get calls() {
      return calls;
    },
    create(id) {
      return {
        id,
        type: "local",
        local: true,
        languageModel(model): LanguageModel {
          return {
            provider: id,
            model,
            capabilities: { local: true, noTraining: true, streaming: true, contextWindow: 4096 },
            async doGenerate(): Promise<GenerateResult> {
              step(id);
              return { text: "local", toolCalls: [], finishReason: "stop", usage, warnings: [] };
            },
            async doStream() {
              step(id);
              async function* parts(): AsyncGenerator<ProviderStreamPart> {
                yield { type: "text-delta", text: "local" };
                yield { type: "finish", finishReason: "stop", usage };
              }
              return { stream: parts(), warnings: [] };
            },
          };
        },
      };
    },
  };
}
