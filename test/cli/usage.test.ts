import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliDependencies } from "../../src/cli/cli-dependencies.js";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { linesOf, realDependencies, runSwitchyard } from "./support/run-switchyard.js";

/** Dependencies that fail the test if the CLI gets as far as loading a policy. */
function noPolicyLoaded(): CliDependencies & { loads: number } {
  const real = realDependencies();
  const spy = {
    ...real,
    loads: 0,
    createRouter: (options: Parameters<CliDependencies["createRouter"]>[0]) => {
      spy.loads++;
      return real.createRouter(options);
    },
    checkPolicy: (...args: Parameters<CliDependencies["checkPolicy"]>) => {
      spy.loads++;
      return real.checkPolicy(...args);
    },
  };
  return spy;
}

describe("switchyard usage", () => {
  it.each([["--help"], ["-h"], ["help"]])(
    "prints the usage of every command on stdout and exits 0 for %s",
    async (...argv) => {
      const run = await runSwitchyard(argv);

      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toMatch(/^Usage:\n {2}switchyard chat /);
      for (const command of ["check", "explain", "init", "engine build"]) {
        expect(run.stdout).toContain(`\n  switchyard ${command} `);
      }
      expect(run.stdout).toContain("Exit codes: 0 ok; 1 ");
    },
  );

  it.each([
    [["chat", "--help"], "switchyard chat [--policy FILE]"],
    [["check", "-h"], "switchyard check [--no-env] FILE"],
    [["explain", "--help"], "switchyard explain [--policy FILE] --request REQUEST.json"],
    [["init", "--help"], "switchyard init [--force] [FILE]"],
    [["engine", "--help"], "switchyard engine build [--debug] [--jobs N]"],
  ])("prints only the command's own help for %j", async (argv, synopsis) => {
    const run = await runSwitchyard(argv);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const [title, first] = linesOf(run.stdout);
    expect(title).toBe("Usage:");
    expect(first?.startsWith(`  ${synopsis}`)).toBe(true);
    expect(run.stdout.match(/^ {2}switchyard /gm)).toHaveLength(1);
  });

  it.each([["--version"], ["-v"], ["version"]])("prints the package's version for %s", async (flag) => {
    const { version } = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    const run = await runSwitchyard([flag]);

    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("exits 2 with the usage on stderr when no command is given", async () => {
    const run = await runSwitchyard([]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^error: name a command: chat, check, explain, init, engine, serve, keys\n\nUsage:/,
    );
  });

  it("exits 2 naming an unknown command", async () => {
    const run = await runSwitchyard(["chatt", "hello"]);

    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)[0]).toBe(
      'error: unknown command "chatt" (commands: chat, check, explain, init, engine, serve, keys)',
    );
    expect(run.stderr).toContain("Usage:");
  });

  it.each([
    [["chat", "--bogus", "hello"], "error: chat has no flag --bogus"],
    [["chat", "--request", "r.json", "hello"], "error: chat has no flag --request"],
    [["check", "--stream", "routing.yaml"], "error: check has no flag --stream"],
    [["explain", "--trace", "--request", "r.json"], "error: explain has no flag --trace"],
  ])("exits 2 with the usage for an unknown flag: %j, before any policy is loaded", async (argv, line) => {
    const dependencies = noPolicyLoaded();
    const run = await runSwitchyard(argv, { dependencies });

    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)[0]).toBe(`${line} (a prompt that starts with "-" goes after "--")`);
    expect(run.stderr).toContain("Usage:");
    expect(dependencies.loads).toBe(0);
  });

  it("exits 2 with the usage when chat has no prompt", async () => {
    const dependencies = noPolicyLoaded();
    const run = await runSwitchyard(["chat", "--json", "  "], { dependencies });

    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)[0]).toBe('error: give the prompt as an argument: switchyard chat "Hello"');
    expect(dependencies.loads).toBe(0);
  });

  it.each([
    [["--max-tokens", "12abc"], 'error: --max-tokens expects a whole number (got "12abc")'],
    [["--max-tokens", ""], 'error: --max-tokens expects a whole number (got "")'],
    [["--logprobs", "2.5"], 'error: --logprobs expects a whole number (got "2.5")'],
    [["--temperature", "warm"], 'error: --temperature expects a number (got "warm")'],
    [["--privacy", "public"], 'error: --privacy expects local-only or no-training (got "public")'],
    [["--policy"], "error: Option '--policy <value>' argument missing"],
  ])("exits 2 when a flag value has the wrong form: %j", async (flags, line) => {
    const dependencies = noPolicyLoaded();
    const run = await runSwitchyard(["chat", "hello", ...flags], { dependencies });

    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)[0]).toBe(line);
    expect(dependencies.loads).toBe(0);
  });

  describe("a policy file that cannot be read", () => {
    let folder: PolicyFolder;
    beforeEach(async () => {
      folder = await createPolicyFolder();
    });
    afterEach(async () => {
      await folder.remove();
    });

    it.each([
      ["chat", "hello"],
      ["explain", "--request", "request.json"],
    ])("makes %s exit 1 with one line naming the file", async (...argv) => {
      await folder.write("request.json", JSON.stringify({ messages: [{ role: "user", content: "hi" }] }));
      const run = await runSwitchyard([...argv, "--policy", "missing.yaml"], { cwd: folder.path });

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(linesOf(run.stderr)).toEqual([
        `error: PolicyFileError: ${folder.path}/missing.yaml: cannot read the policy file: the file does not exist`,
      ]);
    });

    it("prints an invalid chat policy's issues one per line, each with file:line:col", async () => {
      const file = await folder.write(
        "routing.yaml",
        [
          "version: 1",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's literal ${ENV_NAME} syntax
          'providers: { openai: { type: openai, apiKey: "${OPENAI_API_KEY}" } }',
          "targets: { fast: { provider: openai, model: gpt-4o-mini, maxAttempts: 99 } }",
          "routes:",
          "  default: { targets: [fast], stratgy: cheapest }",
          "",
        ].join("\n"),
      );
      const run = await runSwitchyard(["chat", "--policy", file, "hello"], {
        env: { OPENAI_API_KEY: "sk-x" },
      });

      expect(run.code).toBe(1);
      expect(linesOf(run.stderr)).toEqual([
        "error: PolicyFileError: invalid policy (2 issues)",
        `  ${file}:3:71 targets.fast.maxAttempts: expected an integer ≤ 10 (got 99)`,
        `  ${file}:5:31 routes.default.stratgy: unknown key \`stratgy\` (did you mean \`strategy\`?)`,
      ]);
    });
  });
});
