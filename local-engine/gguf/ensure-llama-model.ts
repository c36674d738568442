import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { ggufString } from "./gguf-metadata-value.js";
import {
  describeLlamaModel,
  type LlamaModelFile,
  type MakeLlamaModelOptions,
  makeLlamaModel,
} from "./make-llama-model.js";
import { type GgufFileMetadata, readGgufMetadata } from "./read-gguf-metadata.js";

export interface EnsuredLlamaModel extends LlamaModelFile {
  /** False when an identical file was already there. */
  generated: boolean;
  /** Wall time spent, checking included. */
  seconds: number;
}

function isComplete(file: GgufFileMetadata): boolean {
  const end = Math.max(file.dataOffset, ...file.tensors.map((tensor) => tensor.offset + tensor.byteSize));
  return file.fileSize >= end;
}

/**
 * Generates the model unless `path` already holds one from the same generator version and options (as
 * recorded in its general.description), so repeated `npm run prepare` runs cost one header read.
 */
export async function ensureLlamaModel(options: MakeLlamaModelOptions): Promise<EnsuredLlamaModel> {
  const started = performance.now();
  const description = describeLlamaModel(options);
  // Missing, unreadable or foreign files are all simply regenerated.
  const existing = await readGgufMetadata(options.path).catch(() => undefined);
  if (
    existing !== undefined &&
    ggufString(existing.metadata.get("general.description")) === description &&
    isComplete(existing)
  ) {
    const parameterCount = existing.tensors.reduce(
      (sum, tensor) => sum + tensor.dims.reduce((product, dim) => product * dim, 1),
      0,
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      path: options.path,
      fileSize: existing.fileSize,
      parameterCount,
      description,
      generated: false,
      seconds,
    };
  }
  await mkdir(dirname(options.path), { recursive: true });
  const file = await makeLlamaModel(options);
  return { ...file, generated: true, seconds: (performance.now() - started) / 1000 };
}
