import type { LocalEngine } from "../../local-engine/index.js";
import {
  type Capabilities,
  type LoadMetrics,
  type LocalProviderConfig,
  type Provider,
  type ProviderContext,
  type ProviderFactory,
  SwitchyardError,
} from "../../src/core/index.js";
import { LocalChatModel } from "./local-chat-model.js";

type EngineModule = typeof import("../../local-engine/index.js");
type LoadedEngine = { engine: LocalEngine; module: EngineModule };

/** The engine could not start: the optional peer is missing, the model does not fit, or the file is bad. */
export class LocalEngineUnavailableError extends SwitchyardError {
  constructor(provider: string, message: string, cause?: unknown) {
    super(`local provider ${provider}: ${message}`, { cause });
    this.name = "LocalEngineUnavailableError";
  }
}

/** `type: local`: Switchyard's in-process llama.cpp engine as a routing target. */
export const localProvider: ProviderFactory = {
  type: "local",
  create(id, config, context): Provider {
    if (config.type !== "local")
      throw new LocalEngineUnavailableError(id, `expected type "local", got "${config.type}"`);
    let loading: Promise<LoadedEngine> | undefined;
    let loaded: LoadedEngine | undefined;
    let closed = false;
    const load = () => {
      loading ??= startEngine(id, config, context).then((value) => {
        loaded = value;
        if (closed) void value.engine.close();
        return value;
      });
      return loading;
    };
    return {
      id,
      type: "local",
      local: true,
      languageModel(model) {
        const engine = load();
        engine.catch(() => {});
        return new LocalChatModel({
          provider: id,
          model,
          engine,
          capabilities: localCapabilities(undefined),
          redact: context.redact,
        });
      },
      async describe(): Promise<Partial<Capabilities>> {
        const { engine } = await load();
        return localCapabilities(engine.info.contextPerSlot);
      },
      metrics(): LoadMetrics | undefined {
        if (!loaded) return undefined;
        const metrics = loaded.engine.metrics();
        return {
          queueDepth: metrics.queueDepth,
          busySlots: metrics.busySlots,
          slots: metrics.slots,
          decodeTokensPerSec: metrics.decodeTokensPerSec,
        };
      },
      async close() {
        closed = true;
        await loaded?.engine.close();
      },
    };
  },
};

function localCapabilities(contextWindow: number | undefined): Partial<Capabilities> {
  return {
    logprobs: 20,
    tools: false,
    jsonSchema: true,
    streaming: true,
    local: true,
    noTraining: true,
    ...(contextWindow !== undefined ? { contextWindow, maxOutputTokens: contextWindow } : {}),
  };
}

async function startEngine(
  id: string,
  config: LocalProviderConfig,
  context: ProviderContext,
): Promise<LoadedEngine> {
  let module: EngineModule;
  try {
    module = await import("../../local-engine/index.js");
  } catch (error) {
    throw new LocalEngineUnavailableError(
      id,
      `the local engine could not be loaded (${String(error)})`,
      error,
    );
  }
  try {
    const engine = await module.LocalEngine.load({
      modelPath: config.model,
      ...(config.gpu ? { gpu: config.gpu } : {}),
      ...(config.slots ? { slots: config.slots } : {}),
      ...(config.threads ? { threads: config.threads } : {}),
      ...(config.contextPerSlot ? { contextPerSlot: config.contextPerSlot } : {}),
      ...(config.queueLimit !== undefined ? { queueLimit: config.queueLimit } : {}),
      ...(context.onProgress
        ? { onProgress: (fraction: number) => context.onProgress?.({ provider: id, fraction }) }
        : {}),
    });
    return { engine, module };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LocalEngineUnavailableError(id, message, error);
  }
}
