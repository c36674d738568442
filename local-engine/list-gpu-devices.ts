import { backendOf, bindLlamaLibrary, isGpu } from "./llama-library.js";
import { loadNativeAddon } from "./native-addon.js";
import type { GpuChoice, GpuDevice } from "./types.js";

/**
 * The GPUs an engine can be put on with `LocalEngineOptions.device`, in that option's order, with
 * their memory as the driver reports it now.
 *
 * It binds the process to a llama.cpp build exactly as `LocalEngine.load` with the same `gpu` and
 * `libraryDir` would, and a process stays bound to one build: call it with the options the engines
 * will be loaded with.
 *
 * @returns one entry per GPU; none when the engine would run on the CPU (`gpu: "cpu"`, or a build
 * without a GPU)
 * @throws EngineError LIBRARY_LOAD when no llama.cpp build loads, NO_GPU_DEVICE when `gpu` names a
 * backend the build does not have
 *
 * @example
 * ```ts
 * const engines = await Promise.all(
 *   listGpuDevices().map((gpu) => LocalEngine.load({ modelPath, device: gpu.index })),
 * );
 * ```
 */
export function listGpuDevices(options: { gpu?: GpuChoice; libraryDir?: string } = {}): GpuDevice[] {
  const gpu = options.gpu ?? "auto";
  const library = bindLlamaLibrary(loadNativeAddon(), { gpu, libraryDir: options.libraryDir });
  if (gpu === "cpu") return [];
  return library.devices.filter(isGpu).map((device, index) => ({
    index,
    name: device.name,
    description: device.description,
    backend: backendOf(device),
    freeBytes: device.freeBytes,
    totalBytes: device.totalBytes,
  }));
}
