import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Resolved from this package's own location, so an app's node_modules/node-llama-cpp (the
 * optional peer dependency) is found from node_modules/switchyard-ai as from the repository.
 */
const require = createRequire(import.meta.url);

/** The node-llama-cpp package folder, or undefined when the optional peer dependency is absent. */
export function findNodeLlamaCpp(): string | undefined {
  let entry: string;
  try {
    entry = require.resolve("node-llama-cpp");
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "node-llama-cpp") {
      return dir;
    }
  }
  return undefined;
}

/**
 * Makes `destination` a checkout of the llama.cpp release that node-llama-cpp ships as a git bundle
 * (llama/gitRelease.bundle) and returns it; nothing is downloaded. A stamp makes later runs return
 * at once. SWITCHYARD_LLAMA_SOURCE points at an existing tree instead (e.g. one prepared for CUDA).
 */
export function ensureLlamaSource(
  nodeLlamaCppDir: string,
  destination: string,
  log: (line: string) => void,
): string {
  const override = process.env.SWITCHYARD_LLAMA_SOURCE;
  if (override) {
    if (!existsSync(join(override, "include", "llama.h"))) {
      throw new Error(`SWITCHYARD_LLAMA_SOURCE=${override} holds no include/llama.h`);
    }
    return override;
  }
  const bundle = join(nodeLlamaCppDir, "llama", "gitRelease.bundle");
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: node-llama-cpp's llama.cpp source bundle`);
  const info = JSON.parse(readFileSync(join(nodeLlamaCppDir, "llama", "llama.cpp.info.json"), "utf8"));
  const { size, mtimeMs } = statSync(bundle);
  const stamp = JSON.stringify({ bundle, size, mtimeMs, tag: info.tag, layout: 2 });
  const stampFile = join(destination, ".switchyard-source-stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return destination;

  rmSync(destination, { recursive: true, force: true });
  const git = (...args: string[]) => execFileSync("git", args, { stdio: ["ignore", 2, 2] });
  git("-c", "advice.detachedHead=false", "clone", "--quiet", "--no-checkout", bundle, destination);
  // Everything but the web UI, whose *.test.ts files test runners in this repo would pick up.
  git("-C", destination, "sparse-checkout", "set", "--no-cone", "/*", "!/tools/ui/");
  git("-C", destination, "-c", "advice.detachedHead=false", "checkout", "--quiet");
  if (!existsSync(join(destination, "include", "llama.h"))) {
    throw new Error(`cloning ${bundle} gave no include/llama.h in ${destination}`);
  }
  writeFileSync(stampFile, stamp);
  log(`switchyard: llama.cpp ${info.tag} source cloned from node-llama-cpp's bundle into ${destination}`);
  return destination;
}
