import {
  createLocalProvider,
  type GenerateResult,
  type LanguageModel,
  type LocalProviderConfig,
  type ProviderFactory,
  type ProviderStreamPart,
} from "../../../index.js";

const { type, configSchema, capabilities } = createLocalProvider();
const localEntry = { type, configSchema, capabilities };

/** What each answer of the double bills. */
export const replicaUsage = { inputTokens: 5, outputTokens: 1 };

/**
 * A `type: local` provider served by two engines, "gpu0" and "gpu1", as the local provider is
 * with `devices: all`: the router expands each of its targets into `<target>@gpu0` and
 * `<target>@gpu1`. Every answer pushes the replica that served it onto `served`.
 */
export function replicatedProvider(served: string[]): ProviderFactory<LocalProviderConfig> {
  return {
    ...localEntry,
    create(id) {
      return {
        id,
        type: "local",
        local: true,
        replicas: async () => ["gpu0", "gpu1"],
        languageModel(model, replica): LanguageModel {
          const answer = () => served.push(replica ?? "none");
          return {
            provider: id,
            model,
            capabilities: { local: true, noTraining: true, streaming: true, contextWindow: 4096 },
            async doGenerate(): Promise<GenerateResult> {
              answer();
              return {
                text: "local",
                toolCalls: [],
                finishReason: "stop",
                usage: replicaUsage,
                warnings: [],
              };
            },
            async doStream() {
              answer();
              async function* parts(): AsyncGenerator<ProviderStreamPart> {
                yield { type: "text-delta", text: "local" };
                yield { type: "finish", finishReason: "stop", usage: replicaUsage };
              }
              return { stream: parts(), warnings: [] };
            },
          };
        },
      };
    },
  };
}
