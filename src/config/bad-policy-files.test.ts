// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write the literal ${ENV_NAME} syntax of policies
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PolicyFileError, type PolicyIssue } from "../core/index.js";
import { loadPolicy, loadPolicyText } from "./test/with-builtins.js";

const fixtures = relative(process.cwd(), join(import.meta.dirname, "../../test/fixtures/policies/bad"));
const env = { SWITCHYARD_TEST_OPENAI_KEY: "sk-test-0123456789abcdefghij" };

async function loadError(name: string): Promise<PolicyFileError> {
  const file = join(fixtures, name);
  const error = await loadPolicy(file, { env }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!PolicyFileError.isInstance(error))
    throw new Error(`expected a PolicyFileError for ${name}, got ${String(error)}`);
  return error;
}

/** The issue at `path`, checked to carry the file, a line and a column, and to be printed as file:line:col path. */
function issueAt(error: PolicyFileError, path: string): PolicyIssue {
  const issue = error.issues.find((candidate) => candidate.path === path);
  if (issue === undefined) {
    throw new Error(`no issue at ${path}; issues: ${JSON.stringify(error.issues, null, 2)}`);
  }
  expect(issue.file).toMatch(/\.yaml$/);
  expect(issue.line).toBeGreaterThan(0);
  expect(issue.column).toBeGreaterThan(0);
  expect(error.message).toContain(
    `${issue.file}:${issue.line}:${issue.column} ${path ? `${path}: ` : ""}${issue.message}`,
  );
  return issue;
}

