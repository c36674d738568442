#!/usr/bin/env node
// The CommonJS build, for `require("switchyard-ai")`: run after `tsc -p tsconfig.build.json` wrote
// the ES module build to dist/. Rolldown (from node_modules, no network) compiles the same sources
// file for file into dist/cjs/, a folder marked {"type":"commonjs"}, and the declarations are copied
// beside them so TypeScript's node16 resolution sees CommonJS types for the `require` condition.
//
// Every module of dist/cjs/ keeps the location of its ES twin in dist/: `import.meta.url` becomes
// the twin's URL. Paths the code finds relative to itself (the native addon under
// local-engine/native/build, the engine child process entry, the bundled default policy) then
// resolve to the same files from both builds, and `createRequire(import.meta.url)` resolves from
// the same node_modules. Dynamic `import()` of an external package stays `import()`, so the
// optional SDKs and ES-only packages still load lazily; p-retry, the one ES-only package the
// router imports statically, is compiled in (dist/cjs/vendor/) so `require` needs no
// require(esm) support from Node.
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const out = join(dist, "cjs");
const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
const compiledIn = new Set(["p-retry", "is-network-error"]);
const external = [
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.peerDependencies ?? {}),
  ...Object.keys(manifest.optionalDependencies ?? {}),
  "@huggingface/jinja", // node-llama-cpp's, imported only when a chat template needs it
].filter((name) => !compiledIn.has(name));

function isExternal(id) {
  if (id.startsWith("node:") || builtinModules.includes(id)) return true;
  return external.some((name) => id === name || id.startsWith(`${name}/`));
}

/** dist/cjs/<file>.js → the URL of dist/<file>.js, from the CommonJS module's own __dirname. */
const twinImportMetaUrl = {
  name: "twin-import-meta-url",
  transform(code, id) {
    if (!code.includes("import.meta.url") || id.includes("node_modules")) return null;
    const file = relative(root, id).replace(/\.ts$/, ".js");
    const fromCjs = relative(dirname(join(out, file)), join(dist, file))
      .split("\\")
      .join("/");
    // Imports of their own: the module may shadow `require` (createRequire) itself.
    const imports = `import { pathToFileURL as twinFileUrl } from "node:url"; import { join as twinJoin } from "node:path";`;
    const url = `twinFileUrl(twinJoin(__dirname, ${JSON.stringify(fromCjs)})).href`;
    return { code: `${imports}\n${code.replaceAll("import.meta.url", url)}`, map: null };
  },
};

/** Files of a compiled-in package go to vendor/ (npm never packs a nested node_modules). */
function fileName(chunk) {
  const vendored = chunk.name.split("node_modules/").at(-1);
  return chunk.name.includes("node_modules/") ? `vendor/${vendored}.js` : "[name].js";
}

await rm(out, { recursive: true, force: true });
await build({
  // The package's entry and its subpath exports.
  input: { index: join(root, "index.ts"), "src/ai-sdk/index": join(root, "src/ai-sdk/index.ts") },
  platform: "node",
  tsconfig: join(root, "tsconfig.build.json"),
  external: isExternal,
  plugins: [twinImportMetaUrl],
  logLevel: "warn",
  onLog(level, log, handler) {
    if (log.code === "INEFFECTIVE_DYNAMIC_IMPORT") return; // a lazy import also reached statically
    handler(level, log);
  },
  output: {
    dir: out,
    format: "cjs",
    preserveModules: true,
    preserveModulesRoot: root,
    entryFileNames: fileName,
    chunkFileNames: fileName,
    sourcemap: false,
  },
});
await writeFile(join(out, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

/** The declarations of the ES build, minus the bin and the examples, beside the CommonJS files. */
async function copyDeclarations(from, to) {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      if (source === out || ["bin", "examples"].includes(entry.name)) continue;
      await copyDeclarations(source, join(to, entry.name));
    } else if (entry.name.endsWith(".d.ts")) {
      await mkdir(to, { recursive: true });
      await cp(source, join(to, entry.name));
    }
  }
}
await copyDeclarations(dist, out);
