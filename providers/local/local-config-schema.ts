import { z } from "zod";
import { providerConfigFields } from "../shared/provider-config-fields.js";

/** `providers.<id>` entries of `type: local`: the bundled llama.cpp engine. */
export const localConfigSchema = z
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
      .describe(
        "CPU threads for llama.cpp. Default: 1 on a GPU; on the CPU the number of physical cores less one, kept for the JavaScript thread (at least 1; 1 on time-sliced vCPUs).",
      ),
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
    embeddings: z
      .enum(["auto", "on", "off"])
      .optional()
      .describe(
        'Whether the engine serves router.embed from a second llama context over the same model: "auto" when the GGUF metadata names a pooling (an embedding model), "on" always (a generative model pooled by `pooling`), "off" never. Default "auto".',
      ),
    pooling: z
      .enum(["mean", "cls", "last"])
      .optional()
      .describe("How a text's token states become one vector. Default: the model's, else mean."),
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
    ...providerConfigFields,
  })
  .strict()
  .describe("The bundled in-process llama.cpp engine.");

export type LocalProviderConfig = z.output<typeof localConfigSchema>;
export type LocalGpu = NonNullable<LocalProviderConfig["gpu"]>;
