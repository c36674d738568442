import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGateway, type Gateway } from "../../index.js";
import { hashKey } from "../../src/gateway/virtual-keys.js";
import { upstreamKey } from "./gateway-fixture.js";
import { type OpenAIUpstream, startOpenAIUpstream } from "./openai-upstream.js";

export const adminKey = "test-canary-not-a-real-key-dashboard-admin-0001";
export const opsKey = "test-canary-not-a-real-key-dashboard-ops-0001";
export const appKey = "test-canary-not-a-real-key-dashboard-app-0001";
/** What a hostile caller or model name tries to run in the operator's browser. */
export const hostile = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;

const defaultDashboard = `enabled: true
    hash: "${hashKey(adminKey)}"
    keys: [ops]`;

/**
 * A policy with a dashboard behind an admin key and the virtual key `ops` (`app` may call but not
 * open it), a target whose model name is markup; `dashboard` is the body of its section.
 */
export function dashboardPolicy(baseURL: string, dashboard = defaultDashboard): string {
  return `providers:
  upstream: { type: openai, apiKey: "\${UPSTREAM_KEY}", baseURL: "${baseURL}" }
targets:
  mini: { provider: upstream, model: gpt-4o-mini, price: { input: 0.15, output: 0.6 }, maxAttempts: 1, limits: { rpm: 600 } }
  odd: { provider: upstream, model: ${JSON.stringify(hostile)}, price: { input: 0.15, output: 0.6 }, maxAttempts: 1 }
routes:
  default: { targets: [mini], budget: { dailyUsd: 2 } }
  odd: { targets: [odd] }
gateway:
  dashboard:
    ${dashboard}
  keys:
    ops: { hash: "${hashKey(opsKey)}" }
    app: { hash: "${hashKey(appKey)}", dailyUsd: 1, tags: [web] }
`;
}

export interface DashboardGateway {
  gateway: Gateway;
  upstream: OpenAIUpstream;
  policyFile: string;
  stop(): Promise<void>;
}

export async function startDashboardGateway(dashboard?: string): Promise<DashboardGateway> {
  const upstream = await startOpenAIUpstream();
  const folder = await mkdtemp(join(tmpdir(), "switchyard-dashboard-"));
  const policyFile = join(folder, "policy.yaml");
  await writeFile(policyFile, dashboardPolicy(upstream.baseURL, dashboard));
  try {
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
  } catch (error) {
    await upstream.close();
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** One chat call through the gateway with `key`; resolves with the call id the response names. */
export async function callThrough(
  gateway: Gateway,
  key: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; callId: string | null }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "Hi" }], ...body }),
  });
  await response.arrayBuffer();
  return { status: response.status, callId: response.headers.get("x-switchyard-call-id") };
}
