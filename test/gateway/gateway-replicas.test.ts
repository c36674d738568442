// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the policy writes the literal ${REDIS_URL} syntax
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../index.js";
import { hashKey } from "../../src/gateway/virtual-keys.js";
import { hasRedisServer, RedisServer, skipReason } from "../redis/support/redis-server.js";
import { gatewayPolicy, upstreamKey } from "./gateway-fixture.js";
import { type OpenAIUpstream, startOpenAIUpstream } from "./openai-upstream.js";

if (!hasRedisServer) console.warn(`test/gateway/gateway-replicas.test.ts skipped: ${skipReason}`);

const key = "test-canary-not-a-real-key-replicas-0001";
let redis: RedisServer;
let upstream: OpenAIUpstream;
let folder: string;
const gateways: Gateway[] = [];

beforeAll(async () => {
  if (!hasRedisServer) return;
  redis = await RedisServer.start();
  upstream = await startOpenAIUpstream();
  folder = await mkdtemp(join(tmpdir(), "switchyard-replicas-"));
  const file = join(folder, "policy.yaml");
  await writeFile(
    file,
    gatewayPolicy(
      upstream.baseURL,
      `state: { store: redis, url: "\${REDIS_URL}", keyPrefix: "gateway-replicas" }
gateway:
  keys:
    shared: { hash: "${hashKey(key)}", limits: { rpm: 1 } }
`,
    ),
  );
  const env = { UPSTREAM_KEY: upstreamKey, REDIS_URL: redis.url };
  for (let replica = 0; replica < 2; replica++) {
    gateways.push(await createGateway({ policy: file, port: 0, env }));
  }
});

afterAll(async () => {
  if (!hasRedisServer) return;
  for (const gateway of gateways) await gateway.close();
  await upstream.close();
  await redis.kill();
  await rm(folder, { recursive: true, force: true });
});

describe.skipIf(!hasRedisServer)("gateway replicas on one Redis", { timeout: 20_000 }, () => {
  it("count a key's rpm across replicas: the second call, on the other replica, gets 429", async () => {
    const [first, second] = gateways.map(
      (gateway) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 }),
    ) as [OpenAI, OpenAI];
    const hello = { model: "default", messages: [{ role: "user" as const, content: "Hi" }] };
    await first.chat.completions.create(hello);
    const over = await second.chat.completions.create(hello).catch((error: unknown) => error);
    expect(over).toBeInstanceOf(OpenAI.RateLimitError);
    expect(
      Number((over as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")),
    ).toBeGreaterThanOrEqual(1);
    expect(upstream.requests.length).toBe(1);
  });
});
