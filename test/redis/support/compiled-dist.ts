import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");
const sources = ["index.ts", "bin", "src", "providers", "policies", "local-engine"];
/** Inside the repository, so that the compiled files resolve ioredis and friends from node_modules. */
const cache = join(root, "node_modules", ".cache", "switchyard-redis-tests");

function* typeScriptFiles(path: string): Generator<string> {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return;
  if (stats.isFile()) {
    if (path.endsWith(".ts") && !path.endsWith(".test.ts")) yield path;
    return;
  }
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "build" || entry === "native") continue;
    yield* typeScriptFiles(join(path, entry));
  }
}

/**
 * The package compiled to JavaScript, for child processes (plain Node cannot run the TypeScript
 * sources). Compiled once per state of the sources and reused by every test file; other people's
 * unfinished files may fail type checks, which still emits (only their own output is affected).
 * Returns the folder that holds `index.js`.
 */
export function compiledDist(): string {
  const hash = createHash("sha1");
  for (const source of sources) {
    for (const file of typeScriptFiles(join(root, source))) {
      const stats = statSync(file);
      hash.update(`${relative(root, file)}:${stats.size}:${stats.mtimeMs}\n`);
    }
  }
  const folder = join(cache, hash.digest("hex").slice(0, 16));
  if (existsSync(join(folder, "index.js"))) return folder;
  mkdirSync(cache, { recursive: true });
  // Builds of earlier sources are of no further use.
  for (const entry of readdirSync(cache)) {
    if (/^[0-9a-f]{16}$/.test(entry)) rmSync(join(cache, entry), { recursive: true, force: true });
  }
  const building = `${folder}.${process.pid}`;
  const result = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json", "--outDir", building], {
    cwd: root,
    encoding: "utf8",
  });
  if (!existsSync(join(building, "src", "state", "redis", "index.js"))) {
    throw new Error(
      `tsc emitted nothing usable (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  try {
    renameSync(building, folder);
  } catch (error) {
    // Another test file finished the same build first; either copy is complete.
    if (!existsSync(join(folder, "index.js"))) throw error;
    rmSync(building, { recursive: true, force: true });
  }
  return folder;
}
