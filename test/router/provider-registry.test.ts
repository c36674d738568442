import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkPolicy,
  createRouter,
  type GenerateResult,
  loadPolicy,
  PolicyFileError,
  type Provider,
  type ProviderFactory,
  ProviderSetupError,
  providerConfigFields,
  type Router,
  secretField,
} from "../../index.js";
import { countingFactory } from "./support/counting-provider.js";

const mycorpSchema = z
  .object({
    type: z.literal("mycorp"),
    endpoint: z.string().min(1),
    token: secretField("MyCorp token"),
    ...providerConfigFields,
  })
  .strict();

type MycorpConfig = z.output<typeof mycorpSchema>;

/** A provider type of the user's: it answers with its endpoint, so a test sees the config arrive. */
function mycorpFactory(created: Provider[] = []): ProviderFactory<MycorpConfig> {
  return {
    type: "mycorp",
    configSchema: mycorpSchema,
    capabilities: { streaming: false },
    secretFields: ["token"],
    async create(id, config) {
      const provider: Provider = {
        id,
        type: "mycorp",
        local: false,
        languageModel: (model) => ({
          provider: id,
          model,
          capabilities: { contextWindow: 100_000 },
          async doGenerate(): Promise<GenerateResult> {
            return {
              text: `${config.endpoint} ${config.token.length}`,
              toolCalls: [],
              finishReason: "stop",
              usage: { inputTokens: 1, outputTokens: 1 },
              warnings: [],
            };
          },
          doStream: () => Promise.reject(new Error("no streams")),
        }),
        close: async () => {
          created.splice(created.indexOf(provider), 1);
        },
      };
      created.push(provider);
      return provider;
    },
  };
}

function policyFile(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), "switchyard-registry-"));
  const file = join(folder, "routing.yaml");
  writeFileSync(file, text);
  return file;
}

const mycorpYaml = (entry: string) => `providers:
  corp:
${entry}
targets:
  big: { provider: corp, model: m1, price: { input: 1, output: 2 } }
routes:
  default: { targets: [big] }
`;

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

