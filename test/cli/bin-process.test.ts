import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltBin, builtBin, isExecutable } from "./support/built-bin.js";
import { type LoopbackServer, startLoopbackServer } from "./support/loopback-server.js";
import { openaiWireServer } from "./support/openai-wire-server.js";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { providerCases, singleTargetPolicy } from "./support/provider-cases.js";
import { type CliRun, linesOf } from "./support/run-switchyard.js";
import { answerText, defaultAnswer } from "./support/wire-script.js";

const openai = providerCases.find((entry) => entry.name === "openai");

/** Runs the bin as its own process; asynchronous, so this process's loopback server keeps answering. */
function runProcess(bin: string, argv: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // Executed directly when it can be, so the shebang line is what starts node.
    const direct = process.platform !== "win32";
    const child = direct
      ? spawn(bin, argv, { env: { ...env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` } })
      : spawn(process.execPath, [bin, ...argv], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("the built switchyard bin", () => {
  let bin: BuiltBin = { path: undefined };
  let folder: PolicyFolder;
  let server: LoopbackServer;

  beforeAll(async () => {
    bin = await builtBin();
    folder = await createPolicyFolder();
  }, 180_000);
  afterAll(async () => {
    await folder?.remove();
    if (bin.buildFolder) await rm(bin.buildFolder, { recursive: true, force: true });
  });

  it("runs as a real process: shebang, ESM entry, the JSON answer, and exit code 1 on a provider error", async (context) => {
    if (!bin.path || !openai) return context.skip();
    const path = bin.path;
    expect((await readFile(path, "utf8")).split("\n")[0]).toBe("#!/usr/bin/env node");
    expect(await isExecutable(path)).toBe(true);
    server = await startLoopbackServer(openaiWireServer({ apiKey: openai.apiKey, answer: defaultAnswer }));
    try {
      const policy = await folder.write("routing.yaml", singleTargetPolicy(openai, server.origin));

      const answer = await runProcess(path, ["chat", "--policy", policy, "--json", "Capital of France?"], {
        [openai.envName]: openai.apiKey,
      });
      expect(answer.stderr).toBe("");
      expect(answer.code).toBe(0);
      const output = JSON.parse(answer.stdout);
      expect(output).toMatchObject({ text: answerText(defaultAnswer), finishReason: "stop" });
      expect(output.route).toMatchObject({ target: "main", attempts: [{ outcome: "success" }] });

      const wrongKey = "sk-proj-wrong-key-canary-000000";
      const failed = await runProcess(path, ["chat", "--policy", policy, "Capital of France?"], {
        [openai.envName]: wrongKey,
      });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe("");
      expect(linesOf(failed.stderr)).toEqual([expect.stringMatching(/^error: ProviderCallError\[auth\]: /)]);
      expect(failed.stderr).not.toContain(wrongKey);

      const usage = await runProcess(path, ["chat", "--no-such-flag", "hi"], {});
      expect(usage.code).toBe(2);
    } finally {
      await server.close();
    }
  }, 60_000);
});
