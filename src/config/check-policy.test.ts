// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write the literal ${ENV_NAME} syntax of policies
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { formatCheckReport } from "./check-policy.js";
import { checkPolicy } from "./test/with-builtins.js";

const repoRoot = resolve(import.meta.dirname, "../..");

describe("checkPolicy", () => {
  it("reports a bad policy's errors instead of throwing", async () => {
    const file = join(repoRoot, "test/fixtures/policies/bad/misspelled-key.yaml");
    const report = await checkPolicy(file);
    expect(report.ok).toBe(false);
    expect(report.errors.map((issue) => issue.path)).toEqual([
      "providers.local.slot",
      "routes.default.stratgy",
    ]);
    expect(formatCheckReport(report)).toContain(
      `${file}: invalid (2 errors)\n  ${file}:5:5 providers.local.slot:`,
    );
  });

  it("summarizes a good policy's routes", async () => {
    const file = join(repoRoot, "examples/outage-tolerant.yaml");
    const report = await checkPolicy(file, {
      env: {
        OPENAI_API_KEY: "k-openai-0000",
        ANTHROPIC_API_KEY: "k-ant-0000",
        TOGETHER_API_KEY: "k-tg-0000",
      },
    });
    expect(report.ok).toBe(true);
    const text = formatCheckReport(report);
    expect(text).toContain(`${file}: ok (4 providers, 4 targets, 2 routes)`);
    expect(text).toContain(
      "route default (ordered): gpt-4o → claude-sonnet → llama-70b, then route last-resort [default]",
    );
  });

  it("warns about unused entries, keys written in the file, missing model files and long SLOs", async () => {
    const report = await checkPolicy(
      {
        providers: {
          openai: { type: "openai", apiKey: "sk-written-in-the-file-0000" },
          unused: { type: "anthropic", apiKey: "${ANTHROPIC_API_KEY}" },
          local: { type: "local", model: "/nonexistent/model.gguf" },
        },
        targets: {
          gpt: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } },
          spare: { provider: "local", model: "m" },
        },
        routes: { chat: { targets: ["gpt"], slo: { totalMs: 200_000 }, timeoutMs: 60_000 } },
      },
      { env: { ANTHROPIC_API_KEY: "sk-ant-0000000000" } },
    );
    expect(report.ok).toBe(true);
    expect(report.warnings.map((warning) => `${warning.path}: ${warning.message}`)).toEqual([
      "targets.spare: is not used by any route",
      'providers.openai.apiKey: is written in the policy; use "${ENV_NAME}" so the key stays out of files and version control',
      "providers.unused: is not used by any target",
      "providers.local.model: no model file at /nonexistent/model.gguf",
      "routes.chat.slo.totalMs: is longer than the route's timeoutMs (60000); calls are cut at timeoutMs",
      "routes: no `defaultRoute` and no route named `default`: every call must name its route",
    ]);
  });

  it("places warnings of a file at their line", async () => {
    const file = join(repoRoot, "test/fixtures/policies/good/every-field.yaml");
    const report = await checkPolicy(file, {
      env: {
        SWITCHYARD_TEST_OPENAI_KEY: "a".repeat(12),
        SWITCHYARD_TEST_HEADER_TOKEN: "b".repeat(12),
        SWITCHYARD_TEST_ANTHROPIC_KEY: "c".repeat(12),
        SWITCHYARD_TEST_REPLICATE_TOKEN: "d".repeat(12),
      },
    });
    expect(report.warnings).toEqual([
      expect.objectContaining({ path: "providers.local.model", line: 25, column: 12 }),
    ]);
  });
});
