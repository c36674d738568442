import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatUsd } from "../../src/core/errors/format-usd.js";
import { anthropicWireServer } from "./support/anthropic-wire-server.js";
import { type LoopbackServer, startLoopbackServer } from "./support/loopback-server.js";
import { openaiWireServer } from "./support/openai-wire-server.js";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { linesOf, runSwitchyard } from "./support/run-switchyard.js";
import { defaultAnswer } from "./support/wire-script.js";

const env = { OPENAI_API_KEY: "sk-explain-canary-1", ANTHROPIC_API_KEY: "sk-ant-explain-canary-2" };

function policy(openai: string, anthropic: string): string {
  return `version: 1
providers:
  openai: { type: openai, apiKey: "\${OPENAI_API_KEY}", baseURL: "${openai}/v1" }
  anthropic: { type: anthropic, apiKey: "\${ANTHROPIC_API_KEY}", baseURL: "${anthropic}" }
targets:
  claude: { provider: anthropic, model: claude-sonnet-4-6, price: { input: 3, output: 15 } }
  fast: { provider: openai, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 }, logprobs: 20 }
  batch: { provider: openai, model: gpt-4o-mini, price: { input: 0.075, output: 0.3 }, streaming: false }
routes:
  default: { strategy: cheapest, targets: [claude, fast, batch] }
  claude-only: { targets: [claude] }
  cached: { targets: [fast], cache: { ttlMs: 60000 } }
`;
}

const question = [{ role: "user", content: "Is this review positive? 'Great food, slow service.'" }];

