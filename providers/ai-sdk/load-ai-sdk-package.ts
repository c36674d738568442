import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { AiSdkProviderFactory } from "./ai-sdk-types.js";

/**
 * The factory `name` of the AI SDK provider package `packageName`. The package is looked up from
 * Switchyard's own location first, then from the working directory (an application whose package
 * manager does not hoist: pnpm). Throws an error that names what to install or which exports there
 * are; the router reports it as the entry's `ProviderSetupError`.
 */
export async function loadAiSdkFactory(packageName: string, name: string): Promise<AiSdkProviderFactory> {
  const module = await importPackage(packageName);
  const factory = module[name];
  if (typeof factory !== "function") {
    const factories = Object.keys(module).filter(
      (key) => typeof module[key] === "function" && /^create/.test(key),
    );
    throw new Error(
      `package "${packageName}" has no factory "${name}"${factories.length > 0 ? ` (its factories: ${factories.join(", ")})` : ""}`,
    );
  }
  return factory as AiSdkProviderFactory;
}

async function importPackage(packageName: string): Promise<Record<string, unknown>> {
  try {
    return (await import(packageName)) as Record<string, unknown>;
  } catch (error) {
    if (!isNotFound(error, packageName)) throw error;
  }
  let resolved: string;
  try {
    resolved = createRequire(join(process.cwd(), "package.json")).resolve(packageName);
  } catch {
    throw new Error(
      `the AI SDK provider package "${packageName}" is not installed: run \`npm install ${packageName}\` in the application`,
    );
  }
  return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
}

/** The package itself is missing (not one of its own dependencies). */
function isNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = (error as { code: unknown }).code;
  const message = error instanceof Error ? error.message : "";
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    (message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`))
  );
}
