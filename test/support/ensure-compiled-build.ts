import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The engine's child process runs compiled JavaScript: this file and what it imports. */
export const compiledEngineEntry = join(
  repoRoot,
  "dist",
  "providers",
  "local",
  "process",
  "engine-process.js",
);

/**
 * Rebuilds dist (`tsc -p tsconfig.build.json`) when any source of the package (the child process's
 * and the entry's) is newer than it. Test files run in parallel workers: one builds while the others wait on a lock
 * directory, so two compilers never write the same files.
 */
export async function ensureCompiledBuild(): Promise<void> {
  const newestSource = Math.max(
    statSync(join(repoRoot, "index.ts")).mtimeMs,
    ...["providers", "policies", "local-engine", "src", "examples"].flatMap((folder) =>
      readdirSync(join(repoRoot, folder), { recursive: true, encoding: "utf8" })
        .filter(
          (file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.startsWith("native/build"),
        )
        .map((file) => statSync(join(repoRoot, folder, file)).mtimeMs),
    ),
  );
  const fresh = () =>
    existsSync(compiledEngineEntry) && statSync(compiledEngineEntry).mtimeMs >= newestSource;
  if (fresh()) return;
  const lock = join(repoRoot, "dist", ".test-build.lock");
  mkdirSync(join(repoRoot, "dist"), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (fresh()) return;
      // A lock older than two minutes belongs to a run that died.
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    if (fresh()) return;
    // Type errors elsewhere in a work in progress do not stop tsc from emitting: judge by the output.
    const output = await promisify(execFile)("npx", ["tsc", "-p", "tsconfig.build.json"], {
      cwd: repoRoot,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    if (!fresh())
      throw new Error(
        `npx tsc -p tsconfig.build.json did not build ${compiledEngineEntry}:\n${output.stdout}`,
      );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
