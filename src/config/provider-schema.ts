import { z } from "zod";
import type { ProviderConfig } from "../core/index.js";

/** RFC 9110 token characters: a header name outside them is rejected by every HTTP client anyway. */
const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "expected an HTTP header name (letters, digits, `-`)");

/** CR or LF in a value would let a policy smuggle extra headers into every request. */
const headerValueSchema = z.string().regex(/^[^\r\n]*$/, "expected a header value without line breaks");

const common = {
  headers: z
    .record(headerNameSchema, headerValueSchema)
    .optional()
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows the literal ${ENV_NAME} syntax
    .describe("Extra HTTP headers sent with every request. Values may use ${ENV_NAME}."),
  local: z
    .boolean()
    .optional()
    .describe(
      "Declare this provider local (e.g. vLLM on this host): its targets may serve `local-only` routes.",
    ),
  noTraining: z
    .boolean()
    .optional()
    .describe("The provider's data policy says it does not train on requests: eligible for `no-training`."),
};

const secret = (what: string) => z.string().min(1).describe(`${what}. Write it as "\${ENV_NAME}".`);
const baseURL = z
  .string()
  .describe("Base URL of the API (a proxy, Azure, a self-hosted server). http(s) only; no credentials.");

export const openAIProviderSchema = z
  .object({
    type: z.literal("openai").describe("Provider kind."),
    apiKey: secret("OpenAI API key"),
    baseURL: baseURL.optional(),
    organization: z.string().min(1).optional().describe("OpenAI organization id."),
    project: z.string().min(1).optional().describe("OpenAI project id."),
    ...common,
  })
  .strict()
  .describe("OpenAI (or an OpenAI-hosted proxy such as Azure OpenAI).");

export const anthropicProviderSchema = z
  .object({
    type: z.literal("anthropic").describe("Provider kind."),
    apiKey: secret("Anthropic API key"),
    baseURL: baseURL.optional(),
    ...common,
  })
  .strict()
  .describe("Anthropic Messages API.");

export const replicateProviderSchema = z
  .object({
    type: z.literal("replicate").describe("Provider kind."),
    apiToken: secret("Replicate API token"),
    baseURL: baseURL.optional(),
    ...common,
  })
  .strict()
  .describe("Replicate, for hosted open models.");

export const openAICompatibleProviderSchema = z
  .object({
    type: z.literal("openai-compatible").describe("Provider kind."),
    baseURL: baseURL,
    apiKey: secret("API key of the host").optional(),
    host: z
      .enum(["together", "groq", "fireworks", "vllm", "ollama", "llamacpp", "generic"])
      .optional()
      .describe('Which host this is; each drops a known list of request parameters. Default "generic".'),
    dropParams: z
      .array(z.string().min(1))
      .optional()
      .describe("Extra request parameters this host rejects, on top of the host's built-in list."),
    ...common,
  })
  .strict()
  .describe("Any OpenAI-compatible server: Together, Groq, Fireworks, vLLM, Ollama, llama.cpp server.");

export const localProviderSchema = z
  .object({
    type: z.literal("local").describe("Provider kind."),
    model: z
      .string()
      .min(1)
      .describe("Path of a GGUF file; a relative path is resolved against the policy file's folder."),
    gpu: z.enum(["auto", "cpu", "cuda", "vulkan"]).optional().describe('Compute backend. Default "auto".'),
    slots: z.int().min(1).max(1024).optional().describe("Concurrent sequences decoded together. Default 4."),
    threads: z
      .int()
      .min(1)
      .max(1024)
      .optional()
      .describe("CPU threads for llama.cpp. Default: 1 on a GPU; on the CPU the number of physical cores."),
    samplingThreads: z
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe(
        "Threads that sample the slots of one step. Default: min(8, physical cores) on a GPU, 1 on the CPU.",
      ),
    contextPerSlot: z
      .int()
      .min(16)
      .max(10_000_000)
      .optional()
      .describe("Context tokens per slot. Default: min(2048, the model's training context)."),
    queueLimit: z
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe("Requests allowed to wait for a slot. Default 64."),
    libraryDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A folder holding a llama.cpp build (e.g. CUDA for one GPU architecture); a relative path is resolved against the policy file's folder. Default: node-llama-cpp's prebuilt builds.",
      ),
    devices: z
      .union([z.literal("all"), z.array(z.int().min(0).max(1023)).min(1)])
      .optional()
      .refine((value) => !Array.isArray(value) || new Set(value).size === value.length, {
        message: "lists a GPU twice",
      })
      .describe(
        'One engine per GPU, each its own target "<target>@gpu<N>": "all" or a list of GPU indexes. Default: one engine on the first GPU, under the target\'s own name.',
      ),
    isolation: z
      .enum(["none", "process"])
      .optional()
      .describe(
        'Where each engine runs. "process": a child process, so a crash or out-of-memory abort ends only that engine (its target fails over and it restarts). Default: "process" when devices is set, else "none".',
      ),
    ...common,
  })
  .strict()
  .describe("The bundled in-process llama.cpp engine.");

export const providerSchema = z.discriminatedUnion("type", [
  openAIProviderSchema,
  anthropicProviderSchema,
  replicateProviderSchema,
  openAICompatibleProviderSchema,
  localProviderSchema,
]);

/** Field names holding secrets: the only places `${ENV_NAME}` is expanded (plus header values). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(["apiKey", "apiToken"]);

type SchemaProvider = z.output<typeof providerSchema>;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type VariantsMatch = {
  [T in ProviderConfig["type"]]: SameKeys<
    Extract<ProviderConfig, { type: T }>,
    Extract<SchemaProvider, { type: T }>
  >;
}[ProviderConfig["type"]];
type Assert<T extends true> = T;
type Both<A extends boolean, B extends boolean> = [A] extends [true] ? B : false;

/**
 * Compile-time proof that the schema and core's `ProviderConfig` agree variant by variant (same
 * `type`s, same field names, mutually assignable types): `tsc` fails the build when either drifts.
 */
export type ProviderSchemaMatchesCore = Assert<Both<Mutual<SchemaProvider, ProviderConfig>, VariantsMatch>>;
