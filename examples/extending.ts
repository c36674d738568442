/**
 * Extending Switchyard: a provider type of your own used from YAML, a filter, a strategy and a
 * learned difficulty scorer, registered next to the built-ins. The provider speaks a made-up
 * in-house HTTP API (`POST <endpoint>/generate`); the test runs this file against a loopback server.
 *
 *   MYCORP_TOKEN=… node dist/examples/extending.js   # with a server at the policy's endpoint
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  type ChatRequest,
  createRouter,
  type DifficultyScorer,
  type Filter,
  type GenerateResult,
  ProviderCallError,
  type ProviderFactory,
  providerConfigFields,
  type Router,
  type Strategy,
  secretField,
} from "../index.js";

/** 1. A provider type: its entries in the policy are checked against this schema, with file:line:col. */
const mycorpConfigSchema = z
  .object({
    type: z.literal("mycorp"),
    endpoint: z.url().describe("Base URL of the in-house gateway."),
    token: secretField("Gateway token"),
    ...providerConfigFields, // headers, local, noTraining: the router's privacy rules apply
  })
  .strict();

export const mycorpProvider: ProviderFactory<z.output<typeof mycorpConfigSchema>> = {
  type: "mycorp",
  configSchema: mycorpConfigSchema,
  capabilities: { streaming: false, tools: false, contextWindow: 32_000 },
  secretFields: ["token"], // `${ENV}` is expanded here and the value is redacted everywhere
  create(id, config, context) {
    // A real adapter would import its SDK here (`await import("mycorp-sdk")`): it loads on first use.
    const fetch = context.fetch ?? globalThis.fetch;
    return {
      id,
      type: "mycorp",
      local: config.local ?? false,
      languageModel: (model) => ({
        provider: id,
        model,
        capabilities: {},
        async doGenerate(options): Promise<GenerateResult> {
          const response = await fetch(`${config.endpoint}/generate`, {
            method: "POST",
            headers: { authorization: `Bearer ${config.token}`, "content-type": "application/json" },
            body: JSON.stringify({ model, messages: options.messages, max_tokens: options.maxTokens }),
            signal: options.signal,
          });
          if (!response.ok) {
            const retryable = response.status === 429 || response.status >= 500;
            throw new ProviderCallError({
              kind: response.status === 429 ? "rate_limit" : retryable ? "server" : "bad_request",
              message: context.redact(`${id}:${model} returned ${response.status}`),
              provider: id,
              model,
              status: response.status,
              retryable,
            });
          }
          const body = (await response.json()) as { output: string; tokens: { in: number; out: number } };
          return {
            text: body.output,
            toolCalls: [],
            finishReason: "stop",
            usage: { inputTokens: body.tokens.in, outputTokens: body.tokens.out },
            warnings: [],
          };
        },
        doStream: () => Promise.reject(new Error(`${id} does not stream`)),
      }),
    };
  },
};

/** 2. A filter, applied after the built-in ones: preview models never serve production traffic. */
export const noPreviewModels: Filter = {
  kind: "filter",
  name: "no-preview-models",
  filter: ({ candidates }) =>
    candidates
      .filter((candidate) => candidate.target.model.includes("preview"))
      .map((candidate) => ({ target: candidate.target.id, reason: "preview models are not used here" })),
};

/** 3. A strategy a route names with `strategy: round-robin`: each call starts one target further. */
export function roundRobin(): Strategy {
  let next = 0;
  return {
    kind: "strategy",
    name: "round-robin",
    rank: ({ candidates }) => {
      const start = next++ % Math.max(1, candidates.length);
      return [...candidates.slice(start), ...candidates.slice(0, start)];
    },
  };
}

/**
 * 4. A learned difficulty scorer for `quality-threshold`: a logistic regression over cheap features
 * of the prompt, with weights fitted offline (e.g. on which prompts the small model got wrong).
 */
export function logisticScorer(
  weights = { bias: -2.2, length: 1.6, code: 1.9, questions: 0.6 },
): DifficultyScorer {
  return {
    score(request: Readonly<ChatRequest>) {
      const text = request.messages.map((message) => message.content ?? "").join("\n");
      const z =
        weights.bias +
        weights.length * Math.min(1, text.length / 2000) +
        weights.code * (/```|\bfunction\b|\bdef\b/.test(text) ? 1 : 0) +
        weights.questions * Math.min(3, (text.match(/\?/g) ?? []).length);
      return 1 / (1 + Math.exp(-z));
    },
  };
}

/** Builds the router of examples/extending.yaml with all four registered. */
export function createExtendedRouter(
  policy: string,
  env: Record<string, string | undefined> = process.env,
): Promise<Router> {
  return createRouter({
    policy,
    env,
    providers: [mycorpProvider],
    filters: [noPreviewModels],
    strategies: [roundRobin()],
    difficultyScorer: logisticScorer(),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const policy = fileURLToPath(
    new URL(
      import.meta.url.includes("/dist/") ? "../../examples/extending.yaml" : "./extending.yaml",
      import.meta.url,
    ),
  );
  const router = await createExtendedRouter(policy);
  const easy = await router.chat({ messages: [{ role: "user", content: "Hi!" }] });
  console.log(easy.text, "←", easy.route.target);
  await router.close();
}
