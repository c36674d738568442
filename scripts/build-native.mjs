#!/usr/bin/env node
// Builds Switchyard's llama.cpp addon: local-engine/native/build/Release/switchyard_llama.node
// (Debug with SWITCHYARD_NATIVE_DEBUG=1: ASan + UBSan, in build/Debug). Skips with exit 0 when the
// optional peer dependency node-llama-cpp is not installed; any other problem fails the build.
// Re-runs are incremental (cmake + make, -j2 unless SWITCHYARD_BUILD_JOBS says otherwise).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureLlamaSource, findNodeLlamaCpp } from "./llama-source.mjs";

const started = performance.now();
const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = path.join(root, "local-engine", "native");
const buildRoot = path.join(nativeDir, "build");

function fail(message) {
  console.error(`switchyard: native build failed: ${message}`);
  process.exit(1);
}

function run(command, args) {
  try {
    execFileSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
  } catch (error) {
    fail(`${command} ${args.join(" ")} exited with ${error.status ?? error.message}`);
  }
}

function nodeHeaders() {
  const candidates = [path.resolve(path.dirname(process.execPath), "..", "include", "node")];
  try {
    candidates.push(path.join(path.dirname(require.resolve("node-api-headers/package.json")), "include"));
  } catch {
    // node-api-headers is optional when Node's own headers are installed
  }
  const found = candidates.find((dir) => existsSync(path.join(dir, "node_api.h")));
  if (!found) fail(`no node_api.h in ${candidates.join(" or ")}`);
  return found;
}

const nodeLlamaCpp = findNodeLlamaCpp();
if (!nodeLlamaCpp) {
  console.log(
    "switchyard: node-llama-cpp is not installed, so the local engine addon is not built (optional).",
  );
  process.exit(0);
}

const debug = process.env.SWITCHYARD_NATIVE_DEBUG === "1";
const buildType = debug ? "Debug" : "Release";
let llamaSource;
try {
  llamaSource = ensureLlamaSource(nodeLlamaCpp, path.join(buildRoot, "llama.cpp"));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const cmakeDir = path.join(buildRoot, `cmake-${buildType.toLowerCase()}`);
const outputDir = path.join(buildRoot, buildType);
const configureArgs = [
  "-S",
  nativeDir,
  "-B",
  cmakeDir,
  `-DCMAKE_BUILD_TYPE=${buildType}`,
  `-DCMAKE_LIBRARY_OUTPUT_DIRECTORY=${outputDir}`,
  `-DLLAMA_SOURCE_DIR=${llamaSource}`,
  `-DNODE_INCLUDE_DIR=${nodeHeaders()}`,
  `-DNODE_ADDON_API_DIR=${path.dirname(require.resolve("node-addon-api"))}`,
  `-DSWITCHYARD_SANITIZE=${debug ? "ON" : "OFF"}`,
];
try {
  execFileSync("cmake", ["--version"], { stdio: "ignore" });
} catch {
  fail("cmake is not on PATH (cmake >= 3.20 and a C++17 compiler are needed)");
}
mkdirSync(cmakeDir, { recursive: true });
const stampFile = path.join(cmakeDir, "switchyard-configure.json");
const stamp = JSON.stringify(configureArgs);
if (!existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) {
  run("cmake", [...configureArgs, "-Wno-dev", "--log-level=WARNING"]);
  writeFileSync(stampFile, stamp);
}
run("cmake", ["--build", cmakeDir, "--parallel", process.env.SWITCHYARD_BUILD_JOBS ?? "2"]);
const addon = path.join(outputDir, "switchyard_llama.node");
if (!existsSync(addon)) fail(`the build produced no ${addon}`);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`switchyard: built ${path.relative(root, addon)} (${buildType}) in ${seconds} s`);