describe("bad policy files", () => {
  it("stops an alias bomb at the alias that blows up, with line and column", async () => {
    const error = await loadError("alias-bomb.yaml");
    const issue = error.issues[0];
    expect(issue?.message).toMatch(/alias `\*lol\d` expands the policy past 10000 nodes/);
    expect(issue?.line).toBeGreaterThanOrEqual(10);
    expect(issue?.path).toMatch(/^lol\d\[\d\]$/);
  });

  it("rejects a __proto__ key and leaves Object.prototype untouched", async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const error = await loadError("proto-key.yaml");
    expect(issueAt(error, "providers.local.__proto__")).toMatchObject({
      line: 5,
      column: 5,
      message: "the key `__proto__` is not allowed",
    });
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it("rejects a constructor key with its path", async () => {
    const error = await loadError("constructor-key.yaml");
    expect(issueAt(error, "routes.default.constructor")).toMatchObject({ line: 8, column: 5 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects a << merge key instead of merging", async () => {
    const error = await loadError("merge-key.yaml");
    expect(issueAt(error, 'targets.t["<<"]').message).toContain("merge keys (`<<`) are not supported");
  });

  it("refuses !!js/function as an unknown tag and never runs it", async () => {
    const error = await loadError("js-function-tag.yaml");
    expect(issueAt(error, "providers.local.model").message).toBe(
      "unknown tag `!!js/function`: custom tags are not allowed",
    );
    expect((globalThis as Record<string, unknown>).__switchyardPwned).toBeUndefined();
  });

  it("refuses !include as an unknown tag", async () => {
    const error = await loadError("include-tag.yaml");
    expect(issueAt(error, "providers")).toMatchObject({ line: 1, column: 12 });
    expect(error.message).toContain("unknown tag `!include`");
    expect(error.message).not.toContain("root:");
  });

  it("names a duplicate key and where it was first defined", async () => {
    const error = await loadError("duplicate-key.yaml");
    expect(issueAt(error, "routes.default")).toMatchObject({
      line: 7,
      column: 3,
      message: "duplicate key `default` (first at 6:3)",
    });
  });

  it("names an unset variable and its path, and never prints another secret's value", async () => {
    const error = await loadError("unset-env.yaml");
    expect(issueAt(error, "providers.anthropic.apiKey")).toMatchObject({
      line: 3,
      message: "environment variable SWITCHYARD_TEST_UNSET_KEY is not set or empty",
    });
    expect(JSON.stringify(error.toJSON())).not.toContain(env.SWITCHYARD_TEST_OPENAI_KEY);
    expect(error.message).not.toContain(env.SWITCHYARD_TEST_OPENAI_KEY);
  });

  it("refuses ${VAR} outside secret fields", async () => {
    const error = await loadError("interpolation-outside-secret.yaml");
    expect(issueAt(error, "providers.together.baseURL").message).toContain(
      "is only allowed in secret fields (apiKey, apiToken, options.apiKey, options.accessKeyId, options.secretAccessKey, options.sessionToken, header values, state.url)",
    );
  });

  it("refuses a baseURL that spells the metadata address in hex", async () => {
    const error = await loadError("ssrf-metadata.yaml");
    expect(issueAt(error, "providers.proxy.baseURL")).toMatchObject({ line: 5, column: 14 });
    expect(error.message).toContain("169.254.169.254");
    expect(error.message).toContain("cloud metadata address");
  });

  it("names a fallback cycle with every route on it", async () => {
    const error = await loadError("fallback-cycle.yaml");
    expect(error.issues).toHaveLength(1);
    expect(issueAt(error, "routes.default.fallback").message).toBe(
      "fallback cycle: default → backup → last → default",
    );
  });

  it("names an unknown target and suggests the closest one", async () => {
    const error = await loadError("unknown-reference.yaml");
    expect(issueAt(error, "routes.default.targets[1]")).toMatchObject({
      line: 6,
      column: 36,
      message: "unknown target `fast-chep` (did you mean `fast-cheap`?)",
    });
  });

  it("gives the path and the allowed range of every out-of-range number", async () => {
    const error = await loadError("out-of-range.yaml");
    expect(issueAt(error, "providers.local.slots").message).toBe("expected an integer ≥ 1 (got 0)");
    expect(issueAt(error, "targets.t.logprobs").message).toBe("expected an integer ≤ 20 (got 21)");
    expect(issueAt(error, "targets.t.maxAttempts").message).toBe("expected an integer ≤ 10 (got 11)");
    expect(issueAt(error, "targets.t.price.output").message).toBe("expected a number < 10,000 (got 25000)");
    expect(issueAt(error, "routes.default.timeoutMs").message).toBe(
      "expected an integer ≤ 3,600,000 (got 7200000)",
    );
    expect(issueAt(error, "routes.default.qualityThreshold").message).toBe("expected a number ≤ 1 (got 1.5)");
  });

  it("says what type a mistyped number should have and what it got", async () => {
    const error = await loadError("mistyped-number.yaml");
    expect(issueAt(error, "providers.local.slots").message).toBe('expected an integer (got "eight")');
    expect(issueAt(error, "providers.local.threads").message).toBe("expected an integer (got 2.5)");
    expect(issueAt(error, "targets.t.contextWindow").message).toBe(
      'expected an integer (got "4096"; write it without quotes)',
    );
  });

  it("rejects a local-only route that lists a remote target, naming both", async () => {
    const error = await loadError("local-only-remote.yaml");
    const issue = issueAt(error, "routes.private.targets[1]");
    expect(issue.message).toContain(
      "route `private` is local-only but target `gpt` (provider `openai`) is remote",
    );
  });

  it("suggests the right spelling of a misspelled key", async () => {
    const error = await loadError("misspelled-key.yaml");
    expect(issueAt(error, "providers.local.slot")).toMatchObject({
      line: 5,
      column: 5,
      message: "unknown key `slot` (did you mean `slots`?)",
    });
    expect(issueAt(error, "routes.default.stratgy").message).toBe(
      "unknown key `stratgy` (did you mean `strategy`?)",
    );
  });

  it("refuses a second YAML document", async () => {
    const error = await loadError("multi-document.yaml");
    expect(error.issues[0]).toMatchObject({ line: 7, column: 1 });
    expect(error.message).toContain("a policy holds one YAML document");
  });

  it("refuses nesting deeper than 32 levels", async () => {
    const error = await loadError("deep-nesting.yaml");
    const issue = error.issues[0];
    expect(issue?.message).toBe("collections nest deeper than 32 levels");
    expect(issue?.line).toBe(7);
    expect(issue?.path).toMatch(/^deep(\[0\]){31}$/);
  });

  describe("files over 1 MB", () => {
    const folder = mkdtempSync(join(tmpdir(), "switchyard-policy-"));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it("refuses them before reading", async () => {
      const file = join(folder, "huge.yaml");
      writeFileSync(file, `# ${"x".repeat(1_048_600)}\nproviders: {}\n`);
      const error = await loadPolicy(file).catch((caught: unknown) => caught);
      expect(PolicyFileError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toContain(
        `${file}: the policy file is 1048617 bytes; the limit is 1048576 (1 MB)`,
      );
    });
  });
});

describe("SSRF-prone baseURLs in a policy", () => {
  const spellings = [
    "http://169.254.169.254/",
    "http://0xA9FEA9FE/",
    "http://2852039166/",
    "http://0251.0376.0251.0376/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/",
    "http://metadata/",
    "http://100.100.100.200/",
    "file:///etc/passwd",
    "https://user:pass@api.example.com/v1",
  ];

  it.each(spellings)("rejects %s at providers.proxy.baseURL with line and column", (url) => {
    const text = [
      "providers:",
      "  proxy:",
      "    type: openai-compatible",
      `    baseURL: "${url}"`,
      "targets:",
      "  t: { provider: proxy, model: m, price: { input: 0, output: 0 } }",
      "routes:",
      "  default: { targets: [t] }",
    ].join("\n");
    const error = captureError(() => loadPolicyText(text, { file: "ssrf.yaml" }));
    expect(error.issues).toEqual([
      expect.objectContaining({ file: "ssrf.yaml", path: "providers.proxy.baseURL", line: 4, column: 14 }),
    ]);
    expect(error.message).not.toContain("pass@");
  });

  it("rejects a private baseURL only when security.allowPrivateBaseURLs is false", () => {
    const policy = (allow: boolean) => ({
      providers: { vllm: { type: "openai-compatible" as const, baseURL: "http://127.0.0.1:8000/v1" } },
      targets: { t: { provider: "vllm", model: "m", price: { input: 0, output: 0 } } },
      routes: { default: { targets: ["t"] } },
      security: { allowPrivateBaseURLs: allow },
    });
    expect(() => loadPolicyText(JSON.stringify(policy(true)))).not.toThrow();
    const error = captureError(() => loadPolicyText(JSON.stringify(policy(false)), { file: "p.yaml" }));
    expect(error.issues[0]).toMatchObject({ path: "providers.vllm.baseURL", line: 1 });
    expect(error.issues[0]?.message).toContain("security.allowPrivateBaseURLs is false");
  });

  it("names a bad devices list of a local provider, and resolves libraryDir against the file", () => {
    const policy = (devices: unknown) =>
      [
        "providers:",
        `  gpus: { type: local, model: m.gguf, libraryDir: build/Release, devices: ${JSON.stringify(devices)} }`,
        "targets:",
        "  small: { provider: gpus, model: tiny }",
        "routes:",
        "  default: { targets: [small], strategy: least-loaded }",
      ].join("\n");
    const twice = captureError(() => loadPolicyText(policy([0, 1, 0]), { file: "gpus.yaml" }));
    expect(twice.issues[0]).toMatchObject({ path: "providers.gpus.devices", line: 2 });
    expect(twice.issues[0]?.message).toContain("lists a GPU twice");
    const word = captureError(() => loadPolicyText(policy("some"), { file: "gpus.yaml" }));
    expect(word.issues[0]?.path).toBe("providers.gpus.devices");
    const negative = captureError(() => loadPolicyText(policy([-1]), { file: "gpus.yaml" }));
    expect(negative.issues[0]?.path).toBe("providers.gpus.devices[0]");
    const loaded = loadPolicyText(policy("all"), { file: "/srv/policies/gpus.yaml" });
    expect(loaded.policy.providers.gpus).toMatchObject({
      devices: "all",
      libraryDir: "/srv/policies/build/Release",
      model: "/srv/policies/m.gguf",
    });
    expect(loaded.policy.routes.default?.strategy).toBe("least-loaded");
  });

  it("names a budget for an unknown target or provider at its key, with a suggestion", () => {
    const text = [
      "providers:",
      "  openai: { type: openai, apiKey: sk-test-0123456789abcdefghij }",
      "targets:",
      "  fast-cheap: { provider: openai, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 } }",
      "routes:",
      "  default: { targets: [fast-cheap] }",
      "budgets:",
      "  targets: { fast-chep: { dailyUsd: 5 } }",
      "  providers:",
      "    anthropic: { dailyUsd: 20 }",
    ].join("\n");
    const error = captureError(() => loadPolicyText(text, { file: "budgets.yaml" }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: "budgets.targets.fast-chep",
        line: 8,
        column: 14,
        message: "unknown target `fast-chep` (did you mean `fast-cheap`?)",
      }),
      expect.objectContaining({
        path: "budgets.providers.anthropic",
        line: 10,
        column: 5,
        message: "unknown provider `anthropic` (known: openai)",
      }),
    ]);
  });

  it("loads daily budgets per target and per provider next to the tag budgets", () => {
    const loaded = loadPolicyText(
      JSON.stringify({
        providers: { openai: { type: "openai", apiKey: "sk-test-0123456789abcdefghij" } },
        targets: { small: { provider: "openai", model: "gpt-4o-mini", price: { input: 0.15, output: 0.6 } } },
        routes: { default: { targets: ["small"] } },
        budgets: {
          tags: { batch: { dailyUsd: 1 } },
          targets: { small: { dailyUsd: 2 } },
          providers: { openai: { dailyUsd: 3 } },
        },
      }),
    );
    expect(loaded.policy.budgets).toEqual({
      tags: { batch: { dailyUsd: 1 } },
      targets: { small: { dailyUsd: 2 } },
      providers: { openai: { dailyUsd: 3 } },
    });
    expect(Object.getPrototypeOf(loaded.policy.budgets.targets)).toBeNull();
  });
});

function captureError(load: () => unknown): PolicyFileError {
  try {
    load();
  } catch (error) {
    if (PolicyFileError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected the policy to be rejected");
}
