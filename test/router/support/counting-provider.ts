import {
  createLocalProvider,
  type GenerateResult,
  type LanguageModel,
  LocalEngineUnavailableError,
  type LocalProviderConfig,
  type Provider,
  type ProviderFactory,
  type ProviderStreamPart,
} from "../../../index.js";

const { type, configSchema, capabilities, resolve } = createLocalProvider();
const localEntry = { type, configSchema, capabilities, resolve };

/** What the fake engine behind a `type: local` provider does, by its `model` path (resolved by the loader, so matched by its end). */
export type FakeModel =
  /** Loads and answers "ok". */
  | "./ok.gguf"
  /** Fails to load, as a missing or corrupt GGUF does. */
  | "./missing.gguf"
  /** The factory throws while creating the provider. */
  | "./throws.gguf";

export interface CountingFactory extends ProviderFactory<LocalProviderConfig> {
  /** Providers created and not closed, by provider id (an id can be live twice across a reload). */
  live(): string[];
  /** How many providers were created in all. */
  readonly created: number;
  /** Providers whose close() was called more than once. */
  readonly closedTwice: number;
  /** Loads (describe calls) in progress right now, and the most there ever were at once. */
  readonly loading: number;
  readonly mostLoadingAtOnce: number;
  /** Holds every load until `release()`; loads started meanwhile wait. */
  hold(): void;
  release(): void;
}

/**
 * A `type: local` provider factory standing in for the local engine: it counts every provider it
 * creates and every close, so a test sees which providers are still live. A model path picks
 * what its engine does (see FakeModel).
 */
export function countingFactory(): CountingFactory {
  const live = new Map<Provider, string>();
  const closes = new Map<Provider, number>();
  let created = 0;
  let loading = 0;
  let mostLoadingAtOnce = 0;
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  const usage = { inputTokens: 5, outputTokens: 1 };
  return {
    ...localEntry,
    live: () => [...live.values()].sort(),
    get created() {
      return created;
    },
    get closedTwice() {
      return [...closes.values()].filter((count) => count > 1).length;
    },
    get loading() {
      return loading;
    },
    get mostLoadingAtOnce() {
      return mostLoadingAtOnce;
    },
    hold() {
      let open = () => {};
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    create(id, config) {
      const model = config.model;
      if (model.endsWith("throws.gguf")) throw new Error(`provider ${id}: the factory failed`);
      created++;
      const provider: Provider = {
        id,
        type: "local",
        local: true,
        languageModel(name): LanguageModel {
          return {
            provider: id,
            model: name,
            capabilities: { local: true, streaming: true, contextWindow: 4096 },
            async doGenerate(): Promise<GenerateResult> {
              return { text: `ok from ${id}`, toolCalls: [], finishReason: "stop", usage, warnings: [] };
            },
            async doStream() {
              async function* parts(): AsyncGenerator<ProviderStreamPart> {
                yield { type: "text-delta", text: `ok from ${id}` };
                yield { type: "finish", finishReason: "stop", usage };
              }
              return { stream: parts(), warnings: [] };
            },
          };
        },
        async describe() {
          loading++;
          mostLoadingAtOnce = Math.max(mostLoadingAtOnce, loading);
          try {
            await gate?.promise;
            await new Promise((resolve) => setImmediate(resolve));
            if (model.endsWith("missing.gguf")) {
              throw new LocalEngineUnavailableError(id, `cannot load ${model}: no such file`);
            }
            return { contextWindow: 4096 };
          } finally {
            loading--;
          }
        },
        async close() {
          closes.set(provider, (closes.get(provider) ?? 0) + 1);
          live.delete(provider);
        },
      };
      live.set(provider, id);
      return provider;
    },
  };
}
