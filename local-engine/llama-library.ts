import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { EngineError } from "./engine-error.js";
import type { NativeAddon, NativeDevice } from "./native-addon.js";
import type { EngineBackend, GpuChoice } from "./types.js";

export interface BoundLibrary {
  backend: EngineBackend;
  libraryPath: string;
  /** The device that runs the model. */
  device: NativeDevice;
  /** Set when `device` is a GPU: where it is among the GPUs and in `devices`. */
  gpu?: ChosenGpu;
  /** Every device the build registered, in llama.cpp's order (`ggml_backend_dev_get`). */
  devices: NativeDevice[];
}

export interface ChosenGpu {
  device: NativeDevice;
  /** Among the GPUs (`gpu` and `igpu` entries), as `LocalEngineOptions.device` counts. */
  index: number;
  /** In the whole device list, CPU included: what the addon hands to llama.cpp. */
  registryIndex: number;
}

interface Variant {
  backend: EngineBackend;
  dir: string;
  /** A GPU backend library whose own dependencies (the CUDA or Vulkan runtime) must load. */
  probe?: string;
}

const require = createRequire(import.meta.url);

/** node-llama-cpp's prebuilt library folder for one variant, if that optional package is installed. */
function prebuiltDir(suffix: "" | "-cuda" | "-vulkan"): string | undefined {
  const name = `${process.platform}-${process.arch}${suffix}`;
  try {
    const fromNodeLlamaCpp = createRequire(require.resolve("node-llama-cpp"));
    const dir = join(dirname(fromNodeLlamaCpp.resolve(`@node-llama-cpp/${name}`)), "..", "bins", name);
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * libllama.so, libllama.v0.4.0.so, libllama.cuda.v0.4.0.so (node-llama-cpp's prebuilt ones), and
 * libllama.cuda.v0.4.0.3w3fe5x4.so (its local source builds add a hash of the build options); never
 * libllama-common.so.
 */
const LIBLLAMA = /^libllama(\.[a-z]+)?(\.v\d+(\.\d+)*(\.[0-9a-z]+)?)?\.(so|dylib)$/;

/** The libllama in `dir`, or undefined. */
export function findLibllama(dir: string): string | undefined {
  const file = readdirSync(dir).find((name) => LIBLLAMA.test(name));
  return file === undefined ? undefined : join(dir, file);
}

/** Names a local llama.cpp build (e.g. CUDA for one architecture) when `libraryDir` is not given. */
export const LIBRARY_DIR_ENV = "SWITCHYARD_LLAMA_LIBRARY_DIR";

function variants(gpu: GpuChoice, libraryDir: string | undefined): Variant[] {
  if (libraryDir !== undefined) return [{ backend: "cpu", dir: libraryDir }];
  const cuda = prebuiltDir("-cuda");
  const vulkan = prebuiltDir("-vulkan");
  const cpu = prebuiltDir("");
  const all: Variant[] = [];
  if ((gpu === "auto" || gpu === "cuda") && cuda)
    all.push({ backend: "cuda", dir: cuda, probe: "libggml-cuda.so" });
  if ((gpu === "auto" || gpu === "vulkan") && vulkan) {
    all.push({ backend: "vulkan", dir: vulkan, probe: "libggml-vulkan.so" });
  }
  if ((gpu === "auto" || gpu === "cpu") && cpu) all.push({ backend: "cpu", dir: cpu });
  return all;
}

export function isGpu(device: NativeDevice): boolean {
  return device.type === "gpu" || device.type === "igpu";
}

/**
 * The GPU `index` names among the `gpu` and `igpu` entries of `devices` (the first when `index` is
 * undefined), or undefined when there is none and none was asked for. Throws INVALID_ARGUMENT for an
 * index that is not a non-negative integer or when the build has no GPU, NO_GPU_DEVICE (naming the
 * GPUs there are) when it is out of range.
 */
export function chooseGpuDevice(
  devices: readonly NativeDevice[],
  index: number | undefined,
  libraryPath: string,
): ChosenGpu | undefined {
  if (index !== undefined && (!Number.isInteger(index) || index < 0)) {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `device must be a non-negative integer (an index into listGpuDevices()), got ${index}`,
    );
  }
  const gpus: ChosenGpu[] = [];
  devices.forEach((device, registryIndex) => {
    if (isGpu(device)) gpus.push({ device, index: gpus.length, registryIndex });
  });
  if (gpus.length === 0) {
    if (index === undefined) return undefined;
    throw new EngineError(
      "INVALID_ARGUMENT",
      `device ${index} was asked for, but the engine runs on the CPU: ${libraryPath} has no GPU`,
    );
  }
  const wanted = index ?? 0;
  const chosen = gpus[wanted];
  if (chosen === undefined) {
    const names = gpus.map((gpu) => `${gpu.index}: ${gpu.device.description || gpu.device.name}`).join(", ");
    const count = gpus.length === 1 ? "1 GPU" : `${gpus.length} GPUs`;
    throw new EngineError(
      "NO_GPU_DEVICE",
      `device ${wanted} was asked for, but ${libraryPath} has ${count} (${names})`,
    );
  }
  return chosen;
}

export function backendOf(device: NativeDevice): EngineBackend {
  if (device.type === "cpu") return "cpu";
  return /vulkan/i.test(device.name) ? "vulkan" : /cuda/i.test(device.name) ? "cuda" : "cpu";
}

export interface BindOptions {
  gpu: GpuChoice;
  libraryDir?: string | undefined;
  /** The GPU to run on (see `LocalEngineOptions.device`). */
  device?: number | undefined;
}

/**
 * Binds the process to one llama.cpp build: `auto` takes CUDA if its runtime loads, else Vulkan, else
 * the CPU build; then picks the device that runs the model. llama.cpp's builds share library names,
 * so a process binds once; a second engine must ask for the same build.
 */
export function bindLlamaLibrary(addon: NativeAddon, options: BindOptions): BoundLibrary {
  const { gpu, libraryDir } = options;
  if (gpu === "cpu" && options.device !== undefined) {
    throw new EngineError(
      "INVALID_ARGUMENT",
      `device ${options.device} was asked for, but gpu: "cpu" runs the engine on the CPU`,
    );
  }
  const reasons: string[] = [];
  const bound = addon.boundLibrary();
  const fromEnv = process.env[LIBRARY_DIR_ENV];
  const dir = libraryDir ?? (fromEnv === undefined || fromEnv === "" ? undefined : fromEnv);
  for (const variant of variants(gpu, dir)) {
    const libraryPath = findLibllama(variant.dir);
    if (libraryPath === undefined) {
      reasons.push(`${variant.dir} holds no libllama`);
      continue;
    }
    if (bound !== "" && bound !== libraryPath) {
      reasons.push(`${variant.backend}: this process already uses ${bound}`);
      continue;
    }
    const probe = variant.probe === undefined ? "" : join(variant.dir, variant.probe);
    try {
      addon.bindLibrary(libraryPath, probe, variant.dir);
    } catch (error) {
      const wrapped = EngineError.from(error);
      if (variant.probe === undefined || !wrapped.message.startsWith("cannot load")) throw wrapped;
      reasons.push(`${variant.backend}: ${wrapped.message}`);
      continue;
    }
    const devices = addon.devices();
    const cpuDevice = devices.find((device) => device.type === "cpu");
    const chosen = gpu === "cpu" ? undefined : chooseGpuDevice(devices, options.device, libraryPath);
    const device = chosen?.device ?? cpuDevice ?? devices[0];
    if (device === undefined) throw new EngineError("NO_DEVICE", `${libraryPath} registered no device`);
    const backend = backendOf(device);
    if (gpu !== "auto" && gpu !== "cpu" && (chosen === undefined || backend !== gpu)) {
      const found = chosen === undefined ? "no GPU" : `${device.name} (${backend})`;
      throw new EngineError("NO_GPU_DEVICE", `${gpu} was asked for, but ${libraryPath} found ${found}`);
    }
    if (backend === "cpu") {
      if (options.device !== undefined) {
        throw new EngineError(
          "INVALID_ARGUMENT",
          `device ${options.device} was asked for, but the engine runs on the CPU: ${device.name} is neither a CUDA nor a Vulkan device`,
        );
      }
      return { backend, libraryPath, device, devices };
    }
    return { backend, libraryPath, device, ...(chosen === undefined ? {} : { gpu: chosen }), devices };
  }
  const looked = reasons.length > 0 ? `: ${reasons.join("; ")}` : " (is node-llama-cpp installed?)";
  throw new EngineError("LIBRARY_LOAD", `no usable llama.cpp library for gpu: ${gpu}${looked}`);
}
