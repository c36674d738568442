import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliDependencies, EngineBuildResult } from "../../src/cli/cli-dependencies.js";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { linesOf, realDependencies, runSwitchyard } from "./support/run-switchyard.js";

interface Calls {
  builds: { debug: boolean; jobs?: number }[];
  models: string[];
}

/** The real dependencies with an engine tooling that records its calls. */
function recordingEngine(result: EngineBuildResult, overrides: Partial<CliDependencies> = {}) {
  const calls: Calls = { builds: [], models: [] };
  const dependencies: CliDependencies = {
    ...realDependencies(),
    engine: {
      build: async ({ debug, jobs }) => {
        calls.builds.push({ debug, ...(jobs !== undefined ? { jobs } : {}) });
        return result;
      },
      isBuilt: () => false,
      makeTinyModel: async (path) => {
        calls.models.push(path);
        return { fileSize: 844_800, seconds: 0.2 };
      },
    },
    ...overrides,
  };
  return { dependencies, calls };
}

describe("switchyard engine build", () => {
  it("builds the addon and prints where it is", async () => {
    const built = {
      status: "built",
      addon: "/pkg/local-engine/native/build/Release/switchyard_llama.node",
      buildType: "Release",
      seconds: 41.2,
    } as const;
    const { dependencies, calls } = recordingEngine(built);
    const run = await runSwitchyard(["engine", "build", "--jobs", "4"], { dependencies });

    expect(run).toEqual({ code: 0, stdout: `built ${built.addon} (Release) in 41.2 s\n`, stderr: "" });
    expect(calls.builds).toEqual([{ debug: false, jobs: 4 }]);
  });

  it("exits 1 with the install command when node-llama-cpp is missing", async () => {
    const { dependencies } = recordingEngine({ status: "no-node-llama-cpp" });
    const run = await runSwitchyard(["engine", "build"], { dependencies });

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      "error: node-llama-cpp is not installed; the local engine binds to the llama.cpp it ships:",
      "  npm install node-llama-cpp@3.21.1 --save-exact",
      "  npx switchyard engine build",
    ]);
  });

  it.each([
    [["engine"], "error: name the action: switchyard engine build"],
    [["engine", "make"], 'error: unknown engine action "make" (actions: build)'],
    [["engine", "build", "--jobs", "0"], "error: --jobs expects at least 1"],
  ])("exits 2 for %j before building anything", async (argv, line) => {
    const { dependencies, calls } = recordingEngine({ status: "no-node-llama-cpp" });
    const run = await runSwitchyard(argv, { dependencies });

    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)[0]).toBe(line);
    expect(calls.builds).toEqual([]);
  });
});

describe("the bundled offline policy's model", () => {
  let folder: PolicyFolder;
  beforeEach(async () => {
    folder = await createPolicyFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  it("is generated on first use when missing, saying so, before the router starts", async () => {
    const model = join(folder.path, "models", "tiny-llama.gguf");
    const order: string[] = [];
    const { dependencies, calls } = recordingEngine(
      { status: "no-node-llama-cpp" },
      {
        defaultPolicyModel: model,
        createRouter: () => {
          order.push(`router after ${calls.models.length} model`);
          return Promise.reject(new Error("stop here"));
        },
      },
    );
    const run = await runSwitchyard(["chat", "hello"], { cwd: folder.path, dependencies });

    expect(calls.models).toEqual([model]);
    expect(order).toEqual(["router after 1 model"]);
    expect(linesOf(run.stderr).slice(0, 2)).toEqual([
      "switchyard: the bundled offline policy's model models/tiny-llama.gguf is missing; generating it once (a tiny llama with random weights: its answers are noise)",
      "switchyard: wrote models/tiny-llama.gguf (0.8 MB in 0.2 s)",
    ]);
  });

  it("is left alone when it exists or when another policy is used", async () => {
    const policy = await folder.write("mine.yaml", "version: 1\n");
    const { dependencies, calls } = recordingEngine(
      { status: "no-node-llama-cpp" },
      {
        defaultPolicyModel: join(folder.path, "missing.gguf"),
        createRouter: () => Promise.reject(new Error("stop")),
      },
    );
    await runSwitchyard(["chat", "--policy", policy, "hello"], { cwd: folder.path, dependencies });
    expect(calls.models).toEqual([]);
    expect(await readFile(policy, "utf8")).toBe("version: 1\n");

    const real = recordingEngine(
      { status: "no-node-llama-cpp" },
      { createRouter: () => Promise.reject(new Error("stop")) },
    );
    await runSwitchyard(["chat", "hello"], { cwd: folder.path, dependencies: real.dependencies });
    expect(real.calls.models).toEqual([]); // the repository's models/tiny-llama.gguf is there
  });
});
