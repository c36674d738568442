import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The tiny random-weight model `npm run prepare` generates. */
export const tinyModelPath = fileURLToPath(new URL("../../models/tiny-llama.gguf", import.meta.url));

/** node-llama-cpp (the optional peer that ships llama.cpp) is installed: the engine can run. */
export const hasNodeLlamaCpp = (() => {
  try {
    createRequire(import.meta.url).resolve("node-llama-cpp");
    return true;
  } catch {
    return false;
  }
})();

/**
 * The engine suites run on a GPU with SWITCHYARD_TEST_GPU=cuda|vulkan, on the llama.cpp build in
 * SWITCHYARD_TEST_LIBRARY_DIR (e.g. a local CUDA build) or else node-llama-cpp's prebuilt one.
 */
export const testGpu = ((): "cpu" | "cuda" | "vulkan" | undefined => {
  const value = process.env.SWITCHYARD_TEST_GPU;
  if (value === undefined || value === "") return undefined;
  if (value === "cpu" || value === "cuda" || value === "vulkan") return value;
  throw new Error(`SWITCHYARD_TEST_GPU must be cpu, cuda or vulkan, got "${value}"`);
})();
export const testLibraryDir = process.env.SWITCHYARD_TEST_LIBRARY_DIR || undefined;
export const onGpu = testGpu === "cuda" || testGpu === "vulkan";
