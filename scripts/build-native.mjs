#!/usr/bin/env node
// The repository's addon build (`npm ci` runs it from `prepare`, after the TypeScript build):
// the same code as `npx switchyard engine build`, from dist/local-engine/setup. Skips with exit 0
// when the optional peer dependency node-llama-cpp is not installed; any other problem fails.
// SWITCHYARD_NATIVE_DEBUG=1 builds Debug (ASan + UBSan); SWITCHYARD_BUILD_JOBS sets the jobs.
import { existsSync } from "node:fs";
import { relative } from "node:path";

const compiled = new URL("../dist/local-engine/setup/index.js", import.meta.url);
if (!existsSync(compiled)) {
  console.error("switchyard: native build failed: dist/ is missing; run `npm run build` first");
  process.exit(1);
}
const { buildNativeAddon } = await import(compiled.href);
try {
  const result = buildNativeAddon({ debug: process.env.SWITCHYARD_NATIVE_DEBUG === "1" });
  if (result.status === "no-node-llama-cpp") {
    console.log(
      "switchyard: node-llama-cpp is not installed, so the local engine addon is not built (optional).",
    );
  } else {
    const where = relative(process.cwd(), result.addon);
    console.log(`switchyard: built ${where} (${result.buildType}) in ${result.seconds.toFixed(1)} s`);
  }
} catch (error) {
  console.error(`switchyard: native build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
