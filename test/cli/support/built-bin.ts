import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, chmod, mkdtemp, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const distBin = join(repoRoot, "dist", "bin", "switchyard.js");
/** What tsconfig.build.json compiles (tests excluded). */
const sources = ["index.ts", "bin", "src", "providers", "policies", "local-engine"];

/** The built bin (undefined when the build emitted nothing) and, when this run built it, its folder. */
export interface BuiltBin {
  path: string | undefined;
  buildFolder?: string;
}

/**
 * The package's built `switchyard` bin: dist/bin/switchyard.js when it is newer than every source
 * it is built from, else a fresh `tsc -p tsconfig.build.json` into a temporary folder (tsc may
 * report errors in files being edited elsewhere; it still emits).
 */
export async function builtBin(): Promise<BuiltBin> {
  const built = await modifiedAt(distBin);
  if (built !== undefined && built >= (await newestSource())) return { path: distBin };
  const buildFolder = await mkdtemp(join(tmpdir(), "switchyard-bin-"));
  await new Promise<void>((resolve) => {
    execFile(
      process.execPath,
      [
        join(repoRoot, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        "tsconfig.build.json",
        "--outDir",
        buildFolder,
      ],
      { cwd: repoRoot },
      () => resolve(),
    );
  });
  const path = join(buildFolder, "bin", "switchyard.js");
  if ((await modifiedAt(path)) === undefined) return { path: undefined, buildFolder };
  // The emitted ESM needs the package scope ("type": "module") and its dependencies, as in dist/.
  await writeFile(join(buildFolder, "package.json"), JSON.stringify({ type: "module" }));
  await symlink(join(repoRoot, "node_modules"), join(buildFolder, "node_modules"), "dir");
  await chmod(path, 0o755);
  return { path, buildFolder };
}

export async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function modifiedAt(path: string): Promise<number | undefined> {
  return stat(path).then(
    (stats) => stats.mtimeMs,
    () => undefined,
  );
}

async function newestSource(): Promise<number> {
  let newest = 0;
  for (const source of sources) newest = Math.max(newest, await newestIn(join(repoRoot, source)));
  return newest;
}

/** Newest mtime of the TypeScript sources under `path`, skipping tests and native build trees. */
async function newestIn(path: string): Promise<number> {
  const stats = await stat(path).catch(() => undefined);
  if (!stats) return 0;
  if (stats.isFile()) return path.endsWith(".ts") && !path.endsWith(".test.ts") ? stats.mtimeMs : 0;
  const entries = await readdir(path, { withFileTypes: true });
  let newest = 0;
  for (const entry of entries) {
    if (entry.isDirectory() && ["node_modules", "build", "test", "fixtures"].includes(entry.name)) continue;
    if (entry.isDirectory() || entry.isFile())
      newest = Math.max(newest, await newestIn(join(path, entry.name)));
  }
  return newest;
}
