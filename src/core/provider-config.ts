/**
 * Provider entries of a policy, as adapters receive them (validated, `${ENV}` already resolved).
 * The policy file's zod schema in src/config is the source of truth and is checked against these.
 */
interface ProviderConfigBase {
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string>;
  /** The operator declares this provider local (e.g. vLLM on this host): eligible for `local-only`. */
  local?: boolean;
  /** The provider's data policy: it does not train on requests. Eligible for `no-training`. */
  noTraining?: boolean;
}

export interface OpenAIProviderConfig extends ProviderConfigBase {
  type: "openai";
  apiKey: string;
  baseURL?: string;
  organization?: string;
  project?: string;
}

export interface AnthropicProviderConfig extends ProviderConfigBase {
  type: "anthropic";
  apiKey: string;
  baseURL?: string;
}

export interface ReplicateProviderConfig extends ProviderConfigBase {
  type: "replicate";
  apiToken: string;
  baseURL?: string;
}

/** Known OpenAI-compatible hosts; each has a list of request parameters it drops. */
export type OpenAICompatibleHost =
  | "together"
  | "groq"
  | "fireworks"
  | "vllm"
  | "ollama"
  | "llamacpp"
  | "generic";

export interface OpenAICompatibleProviderConfig extends ProviderConfigBase {
  type: "openai-compatible";
  baseURL: string;
  apiKey?: string;
  /** @default "generic" */
  host?: OpenAICompatibleHost;
  /** Extra parameters this host drops, on top of the host's built-in list. */
  dropParams?: string[];
}

export type LocalGpu = "auto" | "cpu" | "cuda" | "vulkan";

export interface LocalProviderConfig extends ProviderConfigBase {
  type: "local";
  /** Path of a GGUF file. */
  model: string;
  /** @default "auto" */
  gpu?: LocalGpu;
  /** Concurrent sequences decoded together. @default 4 */
  slots?: number;
  /**
   * CPU threads for llama.cpp. @default on a GPU 1; on the CPU the number of physical cores less
   * one, kept for the JavaScript thread (at least 1; 1 on time-sliced vCPUs)
   */
  threads?: number;
  /** Threads that sample the slots of one step. @default on a GPU min(8, physical cores), on the CPU 1 */
  samplingThreads?: number;
  /** Context tokens per slot. @default min(2048, the model's training context) */
  contextPerSlot?: number;
  /** Requests allowed to wait for a slot. @default 64 */
  queueLimit?: number;
  /** A folder holding a llama.cpp build (e.g. CUDA for one architecture). @default node-llama-cpp's prebuilt ones */
  libraryDir?: string;
  /**
   * One engine per GPU, each its own target `<target>@gpu<N>` (data parallel): `"all"` or GPU
   * indexes. @default one engine on the first GPU, under the target's own name
   */
  devices?: "all" | number[];
  /**
   * `"process"`: each engine runs in a child process, so a crash or out-of-memory abort in llama.cpp
   * ends that process (its target fails over and the engine restarts), never the application.
   * @default "process" when `devices` is set, else "none" (in this process)
   */
  isolation?: "none" | "process";
}

export type ProviderConfig =
  | OpenAIProviderConfig
  | AnthropicProviderConfig
  | ReplicateProviderConfig
  | OpenAICompatibleProviderConfig
  | LocalProviderConfig;