describe("the provider registry", () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the title shows the literal ${ENV} syntax
  it("routes to a provider type of the user's, written in YAML, with ${ENV} expanded in its secret field", async () => {
    const file = policyFile(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's literal ${ENV} syntax
      mycorpYaml('    { type: mycorp, endpoint: "https://corp.example", token: "${CORP_TOKEN}" }'),
    );
    router = await createRouter({
      policy: file,
      providers: [mycorpFactory()],
      env: { CORP_TOKEN: "secret-123" },
    });
    const result = await router.chat({ messages: [{ role: "user", content: "hi" }] });
    expect(result.text).toBe("https://corp.example 10");
    expect(result.route.provider).toBe("corp");
  });

  it("gives a custom entry that fails its schema the same file:line:col error as a built-in", async () => {
    const file = policyFile(mycorpYaml('    type: mycorp\n    endpoint: ""\n    tokn: x'));
    const error = await loadPolicy(file, { providers: [mycorpFactory()] }).catch((caught: unknown) => caught);
    expect(PolicyFileError.isInstance(error)).toBe(true);
    const issues = (error as PolicyFileError).issues.map(
      (issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`,
    );
    expect(issues).toEqual([
      "3:5 providers.corp.token: is required (expected a string)",
      "4:15 providers.corp.endpoint: expected a non-empty string",
      "5:5 providers.corp.tokn: unknown key `tokn` (did you mean `token`?)",
    ]);
  });

  it("names the registered types, and the closest, for an unknown provider type", async () => {
    const file = policyFile(mycorpYaml("    { type: mycrop, endpoint: x, token: y }"));
    const report = await checkPolicy(file, { providers: [mycorpFactory()] });
    expect(report.errors.map((issue) => `${issue.line}:${issue.column} ${issue.message}`)).toEqual([
      '3:13 expected one of `openai`, `anthropic`, `replicate`, `openai-compatible`, `local`, `ai-sdk`, `mycorp` (got "mycrop") (did you mean `mycorp`?)',
    ]);
  });

  it("refuses a type nobody registered: the built-ins alone do not know mycorp", async () => {
    const file = policyFile(mycorpYaml("    { type: mycorp, endpoint: x, token: y }"));
    await expect(createRouter({ policy: file })).rejects.toThrow(
      /providers\.corp\.type: expected one of `openai`/,
    );
  });

  it("reports a factory that throws as a ProviderSetupError naming the entry, and closes the providers created before it", async () => {
    const local = countingFactory();
    const created: Provider[] = [];
    const failing: ProviderFactory<MycorpConfig> = {
      ...mycorpFactory(created),
      create: async () => {
        throw new Error("the corp gateway refused secret-123");
      },
    };
    const policy = {
      providers: {
        engine: { type: "local", model: "./ok.gguf" },
        corp: { type: "mycorp", endpoint: "x", token: "secret-123" },
      },
      targets: {
        tiny: { provider: "engine", model: "m" },
        big: { provider: "corp", model: "m", price: { input: 1, output: 1 } },
      },
      routes: { default: { targets: ["tiny", "big"] } },
    };
    const error = await createRouter({ policy, providers: [local, failing] }).catch(
      (caught: unknown) => caught,
    );
    expect(ProviderSetupError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: "corp", type: "mycorp" });
    expect((error as Error).message).toBe(
      "provider corp (type mycorp) could not be created: the corp gateway refused [REDACTED]",
    );
    expect(local.created).toBe(1);
    expect(local.live()).toEqual([]);
  });

  it("closes a provider created before a later factory failed on reload, and keeps the running policy", async () => {
    const created: Provider[] = [];
    let fail = false;
    const base = mycorpFactory(created);
    const flaky: ProviderFactory<MycorpConfig> = {
      ...base,
      create: (id, config, context) => {
        if (fail && id === "second") throw new Error("second is down");
        return base.create(id, config, context);
      },
    };
    const entry = (endpoint: string) => ({ type: "mycorp", endpoint, token: "t" });
    const policy = (endpoint: string) => ({
      providers: { first: entry(endpoint), second: entry(endpoint) },
      targets: {
        a: { provider: "first", model: "m", price: { input: 1, output: 1 } },
        b: { provider: "second", model: "m", price: { input: 1, output: 1 } },
      },
      routes: { default: { targets: ["a", "b"] } },
    });
    let current = policy("one");
    const file = policyFile(JSON.stringify(current));
    router = await createRouter({ policy: file, providers: [flaky] });
    expect(created).toHaveLength(2);
    fail = true;
    current = policy("two");
    writeFileSync(file, JSON.stringify(current));
    await expect(router.reload()).rejects.toMatchObject({ name: "ProviderSetupError", provider: "second" });
    expect(created).toHaveLength(2);
    expect((await router.chat({ messages: [{ role: "user", content: "hi" }] })).text).toBe("one 1");
  });

  it("closes a provider whose async create finished after close() began, and nothing stays open", async () => {
    const created: Provider[] = [];
    let finish: () => void = () => {};
    let entered: () => void = () => {};
    const creating = new Promise<void>((resolve) => (entered = resolve));
    let slow = false;
    const base = mycorpFactory(created);
    const gated: ProviderFactory<MycorpConfig> = {
      ...base,
      create: async (id, config, context) => {
        if (slow) {
          entered();
          await new Promise<void>((resolve) => (finish = resolve));
        }
        return base.create(id, config, context);
      },
    };
    const file = policyFile(mycorpYaml("    { type: mycorp, endpoint: one, token: t }"));
    const started = await createRouter({ policy: file, providers: [gated] });
    slow = true;
    writeFileSync(file, mycorpYaml("    { type: mycorp, endpoint: two, token: t }"));
    const reload = started.reload();
    await creating;
    const closing = started.close();
    finish();
    await expect(reload).rejects.toMatchObject({ name: "RouterClosedError" });
    await closing;
    expect(created).toEqual([]);
  });
});
