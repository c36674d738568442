import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGateway, type Gateway } from "../../index.js";
import { hashKey } from "../../src/gateway/virtual-keys.js";
import { type OpenAIUpstream, startOpenAIUpstream } from "./openai-upstream.js";

export const upstreamKey = "test-canary-not-a-real-key-upstream-0001";
export const teamKey = "test-canary-not-a-real-key-team-0001";
export const limitedKey = "test-canary-not-a-real-key-limited-0001";
export const frugalKey = "test-canary-not-a-real-key-frugal-0001";

/** The policy of these tests: one OpenAI-wire upstream on loopback, three routes, `extra` appended. */
export function gatewayPolicy(baseURL: string, extra = ""): string {
  return `providers:
  upstream: { type: openai, apiKey: "\${UPSTREAM_KEY}", baseURL: "${baseURL}" }
targets:
  mini: { provider: upstream, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 }, logprobs: 20, maxAttempts: 1 }
  small: { provider: upstream, model: text-embedding-3-small, price: { input: 0.02, output: 0 }, maxAttempts: 1 }
routes:
  default: { targets: [mini] }
  other: { targets: [mini] }
  vectors: { targets: [small] }
${extra}`;
}

export const keysSection = `gateway:
  maxBodyBytes: 65536
  keys:
    team:
      hash: "${hashKey(teamKey)}"
      routes: [default, vectors]
      metadata: { team: blue }
      dailyUsd: 5
    limited:
      hash: "${hashKey(limitedKey)}"
      limits: { rpm: 1 }
    frugal:
      hash: "${hashKey(frugalKey)}"
      dailyUsd: 0.0000001
`;

export interface Started {
  gateway: Gateway;
  upstream: OpenAIUpstream;
  policyFile: string;
  stop(): Promise<void>;
}

/** An upstream, a policy file pointing at it, and the gateway on a free loopback port. */
export async function startGateway(extra = ""): Promise<Started> {
  const upstream = await startOpenAIUpstream();
  const folder = await mkdtemp(join(tmpdir(), "switchyard-gateway-"));
  const policyFile = join(folder, "policy.yaml");
  await writeFile(policyFile, gatewayPolicy(upstream.baseURL, extra));
  const gateway = await createGateway({ policy: policyFile, port: 0, env: { UPSTREAM_KEY: upstreamKey } });
  return {
    gateway,
    upstream,
    policyFile,
    async stop() {
      await gateway.close({ graceMs: 0 });
      await upstream.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
