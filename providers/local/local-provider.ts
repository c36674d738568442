import type { LocalEngineOptions } from "../../local-engine/index.js";
import {
  type Capabilities,
  type LoadMetrics,
  type Logger,
  type Provider,
  type ProviderContext,
  SwitchyardError,
} from "../../src/core/index.js";
import type { EngineHandle } from "./engine-handle.js";
import { InProcessEngine } from "./in-process-engine.js";
import { LocalChatModel } from "./local-chat-model.js";
import type { LocalProviderConfig } from "./local-config-schema.js";
import { LocalEmbeddingModel } from "./local-embedding-model.js";

type EngineModule = typeof import("../../local-engine/index.js");
type LoadedEngine = { engine: EngineHandle; module: EngineModule };

/** The engine could not start: the optional peer is missing, the model does not fit, or the file is bad. */
export class LocalEngineUnavailableError extends SwitchyardError {
  constructor(provider: string, message: string, cause?: unknown) {
    super(`local provider ${provider}: ${message}`, { cause });
    this.name = "LocalEngineUnavailableError";
  }
}

/** One engine to start: its options, where it runs, and the name it goes by in messages. */
export interface EngineStart {
  options: Omit<LocalEngineOptions, "onProgress">;
  isolation: "none" | "process";
  /** `<provider>` or `<provider>@gpu<N>`. */
  label: string;
  onProgress?: (fraction: number) => void;
  /**
   * The router's logger for this provider: what the engine prints (an engine process's stderr,
   * its restarts) goes here rather than to the console.
   */
  logger?: Logger;
}

export interface LocalProviderOptions {
  /**
   * Indexes of the GPUs the llama.cpp build sees, for `devices: "all"`.
   * @default the engine module's `listGpuDevices`
   */
  listDevices?: (config: LocalProviderConfig) => Promise<readonly number[]>;
  /** Starts one engine. @default `LocalEngine` here, or in a child process for `isolation: "process"` */
  startEngine?: (start: EngineStart) => Promise<EngineHandle>;
}

/**
 * `type: local`: Switchyard's llama.cpp engine as a routing target; one engine per listed GPU. The
 * registered factory (local-factory.ts) adds the config schema and checks around it.
 */
export function createLocalAdapter(providerOptions: LocalProviderOptions = {}) {
  return {
    type: "local",
    create(id: string, config: LocalProviderConfig, context: ProviderContext): Provider {
      const startEngine = providerOptions.startEngine ?? startLocalEngine;
      const listDevices = providerOptions.listDevices ?? defaultListDevices;
      const isolation = config.isolation ?? (config.devices === undefined ? "none" : "process");
      const engines = new Map<string, { loading: Promise<LoadedEngine>; loaded?: LoadedEngine }>();
      let replicas: Promise<readonly string[]> | undefined;
      let closed = false;

      const load = (replica: string | undefined): Promise<LoadedEngine> => {
        const key = replica ?? "";
        const existing = engines.get(key);
        if (existing) return existing.loading;
        const label = replica === undefined ? id : `${id}@${replica}`;
        const device = replica === undefined ? undefined : Number(replica.slice("gpu".length));
        const entry: { loading: Promise<LoadedEngine>; loaded?: LoadedEngine } = {
          loading: start(label, device).then((value) => {
            entry.loaded = value;
            if (closed) void value.engine.close();
            return value;
          }),
        };
        engines.set(key, entry);
        return entry.loading;
      };

      const start = async (label: string, device: number | undefined): Promise<LoadedEngine> => {
        const module = await importEngine(id);
        const options: EngineStart["options"] = {
          modelPath: config.model,
          ...(config.gpu ? { gpu: config.gpu } : {}),
          ...(config.slots ? { slots: config.slots } : {}),
          ...(config.threads ? { threads: config.threads } : {}),
          ...(config.samplingThreads ? { samplingThreads: config.samplingThreads } : {}),
          ...(config.contextPerSlot ? { contextPerSlot: config.contextPerSlot } : {}),
          ...(config.queueLimit !== undefined ? { queueLimit: config.queueLimit } : {}),
          ...(config.libraryDir ? { libraryDir: config.libraryDir } : {}),
          ...(device !== undefined ? { device } : {}),
          ...(config.embeddings !== undefined || config.pooling !== undefined
            ? {
                embeddings: {
                  ...(config.embeddings !== undefined ? { mode: config.embeddings } : {}),
                  ...(config.pooling !== undefined ? { pooling: config.pooling } : {}),
                },
              }
            : {}),
        };
        try {
          const engine = await startEngine({
            options,
            isolation,
            label,
            ...(context.onProgress
              ? { onProgress: (fraction: number) => context.onProgress?.({ provider: label, fraction }) }
              : {}),
            ...(context.logger ? { logger: context.logger } : {}),
          });
          return { engine, module };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new LocalEngineUnavailableError(label, message, error);
        }
      };

      return {
        id,
        type: "local",
        local: true,
        replicas() {
          replicas ??= resolveReplicas(id, config, listDevices);
          return replicas;
        },
        languageModel(model, replica) {
          const engine = load(replica);
          engine.catch(() => {});
          return new LocalChatModel({
            provider: id,
            model,
            engine,
            capabilities: localCapabilities(undefined),
            redact: context.redact,
          });
        },
        // Offered unless turned off: whether the model embeds is known once it loaded (its metadata),
        // and a model that does not answers with a bad_request the router fails over on.
        ...(config.embeddings === "off"
          ? {}
          : {
              embeddingModel(model: string, replica?: string) {
                const engine = load(replica);
                engine.catch(() => {});
                return new LocalEmbeddingModel({ provider: id, model, engine, redact: context.redact });
              },
            }),
        async describe(_model, replica): Promise<Partial<Capabilities>> {
          const { engine } = await load(replica);
          return localCapabilities(engine.info.contextPerSlot, engine.info.toolCallFormat !== undefined);
        },
        metrics(replica): LoadMetrics | undefined {
          const loaded = engines.get(replica ?? "")?.loaded;
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
          await Promise.all([...engines.values()].map((entry) => entry.loaded?.engine.close()));
        },
      };
    },
  };
}

