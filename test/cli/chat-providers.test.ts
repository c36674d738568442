import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LoopbackServer, startLoopbackServer } from "./support/loopback-server.js";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { type ProviderCase, providerCases, singleTargetPolicy } from "./support/provider-cases.js";
import { linesOf, runSwitchyard } from "./support/run-switchyard.js";
import { answerText, defaultAnswer, type WireFailure } from "./support/wire-script.js";

const answer = answerText(defaultAnswer);

describe.each(providerCases)(
  "switchyard chat against a loopback $name server",
  (providerCase: ProviderCase) => {
    let folder: PolicyFolder;
    let server: LoopbackServer | undefined;
    const env = { [providerCase.envName]: providerCase.apiKey };

    beforeEach(async () => {
      folder = await createPolicyFolder();
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
      await folder.remove();
    });

    async function policyFor(failure?: WireFailure): Promise<string> {
      server = await startLoopbackServer(
        providerCase.server({
          apiKey: providerCase.apiKey,
          answer: defaultAnswer,
          ...(failure ? { failure } : {}),
        }),
      );
      return folder.write("routing.yaml", singleTargetPolicy(providerCase, server.origin));
    }

    it("prints one JSON object with text, usage, costUsd, finishReason and the route taken", async () => {
      const policy = await policyFor();
      const run = await runSwitchyard(
        ["chat", "--policy", policy, "--json", "What is the capital of France?"],
        {
          env,
        },
      );

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const output = JSON.parse(run.stdout);
      expect(output.text).toBe(answer);
      expect(output.usage).toMatchObject({
        inputTokens: defaultAnswer.inputTokens,
        outputTokens: defaultAnswer.outputTokens,
      });
      const expectedCost =
        (defaultAnswer.inputTokens * providerCase.price.input +
          defaultAnswer.outputTokens * providerCase.price.output) /
        1e6;
      expect(output.costUsd).toBeCloseTo(expectedCost, 12);
      expect(output.finishReason).toBe("stop");
      expect(output.route).toMatchObject({ route: "default", target: "main", provider: "main" });
      expect(output.route.model).toBe(providerCase.model);
      expect(output.route.attempts).toHaveLength(1);
      expect(output.route.attempts[0]).toMatchObject({ target: "main", outcome: "success" });
      expect(providerCase.calls(server?.requests ?? [])).toHaveLength(1);
      expect(providerCase.streamed(server?.requests ?? [])).toBe(false);
      expect(providerCase.calls(server?.requests ?? [])[0]?.body).toContain("What is the capital of France?");
    });

    it("streams the answer to stdout and puts a one-line route summary on stderr", async () => {
      const policy = await policyFor();
      const run = await runSwitchyard(
        ["chat", "--policy", policy, "--stream", "What is the capital of France?"],
        {
          env,
        },
      );

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${answer}\n`);
      const summary = linesOf(run.stderr);
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatch(
        new RegExp(
          `^route default → main \\(main:${escapeRegExp(providerCase.model)}\\) · attempts main:success \\d+ms · ${defaultAnswer.inputTokens}\\+${defaultAnswer.outputTokens} tokens · \\$\\d+(\\.\\d+)?$`,
        ),
      );
      expect(providerCase.streamed(server?.requests ?? [])).toBe(true);
    });

    it("streams with --json: no text on the way, then the same JSON object", async () => {
      const policy = await policyFor();
      const run = await runSwitchyard(
        ["chat", "--policy", policy, "--stream", "--json", "Capital of France?"],
        {
          env,
        },
      );

      expect(run.code).toBe(0);
      const output = JSON.parse(run.stdout);
      expect(output.text).toBe(answer);
      expect(output.usage.outputTokens).toBe(defaultAnswer.outputTokens);
      expect(output.route.attempts[0].outcome).toBe("success");
      expect(providerCase.streamed(server?.requests ?? [])).toBe(true);
    });

    it("exits 1 with one typed auth line, and no trace of the key, when the server returns 401", async () => {
      const policy = await policyFor();
      const wrongKey = `${providerCase.apiKey.slice(0, -6)}WRONG0`;
      const run = await runSwitchyard(["chat", "--policy", policy, "Capital of France?"], {
        env: { [providerCase.envName]: wrongKey },
      });

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(linesOf(run.stderr)).toHaveLength(1);
      expect(run.stderr).toMatch(/^error: ProviderCallError\[auth\]: main:\S+ returned 401 auth: /);
      // The loopback server echoes the key it was sent in its 401 body: the CLI must not repeat it.
      expect(run.stderr).toContain("[REDACTED]");
      expect(run.stderr).not.toContain(wrongKey);
      expect(run.stderr).not.toContain(wrongKey.slice(0, 20));
      expect(providerCase.calls(server?.requests ?? [])).toHaveLength(1);
    });

    it("exits 1 with one typed rate_limit line after three 429s", async () => {
      const policy = await policyFor(providerCase.rateLimited());
      const run = await runSwitchyard(["chat", "--policy", policy, "--stream", "Capital of France?"], {
        env,
      });

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(linesOf(run.stderr)).toEqual([
        expect.stringMatching(
          /^error: ProviderCallError\[rate_limit\]: main:\S+ returned 429 rate_limit: .+ \(all targets of route "default" failed: main rate_limit ×3\)$/,
        ),
      ]);
      expect(run.stderr).not.toContain(providerCase.apiKey);
      expect(providerCase.calls(server?.requests ?? [])).toHaveLength(3);
    });
  },
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
