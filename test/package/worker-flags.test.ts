import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ensureCompiledBuild } from "../support/ensure-compiled-build.js";

const entry = new URL("../../dist/index.js", import.meta.url).href;

describe("an application started with flags its worker threads may not take", () => {
  it("starts a router whose prices come from the catalog (a worker thread) under --expose-gc", async () => {
    await ensureCompiledBuild();
    const code = `
      const { createRouter } = await import(${JSON.stringify(entry)});
      const router = await createRouter({
        policy: {
          providers: { openai: { type: "openai", apiKey: "not-a-key", baseURL: "http://127.0.0.1:9/v1" } },
          targets: { mini: { provider: "openai", model: "gpt-4o-mini" } },
          routes: { default: { targets: ["mini"] } },
        },
      });
      const plan = await router.explain({
        messages: [{ role: "user", content: "hi" }],
        responseFormat: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } } } },
      });
      console.log(JSON.stringify({ ranked: plan.ranked.map((candidate) => candidate.target.id) }));
      await router.close();`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--expose-gc", "--input-type=module", "-e", code],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)) },
    );
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({ ranked: ["mini"] });
  }, 120_000);
});
