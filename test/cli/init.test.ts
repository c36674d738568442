import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliDependencies, EngineTools } from "../../src/cli/cli-dependencies.js";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { linesOf, realDependencies, runSwitchyard } from "./support/run-switchyard.js";

/** The real dependencies with a local engine that is, or is not, built. */
function withEngine(built: boolean): CliDependencies {
  const engine: EngineTools = {
    build: () => Promise.reject(new Error("not in this test")),
    isBuilt: () => built,
    makeTinyModel: () => Promise.reject(new Error("not in this test")),
  };
  return { ...realDependencies(), engine };
}

describe("switchyard init", () => {
  let folder: PolicyFolder;
  beforeEach(async () => {
    folder = await createPolicyFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  it("writes ./switchyard.yaml with a provider for each key that is set, naming the variable and never the key", async () => {
    const env = { OPENAI_API_KEY: "sk-init-canary-1", GROQ_API_KEY: "gsk-init-canary-2" };
    const run = await runSwitchyard(["init"], { cwd: folder.path, env, dependencies: withEngine(false) });

    expect(run).toEqual({
      code: 0,
      stdout: "wrote switchyard.yaml with OPENAI_API_KEY, GROQ_API_KEY\n",
      stderr: "",
    });
    const yaml = await readFile(join(folder.path, "switchyard.yaml"), "utf8");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's literal ${ENV_NAME} syntax
    expect(yaml).toContain('apiKey: "${OPENAI_API_KEY}"');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's literal ${ENV_NAME} syntax
    expect(yaml).toContain('apiKey: "${GROQ_API_KEY}"');
    expect(yaml).not.toContain("canary");
    expect(yaml).not.toContain("anthropic");
    expect(yaml).not.toContain("type: local");

    const check = await runSwitchyard(["check", "switchyard.yaml"], { cwd: folder.path, env });
    expect(check.code).toBe(0);
    expect(linesOf(check.stdout)[1]).toBe(
      "  route default (cheapest): gpt-4o-mini → llama-8b-groq [default]",
    );
  });

  it("adds the local engine, in a local-only route of its own, when it is built", async () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-x" };
    const run = await runSwitchyard(["init", "routing.yaml"], {
      cwd: folder.path,
      env,
      dependencies: withEngine(true),
    });

    expect(run.stdout).toBe("wrote routing.yaml with ANTHROPIC_API_KEY, local engine\n");
    const check = await runSwitchyard(["check", "routing.yaml"], { cwd: folder.path, env });
    expect(check.code).toBe(0);
    expect(linesOf(check.stdout).slice(1, 3)).toEqual([
      "  route default (cheapest): haiku [default]",
      "  route private (ordered): local-small [local-only]",
    ]);
  });

  it("refuses to overwrite an existing file without --force, and overwrites it with --force", async () => {
    const file = await folder.write("switchyard.yaml", "# mine\n");
    const env = { OPENAI_API_KEY: "sk-x" };

    const refused = await runSwitchyard(["init"], { cwd: folder.path, env, dependencies: withEngine(false) });
    expect(refused).toEqual({
      code: 1,
      stdout: "",
      stderr: "error: switchyard.yaml exists; keeping it (switchyard init --force overwrites it)\n",
    });
    expect(await readFile(file, "utf8")).toBe("# mine\n");

    const forced = await runSwitchyard(["init", "--force"], {
      cwd: folder.path,
      env,
      dependencies: withEngine(false),
    });
    expect(forced.code).toBe(0);
    expect(await readFile(file, "utf8")).toContain("gpt-4o-mini");
  });

  it("exits 1 naming what to set when there is no key and no local engine", async () => {
    const run = await runSwitchyard(["init"], { cwd: folder.path, env: {}, dependencies: withEngine(false) });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: nothing to route to: set OPENAI_API_KEY, .*npx switchyard engine build/,
    );
    expect(realDependencies().fileExists(join(folder.path, "switchyard.yaml"))).toBe(false);
  });
});
