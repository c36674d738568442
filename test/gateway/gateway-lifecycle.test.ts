import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import * as switchyard from "../../index.js";
import type { CliIo } from "../../src/cli/cli-io.js";
import { defaultCliDependencies } from "../../src/cli/default-cli-dependencies.js";
import { runCli } from "../../src/cli/run-cli.js";
import { hashKey } from "../../src/gateway/virtual-keys.js";
import { gatewayPolicy, type Started, startGateway, upstreamKey } from "./gateway-fixture.js";
import { slowStreamReply, startOpenAIUpstream } from "./openai-upstream.js";

let started: Started | undefined;
afterEach(async () => {
  await started?.stop();
  started = undefined;
});

const streamBody = JSON.stringify({
  model: "default",
  messages: [{ role: "user", content: "Count" }],
  stream: true,
});

async function readAll(response: Response): Promise<string> {
  return await response.text();
}

describe("draining", () => {
  it("lets a stream in flight finish on close while refusing new connections", async () => {
    started = await startGateway();
    const { gateway, upstream } = started;
    upstream.replies.push(slowStreamReply(["one ", "two ", "three ", "four"], 100));
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: streamBody,
    });
    expect(response.status).toBe(200);
    const text = readAll(response);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const closed = gateway.close({ graceMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(fetch(`${gateway.url}/health/live`)).rejects.toThrow();
    const body = await text;
    expect(body).toContain("four");
    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
    await closed;
    expect(upstream.state.closedEarly).toBe(0);
  });

  it("stops a stream still running when the grace period ends, with a terminal error event", async () => {
    started = await startGateway();
    const { gateway, upstream } = started;
    upstream.replies.push(
      slowStreamReply(
        Array.from({ length: 50 }, (_, index) => `w${index} `),
        100,
      ),
    );
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: streamBody,
    });
    const text = readAll(response);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await gateway.close({ graceMs: 100 });
    const body = await text;
    expect(body).not.toContain("[DONE]");
    expect(body.trimEnd().split("\n\n").at(-1)).toMatch(/^data: \{"error":/);
  });
});

describe("reloading", () => {
  it("picks up new routes and keys from the edited policy, and keeps the last good one after a bad edit", async () => {
    started = await startGateway();
    const { gateway, upstream, policyFile } = started;
    const key = "test-canary-not-a-real-key-reload-0001";
    await writeFile(
      policyFile,
      `${await readFile(policyFile, "utf8")}\ngateway:\n  keys:\n    fresh: { hash: "${hashKey(key)}" }\n`.replace(
        "  vectors:",
        "  added: { targets: [mini] }\n  vectors:",
      ),
    );
    await gateway.reload();
    const refused = await fetch(`${gateway.url}/v1/models`);
    expect(refused.status).toBe(401);
    const models = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    const listed = ((await models.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    expect(listed).toContain("added");
    await writeFile(
      policyFile,
      gatewayPolicy(upstream.baseURL, "gateway:\n  keys:\n    broken: { hash: nope }\n"),
    );
    await expect(gateway.reload()).rejects.toThrow(/hash/);
    const still = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(still.status).toBe(200);
    // A key naming no route is refused before the router reloads: the route added with it is not served.
    await writeFile(
      policyFile,
      gatewayPolicy(
        upstream.baseURL,
        `gateway:\n  keys:\n    fresh: { hash: "${hashKey(key)}", routes: [ghost] }\n`,
      ).replace("  vectors:", "  later: { targets: [mini] }\n  vectors:"),
    );
    await expect(gateway.reload()).rejects.toThrow(/gateway\.keys\.fresh\.routes\[0\]/);
    const unchanged = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const ids = ((await unchanged.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    expect(ids).toContain("added");
    expect(ids).not.toContain("later");
  });
});

describe("reloading the state section", () => {
  it("refuses a changed state section, which takes a restart, and keeps routes, keys and their counts", async () => {
    started = await startGateway();
    const { gateway, upstream, policyFile } = started;
    await writeFile(
      policyFile,
      gatewayPolicy(upstream.baseURL, "state:\n  store: redis\n  url: redis://127.0.0.1:6390\n").replace(
        "  vectors:",
        "  later: { targets: [mini] }\n  vectors:",
      ),
    );
    await expect(gateway.reload()).rejects.toThrow(/state section changed[\s\S]*restart/);
    const models = await fetch(`${gateway.url}/v1/models`);
    const ids = ((await models.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    expect(ids).not.toContain("later");
  });
});

describe("the serve and keys commands", () => {
  const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

  function cliIo(env: Record<string, string>) {
    const output = { stdout: "", stderr: "" };
    const handlers = new Map<string, () => void>();
    const io: CliIo = {
      stdout: (text) => {
        output.stdout += text;
      },
      stderr: (text) => {
        output.stderr += text;
      },
      interactive: false,
      readFile: (path) => readFile(path, "utf8"),
      env,
      cwd: process.cwd(),
      onSignal: (signal, handler) => {
        handlers.set(signal, handler);
        return () => handlers.delete(signal);
      },
    };
    return { io, output, handlers };
  }

  it("hashes a key, and generates a new one with its hash", async () => {
    const dependencies = defaultCliDependencies(switchyard, repoRoot);
    const { io, output } = cliIo({});
    expect(await runCli(["keys", "hash", "abc"], io, dependencies)).toBe(0);
    expect(output.stdout).toBe(`${hashKey("abc")}\n`);
    const generated = cliIo({});
    expect(await runCli(["keys", "hash", "--generate"], generated.io, dependencies)).toBe(0);
    const [, made] = /^key: {2}(\S+)\nhash: (sha256:[0-9a-f]{64})\n$/.exec(generated.output.stdout) ?? [];
    expect(made).toBeDefined();
    expect(generated.output.stdout).toContain(hashKey(made as string));
    const bad = cliIo({});
    expect(await runCli(["keys", "hash"], bad.io, dependencies)).toBe(2);
  });

  it("serves on loopback until SIGTERM, reloading on SIGHUP", async () => {
    const upstream = await startOpenAIUpstream();
    const { mkdtemp } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(await mkdtemp(join(tmpdir(), "switchyard-serve-")), "policy.yaml");
    await writeFile(file, gatewayPolicy(upstream.baseURL));
    const { io, output, handlers } = cliIo({ UPSTREAM_KEY: upstreamKey });
    const exit = runCli(
      ["serve", "--policy", file, "--port", "0"],
      io,
      defaultCliDependencies(switchyard, repoRoot),
    );
    await expect
      .poll(() => output.stderr, { timeout: 10_000 })
      .toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /listening on (\S+)/.exec(output.stderr)?.[1] as string;
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    // Loopback without keys is the safe default: nothing to warn about.
    expect(output.stderr).not.toContain("warning:");
    handlers.get("SIGHUP")?.();
    await expect.poll(() => output.stderr).toContain("policy reloaded");
    handlers.get("SIGTERM")?.();
    expect(await exit).toBe(0);
    expect(output.stderr).toContain("SIGTERM: draining");
    await upstream.close();
  });
});
