/** `"${NAME}"` in YAML: the policy reads the variable, the file never holds the value. */
const ref = (name: string) => `"\${${name}}"`;

/** One provider `switchyard init` can write: the environment variable that enables it and its YAML. */
interface StarterProvider {
  env: string;
  id: string;
  provider: string;
  target: string;
  targetYaml: string;
}

const starters: readonly StarterProvider[] = [
  {
    env: "OPENAI_API_KEY",
    id: "openai",
    provider: `openai: { type: openai, apiKey: ${ref("OPENAI_API_KEY")} }`,
    target: "gpt-4o-mini",
    targetYaml:
      "gpt-4o-mini:\n    provider: openai\n    model: gpt-4o-mini\n    price: { input: 0.15, output: 0.60 } # US dollars per million tokens\n    contextWindow: 128000",
  },
  {
    env: "ANTHROPIC_API_KEY",
    id: "anthropic",
    provider: `anthropic: { type: anthropic, apiKey: ${ref("ANTHROPIC_API_KEY")} }`,
    target: "haiku",
    targetYaml:
      "haiku:\n    provider: anthropic\n    model: claude-3-5-haiku-latest\n    price: { input: 0.80, output: 4.00 }\n    contextWindow: 200000",
  },
  {
    env: "GROQ_API_KEY",
    id: "groq",
    provider: `groq: { type: openai-compatible, host: groq, baseURL: https://api.groq.com/openai/v1, apiKey: ${ref("GROQ_API_KEY")} }`,
    target: "llama-8b-groq",
    targetYaml:
      "llama-8b-groq:\n    provider: groq\n    model: llama-3.1-8b-instant\n    price: { input: 0.05, output: 0.08 }\n    contextWindow: 131072",
  },
  {
    env: "TOGETHER_API_KEY",
    id: "together",
    provider: `together: { type: openai-compatible, host: together, baseURL: https://api.together.xyz/v1, apiKey: ${ref("TOGETHER_API_KEY")} }`,
    target: "llama-70b-together",
    targetYaml:
      "llama-70b-together:\n    provider: together\n    model: meta-llama/Llama-3.3-70B-Instruct-Turbo\n    price: { input: 0.88, output: 0.88 }\n    contextWindow: 131072",
  },
  {
    env: "REPLICATE_API_TOKEN",
    id: "replicate",
    provider: `replicate: { type: replicate, apiToken: ${ref("REPLICATE_API_TOKEN")} }`,
    target: "llama-8b-replicate",
    targetYaml:
      "llama-8b-replicate:\n    provider: replicate\n    model: meta/meta-llama-3-8b-instruct\n    price: { input: 0.05, output: 0.25 }\n    contextWindow: 8192",
  },
];

export interface StarterPolicy {
  yaml: string;
  /** The environment variables the policy reads, and whether it has the local engine. */
  providers: string[];
}

/**
 * A starter policy for the providers whose key is set in `env` (the file holds `${VAR}`, never
 * the key) plus, when `localModel` is given, the local engine. The cloud targets form the default
 * route, cheapest first; the local engine gets a `private` route of its own (and is the default
 * only when there is nothing else), so a tiny test model never answers a cloud route's calls.
 * Undefined when there is nothing to route to.
 */
export function starterPolicy(
  env: Record<string, string | undefined>,
  localModel: string | undefined,
): StarterPolicy | undefined {
  const found = starters.filter((starter) => (env[starter.env] ?? "") !== "");
  if (found.length === 0 && localModel === undefined) return undefined;
  const providers = found.map((starter) => `  ${starter.provider}`);
  const targets = found.map((starter) => `  ${starter.targetYaml}`);
  const cloudTargets = found.map((starter) => starter.target);
  if (localModel !== undefined) {
    providers.push(
      `  local: # the in-process engine; point model at a real GGUF for real answers\n    type: local\n    model: ${JSON.stringify(localModel)}\n    gpu: auto\n    slots: 4`,
    );
    targets.push("  local-small: { provider: local, model: local-small }");
  }
  const routes: string[] = [];
  if (cloudTargets.length > 0) {
    routes.push(
      `  default:\n    strategy: cheapest\n    targets: [${cloudTargets.join(", ")}]\n    budget: { maxCostUsd: 0.02 }\n    timeoutMs: 60000`,
    );
  }
  if (localModel !== undefined) {
    routes.push(
      `  ${cloudTargets.length > 0 ? "private" : "default"}:\n    privacy: local-only\n    targets: [local-small]`,
    );
  }
  const yaml = [
    "# yaml-language-server: $schema=./node_modules/switchyard-ai/schema/policy.schema.json",
    "#",
    "# Written by `switchyard init` from what this machine has. Secrets stay in the environment:",
    "# each key is read from its variable when the policy loads. Check it: npx switchyard check switchyard.yaml",
    "version: 1",
    "",
    "providers:",
    ...providers,
    "",
    "targets:",
    ...targets,
    "",
    "routes:",
    ...routes,
    "",
  ].join("\n");
  return {
    yaml,
    providers: [
      ...found.map((starter) => starter.env),
      ...(localModel !== undefined ? ["local engine"] : []),
    ],
  };
}
