import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliDependencies } from "../../src/cli/cli-dependencies.js";
import { anthropicWireServer } from "./support/anthropic-wire-server.js";
import { dataFrame, type LoopbackServer, startLoopbackServer } from "./support/loopback-server.js";
import { openaiWireServer } from "./support/openai-wire-server.js";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { providerCases, singleTargetPolicy } from "./support/provider-cases.js";
import { linesOf, realDependencies, runSwitchyard } from "./support/run-switchyard.js";
import { answerText, defaultAnswer } from "./support/wire-script.js";

const env = { OPENAI_API_KEY: "sk-options-canary-1", ANTHROPIC_API_KEY: "sk-ant-options-canary-2" };

function policy(openai: string, anthropic: string): string {
  return `version: 1
providers:
  openai: { type: openai, apiKey: "\${OPENAI_API_KEY}", baseURL: "${openai}/v1" }
  anthropic: { type: anthropic, apiKey: "\${ANTHROPIC_API_KEY}", baseURL: "${anthropic}" }
targets:
  fast: { provider: openai, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }
  claude: { provider: anthropic, model: claude-sonnet-4-6, price: { input: 3, output: 15 } }
routes:
  default: { targets: [fast] }
  claude: { targets: [claude] }
  both: { targets: [claude, fast] }
`;
}

const lastBody = (server: LoopbackServer) => JSON.parse(server.requests.at(-1)?.body ?? "{}");

