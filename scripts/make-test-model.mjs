#!/usr/bin/env node
// Plain JS on purpose: `npm run prepare` runs it right after `tsc`, with no TypeScript loader installed.
import { stat } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const usage = `usage: node scripts/make-test-model.mjs [--preset tiny|1b] [--type f32|f16|q8_0] [--template chatml|hermes]
                                     [--pooling mean|cls|last] [--out PATH] [--seed N]

Writes a random-weight llama GGUF with the repo's own tokenizer (nothing is downloaded).
--template hermes stores a Qwen2.5-style chat template that takes tools (the engine then reports
toolCallFormat "hermes") and adds <tool_call> and </tool_call> to the vocabulary.
--pooling makes it an embedding model (llama.pooling_type in its metadata; attention stays causal).
Defaults: --preset tiny, the preset's type (tiny: f32, 1b: f16), --template chatml, --seed 0,
--out models/tiny-llama.gguf for tiny (models/tiny-llama-tools.gguf with --template hermes),
models/llama-1b-<type>.gguf for 1b (models/llama-1b-<type>-tools.gguf); with --pooling P,
models/tiny-embed.gguf for tiny mean (tiny-embed-<P>.gguf otherwise), models/llama-1b-<type>-embed-<P>.gguf.
An existing file made by the same generator version with the same options is kept.`;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function fail(message) {
  console.error(`make-test-model: ${message}\n\n${usage}`);
  process.exit(2);
}

async function loadGenerator() {
  const compiled = resolve(repoRoot, "dist/local-engine/gguf/index.js");
  try {
    await stat(compiled);
  } catch {
    fail(`${relative(process.cwd(), compiled)} is missing; run \`npm run build\` first`);
  }
  return import(compiled);
}

function formatBytes(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  return `${(bytes / 1e3).toFixed(1)} kB`;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      preset: { type: "string", default: "tiny" },
      type: { type: "string" },
      template: { type: "string", default: "chatml" },
      pooling: { type: "string" },
      out: { type: "string" },
      seed: { type: "string", default: "0" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const { ensureLlamaModel, llamaModelPresets } = await loadGenerator();
const preset = values.preset;
if (!Object.hasOwn(llamaModelPresets, preset)) fail(`unknown preset "${preset}"`);
const weightType = values.type ?? llamaModelPresets[preset].weightType;
if (!["f32", "f16", "q8_0"].includes(weightType)) fail(`unknown type "${weightType}"`);
if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(Number(values.seed))) {
  fail(`bad seed "${values.seed}"`);
}
const seed = Number(values.seed);
const template = values.template;
if (!["chatml", "hermes"].includes(template)) fail(`unknown template "${template}"`);
const pooling = values.pooling;
if (pooling !== undefined && !["mean", "cls", "last"].includes(pooling)) fail(`unknown pooling "${pooling}"`);
const suffix = template === "hermes" ? "-tools" : "";
function defaultName() {
  if (pooling !== undefined) {
    if (preset === "tiny")
      return pooling === "mean" ? `tiny-embed${suffix}.gguf` : `tiny-embed-${pooling}${suffix}.gguf`;
    return `llama-${preset}-${weightType}-embed-${pooling}${suffix}.gguf`;
  }
  return preset === "tiny" ? `tiny-llama${suffix}.gguf` : `llama-${preset}-${weightType}${suffix}.gguf`;
}
const path = values.out === undefined ? resolve(repoRoot, "models", defaultName()) : resolve(values.out);

const model = await ensureLlamaModel({
  path,
  preset,
  weightType,
  seed,
  template,
  ...(pooling === undefined ? {} : { pooling }),
});
const how = model.generated ? `generated in ${model.seconds.toFixed(1)} s` : "up to date";
console.log(`${relative(process.cwd(), model.path) || model.path} ${formatBytes(model.fileSize)} (${how})`);
