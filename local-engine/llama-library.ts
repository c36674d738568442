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
  devices: NativeDevice[];
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

function backendOf(device: NativeDevice): EngineBackend {
  if (device.type === "cpu") return "cpu";
  return /vulkan/i.test(device.name) ? "vulkan" : /cuda/i.test(device.name) ? "cuda" : "cpu";
}

/**
 * Binds the process to one llama.cpp build: `auto` takes CUDA if its runtime loads, else Vulkan, else
 * the CPU build. llama.cpp's builds share library names, so a process binds once; a second engine
 * must ask for the same build.
 */
export function bindLlamaLibrary(addon: NativeAddon, gpu: GpuChoice, libraryDir?: string): BoundLibrary {
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
    const gpuDevice =
      gpu === "cpu" ? undefined : devices.find((device) => device.type === "gpu" || device.type === "igpu");
    const device = gpuDevice ?? cpuDevice ?? devices[0];
    if (device === undefined) throw new EngineError("NO_DEVICE", `${libraryPath} registered no device`);
    if (gpu !== "auto" && gpu !== "cpu" && (gpuDevice === undefined || backendOf(gpuDevice) !== gpu)) {
      const found = gpuDevice === undefined ? "no GPU" : `only ${gpuDevice.name} (${backendOf(gpuDevice)})`;
      throw new EngineError("NO_GPU_DEVICE", `${gpu} was asked for, but ${libraryPath} found ${found}`);
    }
    return { backend: backendOf(device), libraryPath, device, devices };
  }
  const looked = reasons.length > 0 ? `: ${reasons.join("; ")}` : " (is node-llama-cpp installed?)";
  throw new EngineError("LIBRARY_LOAD", `no usable llama.cpp library for gpu: ${gpu}${looked}`);
}