describe("switchyard chat options", () => {
  let folder: PolicyFolder;
  let openai: LoopbackServer;
  let anthropic: LoopbackServer;
  let policyFile: string;

  beforeEach(async () => {
    folder = await createPolicyFolder();
    openai = await startLoopbackServer(
      openaiWireServer({ apiKey: env.OPENAI_API_KEY, answer: defaultAnswer }),
    );
    anthropic = await startLoopbackServer(
      anthropicWireServer({ apiKey: env.ANTHROPIC_API_KEY, answer: defaultAnswer }),
    );
    policyFile = await folder.write("routing.yaml", policy(openai.origin, anthropic.origin));
  });
  afterEach(async () => {
    await openai.close();
    await anthropic.close();
    await folder.remove();
  });

  const chat = (...argv: string[]) => runSwitchyard(["chat", "--policy", policyFile, ...argv], { env });

  it("sends --system, --max-tokens and --temperature to the provider", async () => {
    const run = await chat(
      "--system",
      "Answer in one sentence.",
      "--max-tokens",
      "42",
      "--temperature",
      "0.2",
      "Hi",
    );

    expect(run.code).toBe(0);
    expect(lastBody(openai)).toMatchObject({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Answer in one sentence." },
        { role: "user", content: "Hi" },
      ],
      max_completion_tokens: 42,
      temperature: 0.2,
    });
  });

  it("sends a prompt that starts with a dash when it follows --", async () => {
    const run = await chat("--", "-5 degrees: cold or warm?");

    expect(run.code).toBe(0);
    expect(lastBody(openai).messages).toEqual([{ role: "user", content: "-5 degrees: cold or warm?" }]);
  });

  it("prints a provider's warning on stderr, and puts it in the JSON as warnings", async () => {
    const text = await chat("--route", "claude", "--temperature", "0.2", "Hi");
    const json = await chat("--route", "claude", "--temperature", "0.2", "--json", "Hi");

    expect(text.code).toBe(0);
    expect(linesOf(text.stderr)).toEqual([
      "warning: temperature was not sent: Anthropic API version 2026-10-21 rejects sampling parameters",
      expect.stringMatching(/^route claude → claude /),
    ]);
    expect(JSON.parse(json.stdout).warnings).toEqual([
      "temperature was not sent: Anthropic API version 2026-10-21 rejects sampling parameters",
    ]);
  });

  it("adds the ranking and every rejection to the summary with --trace", async () => {
    const run = await chat("--route", "both", "--logprobs", "1", "--trace", "Hi");

    expect(run.code).toBe(0);
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(/^route both → fast \(openai:gpt-4o-mini\) · attempts fast:success \d+ms · /),
      "  ranked fast",
      expect.stringMatching(/^ {2}rejected claude by capabilities: .*log-probs/),
    ]);
    expect(anthropic.requests).toHaveLength(0);
  });

  it("exits 1 naming the log-prob need when no target of the route can return log-probs", async () => {
    const run = await chat("--route", "claude", "--logprobs", "2", "Hi");

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(
        /^error: NoEligibleTargetError: No target of route "claude" can serve this request \(claude: .*log-probs.*\)$/,
      ),
    ]);
    expect(anthropic.requests).toHaveLength(0);
  });

  it("exits 1 with the router's typed error for values it rejects: --max-tokens 0, an unknown --route", async () => {
    const zero = await chat("--max-tokens", "0", "Hi");
    const unknown = await chat("--route", "nope", "Hi");

    expect(zero.code).toBe(1);
    expect(linesOf(zero.stderr)).toEqual([expect.stringMatching(/^error: InvalidRequestError: .*maxTokens/)]);
    expect(unknown.code).toBe(1);
    expect(linesOf(unknown.stderr)).toEqual([
      'error: InvalidRequestError: Invalid request: route: unknown route "nope" (routes: default, claude, both)',
    ]);
    expect(openai.requests).toHaveLength(0);
  });

  it("uses $SWITCHYARD_POLICY from the CLI's environment, then ./switchyard.yaml in its working folder", async () => {
    const fromEnv = await runSwitchyard(["chat", "--json", "Hi"], {
      env: { ...env, SWITCHYARD_POLICY: "routing.yaml" },
      cwd: folder.path,
    });
    await writeFile(join(folder.path, "switchyard.yaml"), policy(openai.origin, anthropic.origin));
    const fromFolder = await runSwitchyard(["chat", "--route", "claude", "--json", "Hi"], {
      env,
      cwd: folder.path,
    });

    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout).route.target).toBe("fast");
    expect(fromFolder.code).toBe(0);
    expect(JSON.parse(fromFolder.stdout).route.target).toBe("claude");
  });

  it("cancels the upstream stream and exits 130 when interrupted, ending the partial line", async () => {
    let upstreamClosed: Promise<void> = Promise.resolve();
    const slow = await startLoopbackServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(
        dataFrame({
          id: "chatcmpl-1",
          object: "chat.completion.chunk",
          created: 1741569952,
          model: "gpt-4o-mini",
          // Not "Paris": a delta ending in what could begin a configured key (the "s" of
          // "sk-options-…") waits for the next delta, and an interrupted stream never delivers it.
          choices: [{ index: 0, delta: { role: "assistant", content: "Paris." }, finish_reason: null }],
        }),
      );
      upstreamClosed = new Promise((resolve) => response.on("close", () => resolve()));
    });
    try {
      const file = await folder.write("slow.yaml", policy(slow.origin, anthropic.origin));
      const interrupt = new AbortController();
      const run = await runSwitchyard(["chat", "--policy", file, "--stream", "Capital of France?"], {
        env,
        signal: interrupt.signal,
        onStdout: () => interrupt.abort(new Error("interrupted (Ctrl-C)")),
      });

      expect(run.code).toBe(130);
      expect(run.stdout).toBe("Paris.\n");
      expect(linesOf(run.stderr)).toEqual([
        'error: AbortedError: Call on route "default" was aborted by the caller',
      ]);
      await expect(upstreamClosed).resolves.toBeUndefined();
      expect(slow.requests).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});

