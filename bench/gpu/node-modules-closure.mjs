// Prints, one per line, the node_modules folders (relative to the repo root) that the given packages
// need at run time: their dependencies and the optional dependencies that are installed, resolved the
// way Node resolves them (nearest node_modules first). Peer dependencies are left out (name them on the
// command line when they are needed), and so is a folder inside another listed folder. Used by pack.sh.
// usage: node bench/gpu/node-modules-closure.mjs [--skip NAME,...] PACKAGE...
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const seen = new Set();
const args = process.argv.slice(2);
const skipAt = args.indexOf("--skip");
const skip = skipAt >= 0 ? (args.splice(skipAt, 2)[1] ?? "").split(",").filter(Boolean) : [];

/** The folder Node would load `name` from when required inside `fromDir`. */
function locate(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

function visit(dir) {
  if (seen.has(dir)) return;
  seen.add(dir);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const names = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ];
  for (const name of names) {
    if (skip.some((prefix) => name === prefix || name.startsWith(`${prefix}/`))) continue;
    const found = locate(name, dir);
    if (found) visit(found);
  }
}

for (const name of args) {
  const found = locate(name, root);
  if (!found) {
    console.error(`node-modules-closure: ${name} is not installed under ${root}/node_modules`);
    process.exit(1);
  }
  visit(found);
}
const sorted = [...seen].sort();
const outermost = sorted.filter((dir) => !sorted.some((other) => dir.startsWith(`${other}/`)));
for (const dir of outermost) console.log(relative(root, dir));
