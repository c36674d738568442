import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineError } from "../engine-error.js";
import { ensureLlamaSource, findNodeLlamaCpp } from "./llama-source.js";

const require = createRequire(import.meta.url);

export interface BuildNativeAddonOptions {
  /** Debug build with ASan + UBSan in build/Debug (what SWITCHYARD_NATIVE_DEBUG=1 selects). */
  debug?: boolean;
  /** Parallel compile jobs. @default $SWITCHYARD_BUILD_JOBS, else 2 */
  jobs?: number;
  /** Progress lines; cmake's, git's and the compiler's own output goes to this process's stderr. */
  log?: (line: string) => void;
}

export type BuildNativeAddonResult =
  | { status: "built"; addon: string; buildType: "Release" | "Debug"; seconds: number }
  /** node-llama-cpp (the optional peer dependency that ships llama.cpp) is not installed. */
  | { status: "no-node-llama-cpp" };

/**
 * The package folder that holds local-engine/native (the addon's C++ sources): above this module,
 * whether it runs from the sources (local-engine/setup) or the build (dist/local-engine/setup).
 */
export function nativePackageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "local-engine", "native", "CMakeLists.txt"))) return dir;
    if (dir === dirname(dir)) {
      throw new EngineError("BUILD", `no local-engine/native/CMakeLists.txt in any folder above ${from}`);
    }
  }
}

/**
 * Compiles Switchyard's llama.cpp addon (local-engine/native/build/Release/switchyard_llama.node)
 * with cmake and a C++17 compiler against the llama.cpp source node-llama-cpp ships; the engine
 * then binds to node-llama-cpp's prebuilt libllama at run time. Re-runs are incremental. It is a
 * command a user runs (`npx switchyard engine build`), not an install script, so it needs no
 * install-script approval in any npm mode.
 */
export function buildNativeAddon(options: BuildNativeAddonOptions = {}): BuildNativeAddonResult {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const nodeLlamaCpp = findNodeLlamaCpp();
  if (!nodeLlamaCpp) return { status: "no-node-llama-cpp" };
  const root = nativePackageRoot();
  const nativeDir = join(root, "local-engine", "native");
  const buildRoot = join(nativeDir, "build");
  const buildType = options.debug ? "Debug" : "Release";
  let llamaSource: string;
  try {
    llamaSource = ensureLlamaSource(nodeLlamaCpp, join(buildRoot, "llama.cpp"), log);
  } catch (error) {
    throw new EngineError("BUILD", error instanceof Error ? error.message : String(error), { cause: error });
  }
  const cmakeDir = join(buildRoot, `cmake-${buildType.toLowerCase()}`);
  const outputDir = join(buildRoot, buildType);
  const configureArgs = [
    "-S",
    nativeDir,
    "-B",
    cmakeDir,
    `-DCMAKE_BUILD_TYPE=${buildType}`,
    `-DCMAKE_LIBRARY_OUTPUT_DIRECTORY=${outputDir}`,
    `-DLLAMA_SOURCE_DIR=${llamaSource}`,
    `-DNODE_INCLUDE_DIR=${nodeHeaders()}`,
    `-DNODE_ADDON_API_DIR=${dirname(require.resolve("node-addon-api"))}`,
    `-DSWITCHYARD_SANITIZE=${options.debug ? "ON" : "OFF"}`,
  ];
  try {
    execFileSync("cmake", ["--version"], { stdio: "ignore" });
  } catch {
    throw new EngineError("BUILD", "cmake is not on PATH (cmake >= 3.20 and a C++17 compiler are needed)");
  }
  mkdirSync(cmakeDir, { recursive: true });
  const stampFile = join(cmakeDir, "switchyard-configure.json");
  const stamp = JSON.stringify(configureArgs);
  if (!existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) {
    run("cmake", [...configureArgs, "-Wno-dev", "--log-level=WARNING"]);
    writeFileSync(stampFile, stamp);
  }
  const jobs = options.jobs ?? process.env.SWITCHYARD_BUILD_JOBS ?? "2";
  run("cmake", ["--build", cmakeDir, "--parallel", String(jobs)]);
  const addon = join(outputDir, "switchyard_llama.node");
  if (!existsSync(addon)) throw new EngineError("BUILD", `the build produced no ${addon}`);
  return { status: "built", addon, buildType, seconds: (performance.now() - started) / 1000 };
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ["ignore", 2, 2] });
  } catch (error) {
    const status = (error as { status?: number }).status ?? (error as Error).message;
    throw new EngineError("BUILD", `${command} ${args.join(" ")} exited with ${status}`, { cause: error });
  }
}

/** Node's own headers when installed beside the binary, else the node-api-headers package. */
function nodeHeaders(): string {
  const candidates = [resolve(dirname(process.execPath), "..", "include", "node")];
  try {
    candidates.push(join(dirname(require.resolve("node-api-headers/package.json")), "include"));
  } catch {
    // node-api-headers is optional when Node's own headers are installed
  }
  const found = candidates.find((dir) => existsSync(join(dir, "node_api.h")));
  if (!found) throw new EngineError("BUILD", `no node_api.h in ${candidates.join(" or ")}`);
  return found;
}

/** Whether `buildNativeAddon` has produced a Release addon and node-llama-cpp (its libllama) is installed. */
export function isNativeAddonBuilt(): boolean {
  if (findNodeLlamaCpp() === undefined) return false;
  try {
    const root = nativePackageRoot();
    return existsSync(join(root, "local-engine", "native", "build", "Release", "switchyard_llama.node"));
  } catch {
    return false;
  }
}
