import { describe, expect, it } from "vitest";
import type { CatalogEntry, CatalogQuery, ModelCatalog } from "../catalog/index.js";
import type { PolicyFile } from "./policy-schema.js";
import { checkPolicy, loadPolicy } from "./test/with-builtins.js";

const sources = { prices: "prices-data@1.0.0", limits: "limits-data@1.0.0" };

/** A catalog that knows the given models, by catalog provider, and records what it was asked. */
function fakeCatalog(known: Record<string, Record<string, Partial<CatalogEntry>>>) {
  const asked: CatalogQuery[][] = [];
  const catalog: ModelCatalog = {
    async lookup(queries) {
      asked.push([...queries]);
      const providerOf = (query: CatalogQuery) =>
        "id" in query.provider
          ? query.provider.id
          : Object.keys(known).find((id) => (query.provider as { baseURL: string }).baseURL.includes(id));
      return {
        sources,
        providers: queries.map((query) => {
          const id = providerOf(query);
          return id !== undefined && Object.hasOwn(known, id) ? id : undefined;
        }),
        entries: queries.map((query) => {
          const id = providerOf(query);
          const entry = id === undefined ? undefined : known[id]?.[query.model];
          return entry && id ? { provider: id, model: query.model, deprecated: false, ...entry } : undefined;
        }),
      };
    },
  };
  return { catalog, asked };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's ${ENV_NAME} syntax
const apiKey = "${OPENAI_API_KEY}";
const openai = { type: "openai" as const, apiKey };
const env = { OPENAI_API_KEY: "test-canary-not-a-real-key-catalog" };

function policyWith(
  targets: PolicyFile["targets"],
  providers: PolicyFile["providers"] = { openai },
): PolicyFile {
  return { providers, targets, routes: { default: { targets: Object.keys(targets) } } };
}

describe("the model catalog in policies", () => {
  it("prices a remote target from the catalog when the policy gives no price, and says so", async () => {
    const { catalog } = fakeCatalog({ openai: { "gpt-4o-mini": { price: { input: 0.15, output: 0.6 } } } });
    const { policy } = await loadPolicy(policyWith({ mini: { provider: "openai", model: "gpt-4o-mini" } }), {
      env,
      catalog,
    });
    expect(policy.targets.mini?.price).toEqual({ input: 0.15, output: 0.6 });
    expect(policy.targets.mini?.priceSource).toBe("catalog");
  });

  it("keeps the policy's price over the catalog's", async () => {
    const { catalog } = fakeCatalog({ openai: { "gpt-4o-mini": { price: { input: 0.15, output: 0.6 } } } });
    const { policy } = await loadPolicy(
      policyWith({ mini: { provider: "openai", model: "gpt-4o-mini", price: { input: 1, output: 2 } } }),
      { env, catalog },
    );
    expect(policy.targets.mini?.price).toEqual({ input: 1, output: 2 });
    expect(policy.targets.mini?.priceSource).toBe("policy");
  });

  it("refuses an unpriced target whose model the catalog does not know, naming the catalog", async () => {
    const { catalog } = fakeCatalog({ openai: {} });
    await expect(
      loadPolicy(policyWith({ mini: { provider: "openai", model: "gpt-typo" } }), { env, catalog }),
    ).rejects.toThrow(
      "targets.mini.price: is required for a remote target (US dollars per 1M tokens; write `{ input: 0, output: 0 }` for a free host); the model catalog (prices-data@1.0.0) does not know `gpt-typo`",
    );
  });

  it("refuses an unpriced target the catalog knows without a price", async () => {
    const { catalog } = fakeCatalog({ openai: { "gpt-unpriced": { contextWindow: 8000 } } });
    await expect(
      loadPolicy(policyWith({ mini: { provider: "openai", model: "gpt-unpriced" } }), { env, catalog }),
    ).rejects.toThrow("the model catalog (prices-data@1.0.0) has no price for `gpt-unpriced`");
  });

  it("asks the catalog nothing for local targets or self-hosted servers", async () => {
    const { catalog, asked } = fakeCatalog({ openai: {} });
    const providers: PolicyFile["providers"] = {
      vllm: { type: "openai-compatible", host: "vllm", baseURL: "http://127.0.0.1:8000/v1" },
    };
    await loadPolicy(
      policyWith(
        { served: { provider: "vllm", model: "my-model", price: { input: 0, output: 0 } } },
        providers,
      ),
      { env, catalog },
    );
    expect(asked).toEqual([]);
  });

  it("looks up a generic OpenAI-compatible host by its address, and hosts with a preset by name", async () => {
    const { catalog, asked } = fakeCatalog({
      deepseek: { "deepseek-chat": { price: { input: 0.27, output: 1.1 } } },
    });
    const providers: PolicyFile["providers"] = {
      deepseek: {
        type: "openai-compatible",
        baseURL: "https://api.deepseek.com/v1",
        apiKey,
      },
      groq: {
        type: "openai-compatible",
        host: "groq",
        baseURL: "https://api.groq.com/openai/v1",
        apiKey,
      },
    };
    const { policy } = await loadPolicy(
      policyWith(
        {
          chat: { provider: "deepseek", model: "deepseek-chat" },
          llama: { provider: "groq", model: "llama-3.3-70b-versatile", price: { input: 0.59, output: 0.79 } },
        },
        providers,
      ),
      { env, catalog },
    );
    expect(asked).toEqual([
      [
        { provider: { baseURL: "https://api.deepseek.com/v1" }, model: "deepseek-chat" },
        { provider: { id: "groq" }, model: "llama-3.3-70b-versatile" },
      ],
    ]);
    expect(policy.targets.chat?.price).toEqual({ input: 0.27, output: 1.1 });
  });

  it("has `switchyard check` warn about a model the catalog does not know and about a deprecated one", async () => {
    const { catalog } = fakeCatalog({
      openai: { "gpt-old": { price: { input: 1, output: 2 }, deprecated: true, model: "gpt-old-base" } },
    });
    const report = await checkPolicy(
      policyWith({
        old: { provider: "openai", model: "gpt-old" },
        typo: { provider: "openai", model: "gpt-4o-minii", price: { input: 1, output: 2 } },
      }),
      { env, catalog },
    );
    expect(report.ok).toBe(true);
    const messages = report.warnings.map((warning) => `${warning.path}: ${warning.message}`);
    expect(messages).toContain(
      "targets.old.model: `gpt-old` is deprecated in the model catalog (prices-data@1.0.0, limits-data@1.0.0, as `gpt-old-base`): the provider is retiring it; move the target to a current model",
    );
    expect(messages).toContain(
      "targets.typo.model: `gpt-4o-minii` is not in the model catalog (prices-data@1.0.0, limits-data@1.0.0): check its spelling; its price, context window and capabilities come only from the policy and the adapter",
    );
  });
});

describe("the bundled model catalog in policies", () => {
  it("prices claude-haiku-4-5 and gpt-4o-mini from @pydantic/genai-prices without a network", {
    timeout: 30_000,
  }, async () => {
    const { policy } = await loadPolicy(
      policyWith(
        {
          mini: { provider: "openai", model: "gpt-4o-mini" },
          haiku: { provider: "anthropic", model: "claude-haiku-4-5" },
        },
        { openai, anthropic: { type: "anthropic", apiKey } },
      ),
      { env },
    );
    expect(policy.targets.mini?.price).toEqual({ input: 0.15, output: 0.6, cachedInput: 0.075 });
    expect(policy.targets.haiku?.price).toEqual({ input: 1, output: 5, cachedInput: 0.1 });
    expect(policy.targets.mini?.catalog).toMatchObject({ contextWindow: 128_000, maxOutputTokens: 16_384 });
  });

  it("warns in `switchyard check` about a model its data lists as deprecated", {
    timeout: 30_000,
  }, async () => {
    const report = await checkPolicy(
      policyWith(
        { tiny: { provider: "mistral", model: "mistral-tiny" } },
        {
          mistral: {
            type: "openai-compatible",
            baseURL: "https://api.mistral.ai/v1",
            apiKey,
          },
        },
      ),
      { env },
    );
    expect(report.warnings.map((warning) => warning.message)).toContainEqual(
      expect.stringMatching(
        /^`mistral-tiny` is deprecated in the model catalog \(@pydantic\/genai-prices@0\.1\.8, @tokenlens\/models@1\.3\.0/,
      ),
    );
  });
});