describe("switchyard explain", () => {
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

  const request = (body: unknown) => folder.write("request.json", JSON.stringify(body));

  it("shows the candidates, the anthropic target rejected by capabilities for log-probs, the ranking and the choice", async () => {
    const file = await request({ messages: question, logprobs: { topK: 2 }, maxTokens: 64 });
    const json = await runSwitchyard(["explain", "--policy", policyFile, "--request", file, "--json"], {
      env,
    });
    const text = await runSwitchyard(["explain", "--policy", policyFile, "--request", file], { env });

    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.route).toBe("default");
    expect(report.estimate.maxOutputTokens).toBe(64);
    expect(report.rejected).toEqual([
      { target: "claude", policy: "capabilities", reason: expect.stringMatching(/log-probs/) },
    ]);
    expect(report.ranked.map((entry: { target: string }) => entry.target)).toEqual(["batch", "fast"]);
    expect(report.chosen).toBe("batch");
    const promptTokens: number = report.estimate.promptTokens;
    expect(promptTokens).toBeGreaterThan(0);
    expect(report.estimatedCostUsd).toBeCloseTo((promptTokens * 0.075 + 64 * 0.3) / 1e6, 12);

    expect(text.code).toBe(0);
    expect(text.stderr).toBe("");
    const cost = (usd: number) => `~${formatUsd(usd)}`;
    expect(linesOf(text.stdout)).toEqual([
      `route default: prompt ${promptTokens} tokens, up to 64 output tokens`,
      "candidates: 3 (2 eligible, 1 rejected)",
      `  ✗ claude — rejected by capabilities: ${report.rejected[0].reason}`,
      `  1. batch (openai:gpt-4o-mini) ${cost(report.ranked[0].estimatedCostUsd)}`,
      `  2. fast (openai:gpt-4o-mini) ${cost(report.ranked[1].estimatedCostUsd)}`,
      `chosen: batch (openai:gpt-4o-mini), estimated cost ${cost(report.estimatedCostUsd)} per attempt at full maxTokens`,
    ]);
    expect(openai.requests).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(0);
  });

  it("marks a price taken from the model catalog, in the text and the JSON report", async () => {
    const unpriced = policy(openai.origin, anthropic.origin).replace(
      "claude: { provider: anthropic, model: claude-sonnet-4-6, price: { input: 3, output: 15 } }",
      "claude: { provider: anthropic, model: claude-sonnet-4-6 }",
    );
    const catalogFile = await folder.write("catalog.yaml", unpriced);
    const file = await request({ route: "claude-only", messages: question, maxTokens: 64 });
    const json = await runSwitchyard(["explain", "--policy", catalogFile, "--request", file, "--json"], {
      env,
    });
    const text = await runSwitchyard(["explain", "--policy", catalogFile, "--request", file], { env });

    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.ranked).toEqual([expect.objectContaining({ target: "claude", priceSource: "catalog" })]);
    // claude-sonnet-4-6 lists at $3 / $15 per million tokens: the price the other policy writes.
    const priced = await runSwitchyard(["explain", "--policy", policyFile, "--request", file, "--json"], {
      env,
    });
    const written = JSON.parse(priced.stdout);
    expect(written.ranked[0].priceSource).toBe("policy");
    expect(report.estimatedCostUsd).toBe(written.estimatedCostUsd);
    expect(linesOf(text.stdout)).toContain(
      `  1. claude (anthropic:claude-sonnet-4-6) ~${formatUsd(report.estimatedCostUsd)} (catalog price)`,
    );
  });

  it("plans for a stream with --stream: a target that cannot stream is rejected", async () => {
    const file = await request({ messages: question });
    const run = await runSwitchyard(
      ["explain", "--policy", policyFile, "--request", file, "--stream", "--json"],
      {
        env,
      },
    );

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.rejected).toEqual([
      { target: "batch", policy: "capabilities", reason: expect.any(String) },
    ]);
    expect(report.chosen).toBe("fast");
  });

  it("exits 1 but still shows every rejection when no target qualifies", async () => {
    const file = await request({ route: "claude-only", messages: question, logprobs: { topK: 2 } });
    const text = await runSwitchyard(["explain", "--policy", policyFile, "--request", file], { env });
    const json = await runSwitchyard(["explain", "--policy", policyFile, "--request", file, "--json"], {
      env,
    });

    expect(text.code).toBe(1);
    expect(linesOf(text.stdout)).toEqual([
      "route claude-only: no target qualifies",
      "candidates: 1 (0 eligible, 1 rejected)",
      expect.stringMatching(/^ {2}✗ claude — rejected by capabilities: .*log-probs/),
      "chosen: none — no target of this route can serve the request",
    ]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ route: "claude-only", chosen: null, ranked: [] });
  });

  it("exits 1 with one line naming --request when the file is missing or not JSON", async () => {
    const missing = await runSwitchyard(
      ["explain", "--policy", policyFile, "--request", `${folder.path}/nope.json`],
      { env },
    );
    const broken = await folder.write("broken.json", "{ messages: [");
    const invalid = await runSwitchyard(["explain", "--policy", policyFile, "--request", broken], { env });

    expect(missing.code).toBe(1);
    expect(linesOf(missing.stderr)).toEqual([
      `error: InvalidRequestError: Invalid request: --request: cannot read ${folder.path}/nope.json: the file does not exist`,
    ]);
    expect(invalid.code).toBe(1);
    expect(linesOf(invalid.stderr)).toEqual([
      expect.stringMatching(
        /^error: InvalidRequestError: Invalid request: --request: .*broken\.json is not valid JSON/,
      ),
    ]);
  });

  it("exits 1 naming the field when the request itself is invalid", async () => {
    const file = await request({ messages: [] });
    const run = await runSwitchyard(["explain", "--policy", policyFile, "--request", file], { env });

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([expect.stringMatching(/^error: InvalidRequestError: .*messages/)]);
  });

  it("says whether the route's response cache would serve the request, and why not", async () => {
    const greedy = await request({ route: "cached", messages: question, temperature: 0 });
    const text = await runSwitchyard(["explain", "--policy", policyFile, "--request", greedy], { env });
    const json = await runSwitchyard(["explain", "--policy", policyFile, "--request", greedy, "--json"], {
      env,
    });
    const sampled = await request({ route: "cached", messages: question });
    const bypass = await runSwitchyard(["explain", "--policy", policyFile, "--request", sampled], { env });

    expect(linesOf(text.stdout).at(-1)).toBe("cache: miss — no answer is stored for this request");
    expect(JSON.parse(json.stdout).cache).toEqual({
      status: "miss",
      reason: "no answer is stored for this request",
    });
    expect(linesOf(bypass.stdout).at(-1)).toMatch(/^cache: bypass — temperature is unset/);
    expect(openai.requests).toHaveLength(0);
  });

  it("exits 2 with the usage when --request is missing", async () => {
    const run = await runSwitchyard(["explain", "--policy", policyFile], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: name a JSON file with the request: --request request\.json\n\nUsage:/,
    );
  });
});
