import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicy } from "../../index.js";
import { callSettings } from "../../src/gateway/call-settings.js";
import { hashKey, KeyRing } from "../../src/gateway/virtual-keys.js";
import {
  frugalKey,
  gatewayPolicy,
  keysSection,
  limitedKey,
  type Started,
  startGateway,
  teamKey,
} from "./gateway-fixture.js";

let started: Started;
const clientWith = (apiKey: string) =>
  new OpenAI({ baseURL: `${started.gateway.url}/v1`, apiKey, maxRetries: 0 });
const hello = { model: "default", messages: [{ role: "user" as const, content: "Hi" }] };

beforeAll(async () => {
  started = await startGateway(keysSection);
});
afterAll(() => started.stop());

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe("virtual keys", () => {
  it("answers 401 for a missing or unknown key, and calls no provider", async () => {
    expect(started.gateway.requiresKey).toBe(true);
    const before = started.upstream.requests.length;
    const missing = await fetch(`${started.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(hello),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("missing_api_key");
    const unknown = await failure(
      clientWith("test-canary-not-a-real-key-unknown").chat.completions.create(hello),
    );
    expect(unknown.status).toBe(401);
    expect(unknown).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(started.upstream.requests.length).toBe(before);
  });

  it("serves a known key on its routes, lists only those as models, and answers 403 on the others", async () => {
    const team = clientWith(teamKey);
    const answer = await team.chat.completions.create(hello);
    expect(answer.choices[0]?.message.content).toBe("Hello!");
    const models = await team.models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(["default", "vectors"]);
    const refused = await failure(team.chat.completions.create({ ...hello, model: "other" }));
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(refused.message).toContain('"other"');
  });

  it("answers 429 with retry-after once a key is over its rpm", async () => {
    const limited = clientWith(limitedKey);
    await limited.chat.completions.create(hello);
    const over = await failure(limited.chat.completions.create(hello));
    expect(over).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(over.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((over.error as { code?: string }).code).toBe("key_rate_limited");
  });

  it("refuses a call over the key's daily budget with 429 insufficient_quota until the next UTC day", async () => {
    const before = started.upstream.requests.length;
    const over = await failure(clientWith(frugalKey).chat.completions.create(hello));
    expect(over.status).toBe(429);
    expect(over.type).toBe("insufficient_quota");
    const retryAfter = Number(over.headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(started.upstream.requests.length).toBe(before);
  });

  it("keeps a caller from spending under another key's tag", async () => {
    const refused = await failure(
      clientWith(teamKey).chat.completions.create(hello, { headers: { "x-switchyard-tags": "key:limited" } }),
    );
    expect(refused.status).toBe(400);
    expect((refused.error as { param?: string }).param).toBe("tags");
  });
});

describe("key rules", () => {
  const ring = new KeyRing({ team: { hash: hashKey(teamKey), metadata: { team: "blue" }, tags: ["web"] } });

  it("finds a key by its hash only", () => {
    expect(ring.find(teamKey)?.name).toBe("team");
    expect(ring.find(`${teamKey}x`)).toBeUndefined();
    expect(hashKey("abc")).toBe("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("adds the key's spend tag and tags to the caller's, and its metadata over the caller's", () => {
    const headers = new Headers({
      "x-switchyard-tags": "batch",
      "x-switchyard-metadata": '{"team":"red","user":"u1"}',
    });
    const { fields } = callSettings(headers, undefined, ring.find(teamKey));
    expect(fields.tags).toEqual(["batch", "key:team", "web"]);
    expect(fields.metadata).toEqual({ team: "blue", user: "u1" });
  });

  it("keeps a key's budget apart from a policy tag of the same name, and lets callers use that tag", async () => {
    const policy = gatewayPolicy(
      "http://127.0.0.1:9/v1",
      `budgets:\n  tags:\n    key.team: { dailyUsd: 100 }\n    team: { dailyUsd: 50 }\n${keysSection}`,
    );
    const { writeFile, mkdtemp, rm } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const folder = await mkdtemp(join(tmpdir(), "switchyard-keys-"));
    const file = join(folder, "policy.yaml");
    await writeFile(file, policy);
    try {
      const loaded = await loadPolicy(file, { env: { UPSTREAM_KEY: "test-canary-not-a-real-key-x" } });
      expect(loaded.policy.budgets.tags["key.team"]).toEqual({ dailyUsd: 100 });
      expect(loaded.policy.budgets.tags.team).toEqual({ dailyUsd: 50 });
      expect(loaded.policy.budgets.tags["key:team"]).toEqual({ dailyUsd: 5 });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    const { fields } = callSettings(
      new Headers({ "x-switchyard-tags": "key.team" }),
      undefined,
      ring.find(teamKey),
    );
    expect(fields.tags).toEqual(["key.team", "key:team", "web"]);
  });

  it("refuses a policy whose key is stored in plain text, naming the field", async () => {
    const policy = gatewayPolicy(
      "http://127.0.0.1:9/v1",
      `gateway:\n  keys:\n    team: { hash: "${teamKey}" }\n`,
    );
    const { writeFile, mkdtemp } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(await mkdtemp(join(tmpdir(), "switchyard-keys-")), "policy.yaml");
    await writeFile(file, policy);
    await expect(loadPolicy(file, { env: { UPSTREAM_KEY: "test-canary-not-a-real-key-x" } })).rejects.toThrow(
      /gateway\.keys\.team\.hash[\s\S]*sha256/,
    );
  });
});
