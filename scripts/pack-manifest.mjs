#!/usr/bin/env node
// `npm pack` / `npm publish` hooks. prepack: `strip` writes the package.json users install, without
// the repository's scripts (`prepare` builds the native addon and the test model for a clone;
// in a user's install it would ask for install-script approval and compile); postpack: `restore`
// puts the repository's package.json back. A pack that died between the two is repaired by the
// next `strip` (or `restore`), which starts from the saved copy.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const manifest = fileURLToPath(new URL("../package.json", import.meta.url));
const saved = fileURLToPath(new URL("../.package.json.before-pack", import.meta.url));

const action = process.argv[2];
if (action === "strip") {
  if (existsSync(saved)) renameSync(saved, manifest);
  const text = readFileSync(manifest, "utf8");
  const { scripts: _scripts, devDependencies: _devDependencies, ...published } = JSON.parse(text);
  writeFileSync(saved, text);
  writeFileSync(manifest, `${JSON.stringify(published, null, 2)}\n`);
} else if (action === "restore") {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  console.error("usage: node scripts/pack-manifest.mjs strip|restore");
  process.exit(2);
}