describe("switchyard chat --logprobs against OpenAI-shaped servers", () => {
  const openaiShaped = providerCases.filter((entry) => !["anthropic", "replicate"].includes(entry.name));

  it.each(openaiShaped.map((entry) => [entry.name, entry] as const))(
    "returns each token's log-prob and top alternatives from %s",
    async (_name, providerCase) => {
      const folder = await createPolicyFolder();
      const server = await startLoopbackServer(
        providerCase.server({ apiKey: providerCase.apiKey, answer: defaultAnswer }),
      );
      try {
        const file = await folder.write("routing.yaml", singleTargetPolicy(providerCase, server.origin));
        for (const stream of [false, true]) {
          const run = await runSwitchyard(
            ["chat", "--policy", file, "--logprobs", "2", "--json", ...(stream ? ["--stream"] : []), "Hi"],
            { env: { [providerCase.envName]: providerCase.apiKey } },
          );

          expect(run.stderr).toBe("");
          const output = JSON.parse(run.stdout);
          expect(output.text).toBe(answerText(defaultAnswer));
          expect(output.logprobs).toHaveLength(defaultAnswer.deltas.length);
          expect(output.logprobs[0]).toEqual({
            token: "Paris",
            logprob: -0.01,
            topLogprobs: [
              { token: "Paris", logprob: -0.01 },
              { token: "alt1", logprob: -1.01 },
            ],
          });
        }
      } finally {
        await server.close();
        await folder.remove();
      }
    },
  );
});

describe("switchyard chat model-load progress", () => {
  /** The real dependencies, with a router factory that reports load progress as the local engine does. */
  function reportingProgress(fractions: number[], fail = false): CliDependencies {
    const real = realDependencies();
    return {
      ...real,
      createRouter: async (options) => {
        for (const fraction of fractions) options.onProgress?.({ provider: "local", fraction });
        if (fail) throw new Error("the model file is truncated");
        return real.createRouter(options);
      },
    };
  }

  let folder: PolicyFolder;
  let server: LoopbackServer;
  let policyFile: string;
  beforeEach(async () => {
    folder = await createPolicyFolder();
    server = await startLoopbackServer(
      openaiWireServer({ apiKey: env.OPENAI_API_KEY, answer: defaultAnswer }),
    );
    policyFile = await folder.write("routing.yaml", policy(server.origin, server.origin));
  });
  afterEach(async () => {
    await server.close();
    await folder.remove();
  });

  it("draws a progress bar on stderr when it is a terminal", async () => {
    const run = await runSwitchyard(["chat", "--policy", policyFile, "Hi"], {
      env,
      interactive: true,
      dependencies: reportingProgress([0, 0.5, 1]),
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`\rloading local [${" ".repeat(30)}]   0%`);
    expect(run.stderr).toContain(`\rloading local [${"#".repeat(15)}${" ".repeat(15)}]  50%`);
    expect(run.stderr).toContain(`\rloading local [${"#".repeat(30)}] 100%\n`);
  });

  it("draws nothing when stderr is not a terminal", async () => {
    const run = await runSwitchyard(["chat", "--policy", policyFile, "Hi"], {
      env,
      interactive: false,
      dependencies: reportingProgress([0, 0.5, 1]),
    });

    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("loading");
    expect(linesOf(run.stderr)).toHaveLength(1);
  });

  it("ends a bar cut short by a failed load before printing the error", async () => {
    const run = await runSwitchyard(["chat", "--policy", policyFile, "Hi"], {
      env,
      interactive: true,
      dependencies: reportingProgress([0.4], true),
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ {2}40%\nerror: the model file is truncated\n$/);
  });
});

describe("switchyard chat without --policy", () => {
  it("runs the bundled offline policy on the local engine when neither $SWITCHYARD_POLICY nor ./switchyard.yaml exists", async () => {
    const folder = await createPolicyFolder();
    try {
      const run = await runSwitchyard(["chat", "--max-tokens", "4", "--json", "Hello"], { cwd: folder.path });

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const output = JSON.parse(run.stdout);
      expect(output.route).toMatchObject({ route: "default", target: "tiny", provider: "local" });
      expect(output.usage.outputTokens).toBeGreaterThan(0);
      expect(output.usage.outputTokens).toBeLessThanOrEqual(4);
      expect(output.costUsd).toBe(0);
    } finally {
      await folder.remove();
    }
  }, 60_000);
});