/** `devices: [0, 2]` → gpu0, gpu2; `"all"` → every GPU the build sees; unset → one unnamed engine. */
async function resolveReplicas(
  id: string,
  config: LocalProviderConfig,
  listDevices: (config: LocalProviderConfig) => Promise<readonly number[]>,
): Promise<readonly string[]> {
  if (config.devices === undefined) return [];
  let indexes: readonly number[];
  if (config.devices === "all") {
    try {
      indexes = await listDevices(config);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new LocalEngineUnavailableError(id, `devices: all could not list the GPUs: ${message}`, error);
    }
    if (indexes.length === 0) {
      // On a machine without a GPU, `gpu: auto` runs one engine on the CPU, as without `devices`.
      if ((config.gpu ?? "auto") === "auto" || config.gpu === "cpu") return [];
      throw new LocalEngineUnavailableError(id, `devices: all found no ${config.gpu} GPU`);
    }
  } else {
    if (config.gpu === "cpu") {
      throw new LocalEngineUnavailableError(id, `devices lists GPUs, but gpu is "cpu"`);
    }
    indexes = config.devices;
  }
  return indexes.map((index) => `gpu${index}`);
}

async function importEngine(id: string): Promise<EngineModule> {
  try {
    return await import("../../local-engine/index.js");
  } catch (error) {
    throw new LocalEngineUnavailableError(
      id,
      `the local engine could not be loaded (${String(error)})`,
      error,
    );
  }
}

/** Lists the GPUs where the engines will run: in a child process when they are isolated there. */
async function defaultListDevices(config: LocalProviderConfig): Promise<readonly number[]> {
  const options = {
    ...(config.gpu ? { gpu: config.gpu } : {}),
    ...(config.libraryDir ? { libraryDir: config.libraryDir } : {}),
  };
  if ((config.isolation ?? "process") === "process") {
    const { listGpuDevicesInChild } = await import("./process/process-engine.js");
    return (await listGpuDevicesInChild(options)).map((device) => device.index);
  }
  const module = await import("../../local-engine/index.js");
  return module.listGpuDevices(options).map((device) => device.index);
}

/** Starts one engine the built-in way: in this process, or in a child process for `isolation: "process"`. */
export async function startLocalEngine(start: EngineStart): Promise<EngineHandle> {
  if (start.isolation === "process") {
    const { ProcessEngine } = await import("./process/process-engine.js");
    const { logger, label } = start;
    return ProcessEngine.start({
      engine: start.options,
      label,
      ...(start.onProgress ? { onProgress: start.onProgress } : {}),
      ...(logger ? { log: (level, message) => logger[level]({ engine: label }, message) } : {}),
    });
  }
  const { LocalEngine } = await import("../../local-engine/index.js");
  const engine = await LocalEngine.load({
    ...start.options,
    ...(start.onProgress ? { onProgress: start.onProgress } : {}),
  });
  return new InProcessEngine(engine);
}

/** Tools only where the model's chat template lists them and its tool-call syntax is known. */
function localCapabilities(contextWindow: number | undefined, tools = false): Partial<Capabilities> {
  return {
    logprobs: 20,
    tools,
    jsonSchema: true,
    streaming: true,
    // The engine loads a text model; images are never sent to it.
    vision: false,
    local: true,
    noTraining: true,
    ...(contextWindow !== undefined ? { contextWindow, maxOutputTokens: contextWindow } : {}),
  };
}
