import { anthropicRateLimited, anthropicWireServer } from "./anthropic-wire-server.js";
import type { ReceivedRequest, WireHandler } from "./loopback-server.js";
import { openaiRateLimited, openaiWireServer } from "./openai-wire-server.js";
import { replicateRateLimited, replicateWireServer } from "./replicate-wire-server.js";
import type { WireFailure, WireScript } from "./wire-script.js";

/** One provider type the CLI must work against, with the loopback server that speaks its wire format. */
export interface ProviderCase {
  /** How tests name it: the policy `type`, plus the host for openai-compatible. */
  name: string;
  /** The `${ENV_NAME}` the policy reads the key from. */
  envName: string;
  /** A well-formed key of this provider's shape. */
  apiKey: string;
  model: string;
  price: { input: number; output: number };
  server(script: WireScript): WireHandler;
  /** The provider entry of the policy, as YAML flow mapping, pointing at the server. */
  providerYaml(origin: string): string;
  /** The provider's own 429. */
  rateLimited(): WireFailure;
  /** The requests that asked for an answer (not polls, streams or cancels). */
  calls(requests: readonly ReceivedRequest[]): ReceivedRequest[];
  /** Whether the answer was requested as a stream, read from the recorded requests. */
  streamed(requests: readonly ReceivedRequest[]): boolean;
}

const bodyOf = (request: ReceivedRequest) => JSON.parse(request.body) as { stream?: boolean };
const posts = (path: string) => (requests: readonly ReceivedRequest[]) =>
  requests.filter((request) => request.method === "POST" && request.path === path);

function openaiShaped(
  name: string,
  envName: string,
  apiKey: string,
  model: string,
  providerYaml: (origin: string) => string,
  flavor: "openai" | "vllm" | "together",
): ProviderCase {
  const calls = posts("/v1/chat/completions");
  return {
    name,
    envName,
    apiKey,
    model,
    price: flavor === "vllm" ? { input: 0, output: 0 } : { input: 0.15, output: 0.6 },
    server: (script) => openaiWireServer(script, flavor),
    providerYaml,
    rateLimited: openaiRateLimited,
    calls,
    streamed: (requests) => calls(requests).every((request) => bodyOf(request).stream === true),
  };
}

export const providerCases: readonly ProviderCase[] = [
  openaiShaped(
    "openai",
    "OPENAI_API_KEY",
    "sk-proj-canary7Qm2Xw9Lr4Tz8Vb1Nc6Hd3Jf5Kg0",
    "gpt-4o-mini",
    (origin) => `{ type: openai, apiKey: "\${OPENAI_API_KEY}", baseURL: "${origin}/v1" }`,
    "openai",
  ),
  {
    name: "anthropic",
    envName: "ANTHROPIC_API_KEY",
    apiKey: "sk-ant-api03-canary5Rt8Yu1Io4Pa7Sd0Fg3Hj6Kl9",
    model: "claude-sonnet-4-6",
    price: { input: 3, output: 15 },
    server: anthropicWireServer,
    providerYaml: (origin) => `{ type: anthropic, apiKey: "\${ANTHROPIC_API_KEY}", baseURL: "${origin}" }`,
    rateLimited: anthropicRateLimited,
    calls: posts("/v1/messages"),
    streamed: (requests) =>
      posts("/v1/messages")(requests).every((request) => bodyOf(request).stream === true),
  },
  {
    name: "replicate",
    envName: "REPLICATE_API_TOKEN",
    apiKey: "r8_canary2Wq5Er8Ty1Ui4Op7As0Df3Gh6Jk9",
    model: "meta/meta-llama-3-8b-instruct",
    price: { input: 0.05, output: 0.25 },
    server: replicateWireServer,
    providerYaml: (origin) =>
      `{ type: replicate, apiToken: "\${REPLICATE_API_TOKEN}", baseURL: "${origin}/v1" }`,
    rateLimited: replicateRateLimited,
    calls: posts("/v1/models/meta/meta-llama-3-8b-instruct/predictions"),
    // A streamed prediction is read from its urls.stream; an unstreamed one is polled.
    streamed: (requests) =>
      requests.some((request) => request.method === "GET" && request.path.startsWith("/stream/")),
  },
  openaiShaped(
    "openai-compatible (vllm)",
    "VLLM_API_KEY",
    "vllm-canary8Zx1Cv4Bn7Mq0We3Rt6Yu9",
    "meta-llama/Llama-3.1-8B-Instruct",
    (origin) =>
      `{ type: openai-compatible, host: vllm, local: true, apiKey: "\${VLLM_API_KEY}", baseURL: "${origin}/v1" }`,
    "vllm",
  ),
  openaiShaped(
    "openai-compatible (together)",
    "TOGETHER_API_KEY",
    "tgp_v1_canary4Hj7Kl0Zx3Cv6Bn9Mq2We5",
    "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    (origin) =>
      `{ type: openai-compatible, host: together, apiKey: "\${TOGETHER_API_KEY}", baseURL: "${origin}/v1" }`,
    "together",
  ),
];

/** A policy with one route, `default`, over one target, `main`, of the case's provider. */
export function singleTargetPolicy(providerCase: ProviderCase, origin: string): string {
  return [
    "version: 1",
    "providers:",
    `  main: ${providerCase.providerYaml(origin)}`,
    "targets:",
    "  main:",
    "    provider: main",
    `    model: ${providerCase.model}`,
    `    price: { input: ${providerCase.price.input}, output: ${providerCase.price.output} }`,
    "routes:",
    "  default: { targets: [main] }",
    "",
  ].join("\n");
}
