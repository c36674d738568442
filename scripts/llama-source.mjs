// Where llama.cpp comes from: node-llama-cpp 3.21.1 ships the llama.cpp source it was built from as a
// git bundle (llama/gitRelease.bundle). This clones it once into a git-ignored folder; later runs see
// the stamp and return at once. Nothing is downloaded.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** The node-llama-cpp package folder, or undefined when the optional peer dependency is absent. */
export function findNodeLlamaCpp() {
  let entry;
  try {
    entry = require.resolve("node-llama-cpp");
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "node-llama-cpp") {
      return dir;
    }
  }
  return undefined;
}

/**
 * Makes `destination` a checkout of the llama.cpp release node-llama-cpp bundles and returns it.
 * SWITCHYARD_LLAMA_SOURCE points at an existing tree instead (e.g. one prepared for a CUDA build).
 */
export function ensureLlamaSource(nodeLlamaCppDir, destination) {
  const override = process.env.SWITCHYARD_LLAMA_SOURCE;
  if (override) {
    if (!existsSync(path.join(override, "include", "llama.h"))) {
      throw new Error(`SWITCHYARD_LLAMA_SOURCE=${override} holds no include/llama.h`);
    }
    return override;
  }
  const bundle = path.join(nodeLlamaCppDir, "llama", "gitRelease.bundle");
  const info = JSON.parse(readFileSync(path.join(nodeLlamaCppDir, "llama", "llama.cpp.info.json"), "utf8"));
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: node-llama-cpp's llama.cpp source bundle`);
  const { size, mtimeMs } = statSync(bundle);
  const stamp = JSON.stringify({ bundle, size, mtimeMs, tag: info.tag, layout: 2 });
  const stampFile = path.join(destination, ".switchyard-source-stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return destination;

  rmSync(destination, { recursive: true, force: true });
  const git = (...args) => execFileSync("git", args, { stdio: ["ignore", "inherit", "inherit"] });
  git("-c", "advice.detachedHead=false", "clone", "--quiet", "--no-checkout", bundle, destination);
  // Everything but the web UI, whose *.test.ts files test runners in this repo would pick up.
  git("-C", destination, "sparse-checkout", "set", "--no-cone", "/*", "!/tools/ui/");
  git("-C", destination, "-c", "advice.detachedHead=false", "checkout", "--quiet");
  if (!existsSync(path.join(destination, "include", "llama.h"))) {
    throw new Error(`cloning ${bundle} gave no include/llama.h in ${destination}`);
  }
  writeFileSync(stampFile, stamp);
  console.log(
    `switchyard: llama.cpp ${info.tag} source cloned from node-llama-cpp's bundle into ${destination}`,
  );
  return destination;
}
