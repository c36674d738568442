import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyFileError } from "../core/index.js";
import type { PolicyFile } from "./policy-schema.js";
import { loadPolicy, loadPolicyText } from "./test/with-builtins.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const env = {
  OPENAI_API_KEY: "sk-openai-example-0000000000",
  ANTHROPIC_API_KEY: "sk-ant-example-0000000000",
  TOGETHER_API_KEY: "together-example-0000000000",
  GROQ_API_KEY: "gsk-groq-example-0000000000",
  SWITCHYARD_TEST_OPENAI_KEY: "sk-test-openai-1111111111",
  SWITCHYARD_TEST_HEADER_TOKEN: "header-token-2222222222",
  SWITCHYARD_TEST_ANTHROPIC_KEY: "sk-test-ant-3333333333",
  SWITCHYARD_TEST_REPLICATE_TOKEN: "r8-test-4444444444",
};

const minimal: PolicyFile = {
  providers: { local: { type: "local", model: "./m.gguf" } },
  targets: { t: { provider: "local", model: "m" } },
  routes: { default: { targets: ["t"] } },
};

describe("loadPolicy", () => {
  it.each(["default", "cost-first", "logprobs", "private", "outage-tolerant"])(
    "loads examples/%s.yaml",
    async (name) => {
      const file = join(repoRoot, "examples", `${name}.yaml`);
      const { policy, file: loadedFrom } = await loadPolicy(file, { env });
      expect(loadedFrom).toBe(file);
      expect(Object.keys(policy.routes).length).toBeGreaterThan(0);
      expect(policy.defaultRoute).toBeDefined();
    },
  );

  it("points the quickstart at the model that scripts/make-test-model.mjs writes", async () => {
    const { policy } = await loadPolicy(join(repoRoot, "examples/default.yaml"), { env: {} });
    expect(policy.providers.local).toMatchObject({
      type: "local",
      model: join(repoRoot, "models/tiny-llama.gguf"),
    });
  });

  it("starts every example with the yaml-language-server modeline", async () => {
    const { readFile } = await import("node:fs/promises");
    for (const name of ["default", "cost-first", "logprobs", "private", "outage-tolerant"]) {
      const text = await readFile(join(repoRoot, "examples", `${name}.yaml`), "utf8");
      expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/policy.schema.json");
    }
  });

  describe("resolving every field", async () => {
    const file = join(repoRoot, "test/fixtures/policies/good/every-field.yaml");
    const { policy, secrets } = await loadPolicy(file, { env });

    it("expands secrets and returns them for redaction", () => {
      expect(policy.providers.openai).toMatchObject({
        apiKey: env.SWITCHYARD_TEST_OPENAI_KEY,
        headers: { "X-Team": "search", "Authorization-Extra": `Bearer ${env.SWITCHYARD_TEST_HEADER_TOKEN}` },
      });
      expect(secrets.sort()).toEqual(
        [
          env.SWITCHYARD_TEST_OPENAI_KEY,
          env.SWITCHYARD_TEST_HEADER_TOKEN,
          env.SWITCHYARD_TEST_ANTHROPIC_KEY,
          env.SWITCHYARD_TEST_REPLICATE_TOKEN,
        ].sort(),
      );
    });

    it("resolves a relative model path against the policy file's folder", () => {
      expect(policy.providers.local).toEqual({
        type: "local",
        model: join(repoRoot, "test/fixtures/policies/good/models/tiny.gguf"),
        gpu: "cpu",
        slots: 8,
        threads: 2,
        contextPerSlot: 2048,
        queueLimit: 16,
      });
    });

    it("keeps only the capability fields the operator declared", () => {
      expect(policy.targets.strong?.declared).toEqual({
        contextWindow: 200000,
        maxOutputTokens: 8192,
        tools: true,
        jsonSchema: true,
        streaming: true,
      });
      expect(policy.targets.weak?.declared).toEqual({ logprobs: 20, noTraining: true });
      expect(policy.targets.llama?.declared).toEqual({ noTraining: false });
      expect(policy.targets.qwen?.declared).toEqual({ local: true });
      expect(policy.targets.tiny?.declared).toEqual({ logprobs: 0, local: true });
    });

    it("fills target defaults and prices local targets at zero", () => {
      expect(policy.targets.strong).toMatchObject({
        id: "strong",
        provider: "anthropic",
        providerType: "anthropic",
        price: { input: 3, output: 15, cachedInput: 0.3 },
        limits: { rpm: 50, tpm: 40000, maxConcurrent: 8, maxQueue: 20 },
        weight: 1,
        tier: "strong",
        maxAttempts: 2,
      });
      expect(policy.targets.weak).toMatchObject({ weight: 3, maxAttempts: 3, limits: {} });
      expect(policy.targets.tiny?.price).toEqual({ input: 0, output: 0 });
    });

    it("resolves retryOn, fallbackOn, per-target timeouts and the health section", () => {
      expect(policy.routes.spread).toMatchObject({
        retryOn: ["rate_limit", "server", 408],
        fallbackOn: ["rate_limit", "server", "network", "timeout", "context_length", 404],
        whenAllOpen: "probe",
        halfOpenProbes: 2,
      });
      expect(policy.targets.weak).toMatchObject({ firstTokenTimeoutMs: 5000, idleTimeoutMs: 10000 });
      expect(policy.targets.strong).not.toHaveProperty("firstTokenTimeoutMs");
      expect(policy.health).toEqual({
        breaker: { failureRatio: 0.4, minCalls: 10, windowMs: 30000, openMs: 15000 },
        ejection: { consecutiveFailures: 3, baseMs: 10000, maxMs: 120000 },
        halfOpenProbes: 2,
        whenAllOpen: "probe",
      });
    });

    it("builds core Route objects with defaults applied", () => {
      expect(policy.routes.chat).toEqual({
        name: "chat",
        strategy: "quality-threshold",
        targets: ["strong", "weak"],
        qualityThreshold: 0.7,
        slo: { ttftMs: 800, totalMs: 20000 },
        budget: { maxCostUsd: 0.05, dailyUsd: 100 },
        timeoutMs: 30000,
        firstTokenTimeoutMs: 30000,
        idleTimeoutMs: 60000,
        hedge: { enabled: true, delayMs: 1000, maxExtraCostUsd: 0.01 },
        continueOnInterrupt: true,
        fallbackOnContentFilter: true,
        whenAllOpen: "probe",
        halfOpenProbes: 2,
        fallback: "spread",
      });
      expect(policy.routes.private).toEqual({
        name: "private",
        strategy: "fastest",
        privacy: "local-only",
        targets: ["qwen", "tiny"],
        timeoutMs: 120000,
        firstTokenTimeoutMs: 30000,
        idleTimeoutMs: 60000,
        hedge: { enabled: false, delayMs: 250, maxExtraCostUsd: 0.002 },
        continueOnInterrupt: false,
        fallbackOnContentFilter: false,
        whenAllOpen: "probe",
        halfOpenProbes: 2,
        qualityThreshold: 0.5,
      });
    });

    it("carries the top-level settings", () => {
      expect(policy.defaultRoute).toBe("chat");
      expect(policy.budgets.tags).toEqual({ batch: { dailyUsd: 20 } });
      expect(policy.retryBudget).toEqual({ maxTokens: 20, tokenRatio: 0.1 });
      expect(policy.watch).toBe(true);
      expect(policy.security).toEqual({ allowPrivateBaseURLs: true });
    });

    it("gives its records no prototype, so untrusted route names find nothing", () => {
      expect(policy.routes.constructor).toBeUndefined();
      expect(policy.targets.toString).toBeUndefined();
      expect(Object.getPrototypeOf(policy.providers)).toBeNull();
    });
  });

  it("puts an object policy through the same schema and checks, with paths but no lines", async () => {
    const error = await loadPolicy({
      ...minimal,
      routes: { default: { targets: ["t", "missing"] } },
    }).catch((caught: unknown) => caught);
    expect(PolicyFileError.isInstance(error)).toBe(true);
    expect((error as PolicyFileError).issues).toEqual([
      { path: "routes.default.targets[1]", message: "unknown target `missing`" + " (known: t)" },
    ]);
    expect((error as Error).message).toContain(
      "<policy> routes.default.targets[1]: unknown target `missing`",
    );
  });

  it("refuses an object with a prototype key or a function in it", async () => {
    const hostile = JSON.parse(
      '{"providers": {"__proto__": {"polluted": true}}, "targets": {}, "routes": {}}',
    );
    await expect(loadPolicy(hostile)).rejects.toThrow(
      "providers.__proto__: the key `__proto__` is not allowed",
    );
    const withFunction = { ...minimal, routes: { default: { targets: ["t"], timeoutMs: () => 5 } } };
    await expect(loadPolicy(withFunction as unknown as PolicyFile)).rejects.toThrow(
      "routes.default.timeoutMs: expected plain data (got a function)",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a cyclic object as too deep instead of overflowing the stack", async () => {
    const cyclic: Record<string, unknown> = { ...minimal };
    cyclic.self = cyclic;
    await expect(loadPolicy(cyclic as PolicyFile)).rejects.toThrow("collections nest deeper than 32 levels");
  });

  it("resolves relative model paths of an object policy against baseDir", async () => {
    const { policy } = await loadPolicy(minimal, { baseDir: "/srv/app" });
    expect(policy.providers.local).toEqual({ type: "local", model: "/srv/app/m.gguf" });
  });

  it("names the route 'default' the default route when defaultRoute is not set", async () => {
    expect((await loadPolicy(minimal)).policy.defaultRoute).toBe("default");
    const noDefault = { ...minimal, routes: { chat: { targets: ["t"] } } };
    expect((await loadPolicy(noDefault)).policy.defaultRoute).toBeUndefined();
  });

  it("reports every issue of a file at once, in file order", () => {
    const text = [
      "providers:",
      "  local: { type: local, model: ./m.gguf, slots: -1 }",
      "targets:",
      "  t: { provider: local, model: m, weight: 0 }",
      "routes:",
      "  default: { targets: [], strategy: fastest }",
    ].join("\n");
    try {
      loadPolicyText(text, { file: "policy.yaml" });
      expect.unreachable();
    } catch (error) {
      expect(PolicyFileError.isInstance(error)).toBe(true);
      expect((error as PolicyFileError).issues.map(({ line, path }) => `${line} ${path}`)).toEqual([
        "2 providers.local.slots",
        "4 targets.t.weight",
        "6 routes.default.targets",
      ]);
      expect((error as Error).message).toContain(
        "policy.yaml:6:23 routes.default.targets: expected at least 1 item (got a list of 0)",
      );
    }
  });

  it("requires a price on remote targets the catalog does not price, so budgets never count them as free", async () => {
    const policy: PolicyFile = {
      providers: { openai: { type: "openai", apiKey: "sk-literal-key-000000" } },
      targets: { gpt: { provider: "openai", model: "gpt-made-up-for-this-test" } },
      routes: { default: { targets: ["gpt"] } },
    };
    await expect(loadPolicy(policy)).rejects.toThrow(
      /targets\.gpt\.price: is required for a remote target .*; the model catalog \(@pydantic\/genai-prices@[\d.]+\) does not know `gpt-made-up-for-this-test`/,
    );
    const known = { ...policy, targets: { gpt: { provider: "openai", model: "gpt-4o-mini" } } };
    await expect(loadPolicy(known, { catalog: false })).rejects.toThrow(
      "targets.gpt.price: is required for a remote target",
    );
    // The synchronous loader cannot wait for the catalog's worker thread.
    expect(() => loadPolicyText(JSON.stringify(known))).toThrow(
      "targets.gpt.price: is required for a remote target",
    );
  });

  it("counts a key written in the file as a secret, but not a short placeholder", async () => {
    const policy = (apiKey: string): PolicyFile => ({
      providers: { ollama: { type: "openai-compatible", baseURL: "http://localhost:11434/v1", apiKey } },
      targets: { llama: { provider: "ollama", model: "llama3", price: { input: 0, output: 0 } } },
      routes: { default: { targets: ["llama"] } },
    });
    expect((await loadPolicy(policy("sk-literal-key-000000"))).secrets).toEqual(["sk-literal-key-000000"]);
    expect((await loadPolicy(policy("ollama"))).secrets).toEqual([]);
  });

  it("fails with a PolicyFileError naming the file when it does not exist", async () => {
    await expect(loadPolicy("no/such/policy.yaml")).rejects.toThrow(
      "no/such/policy.yaml: cannot read the policy file: the file does not exist",
    );
  });
});

describe("loadPolicyText messages", () => {
  it("explains that yes is text in YAML 1.2", () => {
    const text = [
      "providers:",
      "  local: { type: local, model: ./m.gguf }",
      "targets:",
      "  t: { provider: local, model: m, tools: yes }",
      "routes:",
      "  default: { targets: [t] }",
    ].join("\n");
    expect(() => loadPolicyText(text, { file: "p.yaml" })).toThrow(
      'p.yaml:4:42 targets.t.tools: expected true or false (got "yes"; write true or false)',
    );
  });
});

describe("secret fields in messages", () => {
  it("never shows the content of a mistyped key", async () => {
    const policy = {
      providers: { openai: { type: "openai", apiKey: 98765432123, headers: { Authorization: 1234567 } } },
      targets: { gpt: { provider: "openai", model: "gpt-4o-mini", price: { input: 0, output: 0 } } },
      routes: { default: { targets: ["gpt"] } },
    };
    const error = await loadPolicy(policy as unknown as PolicyFile).catch((caught: unknown) => caught);
    expect(PolicyFileError.isInstance(error)).toBe(true);
    const text = JSON.stringify((error as PolicyFileError).toJSON());
    expect(text).toContain("providers.openai.apiKey: expected a string (got a number)");
    expect(text).not.toContain("98765432123");
    expect(text).not.toContain("1234567");
  });
});
